import Core
import Foundation

/// State shared by everything one top-level templating call renders: the host's variables,
/// the stack of variable templates being rendered (to report recursion instead of hanging),
/// and the template search path.
final class RenderState {
    let engine: TemplateEngine
    let vars: VariableSource
    /// Extra variables visible to templates (the template module's `template_path`, ...).
    let extraVars: [String: Value]
    let searchPath: [String]
    /// Variable templates currently being rendered; seeing one again is a recursive definition.
    var activeVarTemplates: [String] = []
    var depth = 0
    /// Cached results of variable templates (a var is rendered once per top-level call).
    var varCache: [String: JValue] = [:]
    /// Ansible's conditional rule: string constants holding templates are rendered.
    var templateConstStrings = false
    let basedir: String

    init(engine: TemplateEngine, vars: VariableSource, extraVars: [String: Value] = [:], searchPath: [String]) {
        self.engine = engine
        self.vars = vars
        self.extraVars = extraVars
        self.searchPath = searchPath
        if case .string(let d)? = vars.value(named: "playbook_dir") {
            basedir = d
        } else {
            basedir = FileManager.default.currentDirectoryPath
        }
    }

    static let maxDepth = 200

    func enter() throws(TemplateError) {
        depth += 1
        if depth > Self.maxDepth {
            depth -= 1
            throw TemplateError(.template, "Recursive loop detected in template: maximum recursion depth exceeded")
        }
    }

    func leave() { depth -= 1 }
}

/// Per-template information: how it was lexed (for includes) and block overrides (for extends).
final class TemplateContext {
    let options: LexerOptions
    var blocks: [String: [[Node]]] = [:]
    init(options: LexerOptions) { self.options = options }
}
