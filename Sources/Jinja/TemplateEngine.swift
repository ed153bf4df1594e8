import Core
import Foundation

/// The raw (untemplated) variables of one host: strings holding templates are rendered only
/// when a template reads them, against the same variables.
public protocol VariableSource: Sendable {
    func value(named: String) -> Value?
}

/// A plain dictionary of variables.
public struct DictVariables: VariableSource {
    public var vars: [String: Value]
    public init(_ vars: [String: Value]) { self.vars = vars }
    public func value(named name: String) -> Value? { vars[name] }
}

/// Jinja2 templating with ansible-core 2.21's rules.
///
/// One engine serves a whole run; it caches compiled templates (keyed by source text and lexer
/// options), so a template is parsed once however many hosts render it.
///
///     let engine = TemplateEngine()
///     try engine.template(.string("{{ a + 1 }}"), vars: DictVariables(["a": 1]))   // .int(2)
///     try engine.evaluateConditional(.string("a > 0"), vars: vars)                 // true
///     try engine.renderTemplateFile(path: "/p/templates/x.j2", searchPath: [...], vars: vars)
///
/// - `template` is how task arguments and variable values are templated: recursive over lists
///   and dicts, a string that is one `{{ expression }}` keeps its native type, others become text.
/// - `renderText` is `template` followed by `str()` (None is empty).
/// - `renderTemplateFile` is the template module: escape processing in string literals,
///   `trim_blocks` on, trailing newlines kept when the result is text.
/// - `evaluateConditional` is `when:`: the result must be a real boolean.
/// Unsafe values (`Value.unsafe`) are never templated; dict keys are never templated.
public final class TemplateEngine: Sendable {
    private let cache = TemplateCache()

    public init() {}

    /// True when `s` may hold Jinja syntax (`{{`, `{%` or `{#`).
    public static func containsTemplateSyntax(_ s: String) -> Bool {
        var prev: UInt8 = 0
        for c in s.utf8 {
            if prev == UInt8(ascii: "{"), c == UInt8(ascii: "{") || c == UInt8(ascii: "%") || c == UInt8(ascii: "#") { return true }
            prev = c
        }
        return false
    }

    func compile(_ source: String, options: LexerOptions) throws(TemplateError) -> CompiledTemplate {
        if let t = cache.get(source, options) { return t }
        let tokens = try Lexer.tokenize(source, options: options)
        let t = try Parser.parse(tokens)
        cache.put(source, options, t)
        return t
    }

    func compileExpression(_ source: String) throws(TemplateError) -> Expr {
        var opts = LexerOptions()
        opts.verbatimStringsInExpressions = false
        let key = "\u{0}expr:" + source
        if let t = cache.get(key, opts), case .output(let e)? = t.body.first { return e }
        let wrapped = opts.variableStart + " " + source + " " + opts.variableEnd
        var tokens = try Lexer.tokenize(wrapped, options: opts)
        // strip the synthetic {{ }} and parse the inside as one expression
        guard tokens.count >= 3 else { throw TemplateError(.syntax, "Syntax error in expression") }
        tokens.removeFirst()
        tokens.removeLast()
        if tokens.last == .varEnd { tokens.removeLast() }
        tokens.append(.eof)
        let e: Expr
        do { e = try Parser.parseExpression(tokens) } catch {
            throw TemplateError(.syntax, error.message.replacingOccurrences(of: "Syntax error in template", with: "Syntax error in expression"))
        }
        cache.put(key, opts, CompiledTemplate(body: [.output(e)], blocks: [:], extends: nil))
        return e
    }

    func makeState(vars: VariableSource, extraVars: [String: Value] = [:], searchPath: [String]? = nil) -> RenderState {
        var path = searchPath ?? []
        if searchPath == nil {
            if case .list(let items)? = vars.value(named: "ansible_search_path") {
                path = items.compactMap(\.stringValue)
            } else if case .string(let d)? = vars.value(named: "playbook_dir") {
                path = [d]
            }
        }
        return RenderState(engine: self, vars: vars, extraVars: extraVars, searchPath: path)
    }

    /// Templates a value as Ansible templates a task argument: strings with template syntax are
    /// rendered (native result type for a single expression), lists and dicts recursively.
    public func template(_ value: Value, vars: VariableSource, origin: SourceLocation? = nil) throws(TemplateError) -> Value {
        let state = makeState(vars: vars)
        do {
            return try templateValue(value, state: state)
        } catch {
            var e = error
            if e.origin == nil { e.origin = origin }
            throw e
        }
    }

    func templateValue(_ value: Value, state: RenderState) throws(TemplateError) -> Value {
        switch value {
        case .string(let s):
            guard Self.containsTemplateSyntax(s) else { return value }
            return try renderString(s, state: state, options: LexerOptions())
        case .list(let items):
            var out: [Value] = []
            for i in items {
                let v = try templateValue(i, state: state)
                if !v.isOmit { out.append(v) }
            }
            return .list(out)
        case .dict(let d):
            var out = PyDict()
            for (k, v) in d.items {
                let x = try templateValue(v, state: state)
                if !x.isOmit { out[k] = x }
            }
            return .dict(out)
        case .vault(let t):
            // An `!vault` value written in place (a module argument) is used decrypted, as in
            // ansible-core; one that cannot be decrypted fails whoever uses it.
            return .string(try Renderer.decrypt(t))
        default: return value
        }
    }

    func renderString(_ s: String, state: RenderState, options: LexerOptions) throws(TemplateError) -> Value {
        let compiled = try compile(s, options: options)
        let r = Renderer(state: state, ctx: TemplateContext(options: options), scope: Scope(parent: nil))
        try r.renderTemplate(compiled)
        let result = try r.nativeResult(source: s)
        return try r.finalValue(result)
    }

    /// `template` followed by `str()`, as text ends up in a file or message (None is empty).
    public func renderText(_ value: Value, vars: VariableSource, origin: SourceLocation? = nil) throws(TemplateError) -> String {
        let v = try template(value, vars: vars, origin: origin)
        if v.isNone { return "" }
        if case .bytes(let b) = v { return String(decoding: b, as: UTF8.self) }
        return Renderer.pyStr(v)
    }
}

/// Thread-safe cache of compiled templates.
final class TemplateCache: @unchecked Sendable {
    private struct Key: Hashable {
        var source: String
        var options: LexerOptions
    }
    /// Two generations approximate least-recently-used eviction: when the young one fills up
    /// it becomes the old one, and templates not used since are dropped. A run's memory then
    /// stays bounded however many distinct templates its playbook holds, while a template
    /// rendered for every host in turn is parsed once.
    private var young: [Key: CompiledTemplate] = [:]
    private var old: [Key: CompiledTemplate] = [:]
    private let generationSize = 2048
    private let lock = NSLock()

    func get(_ source: String, _ options: LexerOptions) -> CompiledTemplate? {
        lock.lock()
        defer { lock.unlock() }
        let key = Key(source: source, options: options)
        if let t = young[key] { return t }
        guard let t = old[key] else { return nil }
        insert(key, t)
        return t
    }

    func put(_ source: String, _ options: LexerOptions, _ t: CompiledTemplate) {
        lock.lock()
        defer { lock.unlock() }
        insert(Key(source: source, options: options), t)
    }

    private func insert(_ key: Key, _ t: CompiledTemplate) {
        if young.count >= generationSize {
            old = young
            young = [:]
        }
        young[key] = t
    }
}
