import Core
import Foundation

/// Options of the template module (`trim_blocks`, `lstrip_blocks`, delimiters, newline sequence).
public struct TemplateFileOptions: Sendable {
    public var lexer = LexerOptions()
    public init() {
        lexer.verbatimStringsInExpressions = false
        lexer.trimBlocks = true
    }
}

extension TemplateEngine {
    /// Evaluates a `when:`-style conditional with ansible-core 2.21's rules: the expression
    /// must produce a real boolean (a string, int, list or None result is an
    /// AnsibleBrokenConditionalError), non-string YAML values other than booleans are rejected,
    /// and a conditional that is one whole `{{ expr }}` is rendered first and, when the result
    /// is a trusted string, evaluated again as an expression.
    public func evaluateConditional(_ conditional: Value, vars: VariableSource, origin: SourceLocation? = nil) throws(TemplateError) -> Bool {
        do {
            return try evaluateConditionalValue(conditional, vars: vars)
        } catch {
            var e = error
            if e.origin == nil { e.origin = origin }
            throw e
        }
    }

    func evaluateConditionalValue(_ conditional: Value, vars: VariableSource) throws(TemplateError) -> Bool {
        switch conditional {
        case .bool(let b): return b
        case .none: throw TemplateError(.brokenConditional, "Empty conditional expressions are not allowed.")
        case .string, .unsafe: break
        default: throw TemplateError(.brokenConditional, "Conditional expressions must be strings.")
        }
        let text = conditional.stringValue!.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { throw TemplateError(.brokenConditional, "Empty conditional expressions are not allowed.") }
        let state = makeState(vars: vars)
        let r = Renderer(state: state, ctx: TemplateContext(options: LexerOptions()), scope: Scope(parent: nil))
        var expression = text
        if Self.containsTemplateSyntax(text), Self.isWholeTemplate(text) {
            if case .unsafe = conditional { throw TemplateError(.trustCheck, "Encountered untrusted template or expression.") }
            let compiled = try compile(text, options: LexerOptions())
            if compiled.body.count == 1, case .output(let e) = compiled.body[0] {
                let raw = try prefixUndefined { () throws(TemplateError) in try r.eval(e) }
                if case .lazy(.string(let s)) = raw, !Self.containsTemplateSyntax(s) {
                    if s.trimmingCharacters(in: .whitespaces).isEmpty { throw TemplateError(.brokenConditional, "Empty conditional expressions are not allowed.") }
                    expression = s
                } else {
                    let v = try prefixUndefined { () throws(TemplateError) in try r.finalValue(try r.resolve(raw)) }
                    if case .string(let s) = v {
                        if s.trimmingCharacters(in: .whitespaces).isEmpty { throw TemplateError(.brokenConditional, "Empty conditional expressions are not allowed.") }
                        throw TemplateError(.trustCheck, "Encountered untrusted template or expression.")
                    }
                    return try Self.requireBool(v)
                }
            } else {
                throw TemplateError(.trustCheck, "Encountered untrusted template or expression.")
            }
        } else if case .unsafe = conditional {
            throw TemplateError(.trustCheck, "Encountered untrusted template or expression.")
        }
        let expr: Expr
        do { expr = try compileExpression(expression) } catch {
            if Self.containsTemplateSyntax(expression) {
                throw TemplateError(.syntax, "Syntax error in expression. Template delimiters are not supported in expressions: " + error.message.replacingOccurrences(of: "Syntax error in expression: ", with: ""))
            }
            throw error
        }
        state.templateConstStrings = true
        let v = try prefixUndefined { () throws(TemplateError) in try r.finalValue(try r.eval(expr)) }
        return try Self.requireBool(v)
    }

    static func isWholeTemplate(_ s: String) -> Bool {
        (s.hasPrefix("{{") && s.hasSuffix("}}")) || (s.hasPrefix("{%") && s.hasSuffix("%}"))
    }

    static func requireBool(_ v: Value) throws(TemplateError) -> Bool {
        if case .bool(let b) = v { return b }
        let truth = v.isTruthy ? "True" : "False"
        let tn = v.pythonTypeName == "_AnsibleTaggedStr" ? "str" : v.pythonTypeName
        throw TemplateError(.brokenConditional, "Conditional result (\(truth)) was derived from value of type '\(tn)' at '<unknown>'. Conditionals must have a boolean result.")
    }

    func prefixUndefined<T>(_ body: () throws(TemplateError) -> T) throws(TemplateError) -> T {
        do { return try body() } catch {
            if error.kind == .undefinedVariable, !error.message.hasPrefix("Error while evaluating conditional") {
                throw TemplateError(.undefinedVariable, "Error while evaluating conditional: " + error.message)
            }
            throw error
        }
    }

    /// Renders a template file as the template module does. `extraVars` are the module's
    /// `template_*` and `ansible_managed` variables.
    public func renderTemplateFile(path: String, searchPath: [String], vars: VariableSource,
                                   extraVars: [String: Value] = [:], options: TemplateFileOptions = TemplateFileOptions()) throws(TemplateError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TemplateError(.template, "Could not find or access '\(path)'")
        }
        return try renderTemplateText(String(decoding: data, as: UTF8.self), searchPath: searchPath, vars: vars, extraVars: extraVars, options: options)
    }

    /// Template-module rendering of already-read file content (see `renderTemplateFile`).
    public func renderTemplateText(_ source: String, searchPath: [String], vars: VariableSource,
                                   extraVars: [String: Value] = [:], options: TemplateFileOptions = TemplateFileOptions()) throws(TemplateError) -> String {
        var text = source
        if text.contains("\r") { text = text.replacingOccurrences(of: "\r\n", with: "\n") }
        var opts = options.lexer
        if text.hasPrefix("#jinja2:") { text = try Self.applyOverrideHeader(text, &opts) }
        guard Self.containsTemplateSyntax(text) else { return text }
        let state = makeState(vars: vars, extraVars: extraVars, searchPath: searchPath)
        let compiled = try compile(text, options: opts)
        let r = Renderer(state: state, ctx: TemplateContext(options: opts), scope: Scope(parent: nil))
        try r.renderTemplate(compiled)
        let result = try r.nativeResult(source: "")
        let v = try r.finalValue(result)
        var out: String
        switch v {
        case .none: out = ""
        case .string(let s), .unsafe(let s):
            out = s
            let want = text.reversed().prefix { $0 == "\n" }.count
            let have = out.reversed().prefix { $0 == "\n" || $0 == "\r\n" }.count
            if want > have { out += String(repeating: opts.newlineSequence, count: want - have) }
        case .bytes(let b): out = String(decoding: b, as: UTF8.self)
        default: out = Renderer.pyStr(v)
        }
        return out
    }

    /// `#jinja2: trim_blocks: False, lstrip_blocks: True` on the first line overrides options.
    static func applyOverrideHeader(_ text: String, _ opts: inout LexerOptions) throws(TemplateError) -> String {
        let lineEnd = text.firstIndex(of: "\n") ?? text.endIndex
        let header = text[text.index(text.startIndex, offsetBy: 8)..<lineEnd]
        let rest = lineEnd < text.endIndex ? String(text[text.index(after: lineEnd)...]) : ""
        for part in header.split(separator: ",") {
            let kv = part.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2 else { continue }
            var val = kv[1]
            if val.hasPrefix("'") || val.hasPrefix("\"") {
                guard val.count >= 2, val.last == val.first else {
                    throw TemplateError(.syntax, "Syntax error in template: unterminated string literal (detected at line 1) (<unknown>, line 1)")
                }
                val = String(val.dropFirst().dropLast())
            }
            let b = ["true", "yes", "1"].contains(val.lowercased())
            switch kv[0] {
            case "trim_blocks": opts.trimBlocks = b
            case "lstrip_blocks": opts.lstripBlocks = b
            case "newline_sequence": opts.newlineSequence = PythonEscapes.unescape(val)
            case "block_start_string": opts.blockStart = val
            case "block_end_string": opts.blockEnd = val
            case "variable_start_string": opts.variableStart = val
            case "variable_end_string": opts.variableEnd = val
            case "comment_start_string": opts.commentStart = val
            case "comment_end_string": opts.commentEnd = val
            default: break
            }
        }
        return rest
    }
}
