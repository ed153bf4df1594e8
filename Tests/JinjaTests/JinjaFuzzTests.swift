import Core
import Foundation
import GoldenSupport
import Jinja
import Testing

/// A bounded fuzz smoke run of the Jinja lexer, parser and renderer: 40,000 seeded mutations
/// of the corpus's templates, rendered with each case's variables. Every input renders or
/// fails with a template error; a crash or a hang fails the run. Templates that call lookups
/// are left out (a mutated `pipe` command must not run).
@Suite struct JinjaFuzzTests {
    static let tokens = ["{{", "}}", "{%", "%}", "{#", "#}", "|", "(", ")", "[", "]", "{", "}", ".", ",", ":", "'", "\"", "~", "**", "//",
                         " if ", " else ", " for x in ", "{% endfor %}", "{% endif %}", "{% set a = ", "{% macro m() %}", "{% endmacro %}",
                         "{% raw %}", "{% endraw %}", " is ", " not ", " in ", "default(", "int", "|join", "|map(", "|selectattr(",
                         "range(99999999)", "9999999999999999999999", "-", "\\", "\n", "{%- ", " -%}", "\u{00}", "lipsum", "loop.", "self."]

    @Test func mutatedTemplatesRenderOrFail() throws {
        let cases = JinjaGoldenTests.corpus.cases.sorted { $0.key < $1.key }.compactMap { _, c -> (String, [String: Value])? in
            guard let template = c["template"]?.stringValue, !template.contains("lookup"), !template.contains("query"),
                  !template.contains("pipe") else { return nil }
            var vars: [String: Value] = [:]
            for (k, v) in c["vars"]?.dictValue?.items ?? [] { vars[k.pythonString] = v }
            return (template, vars)
        }
        try #require(cases.count >= 500)
        let engine = TemplateEngine()
        var rendered = 0, failed = 0
        for seed in 0..<40_000 {
            var mutator = Mutator(seed: UInt64(seed))
            let (template, vars) = cases[mutator.below(cases.count)]
            let mutated = String(decoding: mutator.mutate(Array(template.utf8), tokens: Self.tokens), as: UTF8.self)
            do {
                if seed % 2 == 0 {
                    _ = try engine.renderText(.string(mutated), vars: DictVariables(vars))
                } else {
                    _ = try engine.template(.string(mutated), vars: DictVariables(vars))
                }
                rendered += 1
            } catch {
                failed += 1
            }
        }
        #expect(rendered > 500 && failed > 500, "the mutations reach both outcomes (\(rendered) rendered, \(failed) refused)")
    }
}
