import Core
import Foundation

extension Renderer {
    func callValue(_ f: JValue, _ args: Arguments, caller: JValue? = nil) throws(TemplateError) -> JValue {
        switch try resolve(f) {
        case .object(.macro(let m)): return try callMacro(m, args, caller: caller)
        case .object(.function(let name)): return try Globals.call(name, args, self)
        case .object(.method(let recv, let name)): return try PyMethods.call(recv, name, args, self)
        case .undefined(let u): throw .undefined(u.message)
        case let other: throw .runtime("'\(typeName(other))' object is not callable")
        }
    }

    func callMacro(_ m: Macro, _ args: Arguments, caller: JValue?) throws(TemplateError) -> JValue {
        try state.enter()
        defer { state.leave() }
        let s = Scope(parent: m.closure)
        var extraPositional: [JValue] = []
        for (i, p) in m.def.params.enumerated() {
            if i < args.positional.count {
                s.vars[p.name] = args.positional[i]
            } else if let kw = args.keyword(p.name) {
                s.vars[p.name] = kw
            } else if let d = p.defaultValue {
                s.vars[p.name] = try withScope(s) { () throws(TemplateError) in try eval(d) }
            } else {
                s.vars[p.name] = .undefined(Undefined(message: "parameter '\(p.name)' was not provided"))
            }
        }
        if args.positional.count > m.def.params.count { extraPositional = Array(args.positional[m.def.params.count...]) }
        s.vars["varargs"] = .value(.list(try extraPositional.map { x throws(TemplateError) in try concrete(x) }))
        var kwargs = PyDict()
        for (k, v) in args.keywords where !m.def.params.contains(where: { $0.name == k }) { kwargs[.string(k)] = try concrete(v) }
        s.vars["kwargs"] = .value(.dict(kwargs))
        if let caller { s.vars["caller"] = caller }
        let savedCtx = ctx
        ctx = m.template
        defer { ctx = savedCtx }
        let chunks = try capture(m.def.body, scope: s)
        switch chunks.count {
        case 0: return .value(.string(""))
        case 1: return chunks[0]
        default:
            var text = ""
            for c in chunks { text += try self.text(c) }
            return .value(.string(text))
        }
    }

    /// Finds a template file on the search path and compiles it with template-file settings.
    func loadTemplate(_ name: String) throws(TemplateError) -> (CompiledTemplate, String) {
        let fm = FileManager.default
        for dir in state.searchPath {
            let path = name.hasPrefix("/") ? name : (dir as NSString).appendingPathComponent(name)
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
                guard let data = fm.contents(atPath: path) else { continue }
                let text = String(decoding: data, as: UTF8.self)
                var opts = ctx.options
                opts.verbatimStringsInExpressions = false
                return (try state.engine.compile(text, options: opts), path)
            }
        }
        let paths = state.searchPath
        if paths.count == 1 { throw .runtime("'\(name)' not found in search path: '\(paths[0])'") }
        throw .runtime("'\(name)' not found in search paths: " + paths.map { "'\($0)'" }.joined(separator: ", "))
    }

    func executeInclude(_ e: Expr, ignoreMissing: Bool, withContext: Bool) throws(TemplateError) {
        let target = try concrete(try eval(e))
        let names: [String] = target.listValue?.map(\.pythonString) ?? [target.pythonString]
        var lastError: TemplateError? = nil
        for name in names {
            do {
                let (t, _) = try loadTemplate(name)
                try state.enter()
                defer { state.leave() }
                let inner = Scope(parent: withContext ? scope : nil)
                let savedCtx = ctx
                ctx = TemplateContext(options: savedCtx.options)
                defer { ctx = savedCtx }
                try withScope(inner) { () throws(TemplateError) in try renderTemplate(t) }
                return
            } catch {
                if error.kind == .template, error.message.contains("not found in search path") {
                    lastError = error
                    continue
                }
                throw error
            }
        }
        if ignoreMissing { return }
        if let lastError { throw lastError }
    }

    func importModule(_ e: Expr, withContext: Bool) throws(TemplateError) -> Scope {
        let name = try concrete(try eval(e)).pythonString
        let (t, _) = try loadTemplate(name)
        let module = Scope(parent: withContext ? scope : nil)
        let r = Renderer(state: withContext ? state : RenderState(engine: state.engine, vars: EmptyVariables(), searchPath: state.searchPath), ctx: TemplateContext(options: ctx.options), scope: module)
        try r.renderTemplate(t)
        return module
    }

    func applyFilterChain(_ chain: Expr, to input: JValue) throws(TemplateError) -> JValue {
        guard case .filter(let base, let name, let args) = chain else { return input }
        let inner = try base.map { b throws(TemplateError) in try applyFilterChain(b, to: input) } ?? input
        return try applyFilter(name, inner, args)
    }

    static func shortName(_ name: String) -> String {
        if let r = name.range(of: ".", options: .backwards) { return String(name[r.upperBound...]) }
        return name
    }

    func applyFilter(_ fullName: String, _ input: JValue, _ argExprs: CallArgs) throws(TemplateError) -> JValue {
        let name = Self.shortName(fullName)
        guard let f = Filters.table[name] else {
            throw TemplateError(.pluginNotFound, "The filter plugin '\(fullName)' was not found.")
        }
        let args = try evalArgs(argExprs)
        do {
            return try f(self, input, args)
        } catch where error.kind == .pluginRuntime {
            throw TemplateError(.pluginRuntime, "The filter plugin 'ansible.builtin.\(name)' failed: \(error.message)")
        }
    }

    func applyTest(_ fullName: String, _ input: JValue, _ args: Arguments) throws(TemplateError) -> Bool {
        let name = Self.shortName(fullName)
        guard let t = Tests.table[name] else {
            throw TemplateError(.pluginNotFound, "The test plugin '\(fullName)' was not found.")
        }
        do {
            return try t(self, input, args)
        } catch where error.kind == .pluginRuntime {
            throw TemplateError(.pluginRuntime, "The test plugin 'ansible.builtin.\(name)' failed: \(error.message)")
        }
    }
}

/// No variables (imports without context).
struct EmptyVariables: VariableSource {
    func value(named: String) -> Value? { nil }
}
