import Core
import Vault

extension Renderer {
    /// Renders a lazy scalar (a variable's template string) so the value can be inspected;
    /// lazy containers stay lazy so untouched siblings are never rendered.
    func resolve(_ v: JValue) throws(TemplateError) -> JValue {
        guard case .lazy(let raw) = v else { return v }
        switch raw {
        case .string(let s): return try templateVariable(s)
        case .vault(let t): return .value(.string(try Self.decrypt(t)))
        case .list, .tuple, .dict: return v
        default: return .value(raw)
        }
    }

    /// Renders a variable's template string against the same variables (not the template's
    /// locals). Undefined inside makes the variable itself undefined.
    func templateVariable(_ s: String) throws(TemplateError) -> JValue {
        guard TemplateEngine.containsTemplateSyntax(s) else { return .value(.string(s)) }
        if let cached = state.varCache[s] { return cached }
        if state.activeVarTemplates.contains(s) {
            throw TemplateError(.template, "Recursive loop detected in template: maximum recursion depth exceeded")
        }
        state.activeVarTemplates.append(s)
        defer { state.activeVarTemplates.removeLast() }
        let compiled = try state.engine.compile(s, options: LexerOptions())
        let r = Renderer(state: state, ctx: TemplateContext(options: LexerOptions()), scope: Scope(parent: nil))
        let saved = state.templateConstStrings
        state.templateConstStrings = false
        defer { state.templateConstStrings = saved }
        var result: JValue
        do {
            try r.renderTemplate(compiled)
            result = try r.nativeResult(source: s)
        } catch where error.kind == .undefinedVariable {
            result = .undefined(Undefined(message: error.message))
        }
        if case .lazy(.string) = result { result = try resolve(result) }
        state.varCache[s] = result
        return result
    }

    /// The plaintext of an `!vault` value, decrypted when first used, as in ansible-core. The
    /// plaintext is never templated (ansible 2.19+ treats it as data).
    static func decrypt(_ t: VaultText) throws(TemplateError) -> String {
        do {
            return try VaultSecrets.current.decrypt(t.ciphertext)
        } catch {
            throw TemplateError(.template, "Attempt to use undecryptable variable: \(error.message)")
        }
    }

    /// The whole value with every lazy part rendered.
    func concrete(_ v: JValue) throws(TemplateError) -> Value {
        switch v {
        case .value(let x): return x
        case .lazy(let raw): return try deepResolve(raw)
        case .undefined(let u): throw .undefined(u.message)
        case .markup(let s): return .string(s)
        case .object(let o):
            switch o {
            case .range(let a, let b, let s): return .list(rangeValues(a, b, s).map(Value.int))
            case .dictView(let kind, let d): return .list(dictViewItems(kind, d))
            case .namespace(let ns): return .dict(ns.attrs)
            default: throw .runtime("Type '\(o.typeName)' is unsupported for variable storage.")
            }
        }
    }

    /// Like `concrete`, for values going into a container (omit stays a marker there).
    func concreteKeepingOmit(_ v: JValue) throws(TemplateError) -> Value { try concrete(v) }

    func deepResolve(_ raw: Value) throws(TemplateError) -> Value {
        switch raw {
        case .string(let s):
            return try concrete(try templateVariable(s))
        case .vault(let t):
            return .string(try Self.decrypt(t))
        case .list(let items):
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for i in items { out.append(try deepResolve(i)) }
            return .list(out)
        case .tuple(let items):
            var out: [Value] = []
            for i in items { out.append(try deepResolve(i)) }
            return .tuple(out)
        case .dict(let d):
            var out = PyDict()
            for (k, v) in d.items { out[k] = try deepResolve(v) }
            return .dict(out)
        default: return raw
        }
    }

    func rangeValues(_ a: Int, _ b: Int, _ s: Int) -> [Int] {
        if s > 0 { return a < b ? Array(stride(from: a, to: b, by: s)) : [] }
        return a > b ? Array(stride(from: a, to: b, by: s)) : []
    }

    func dictViewItems(_ kind: String, _ d: Value) -> [Value] {
        guard let dict = d.dictValue else { return [] }
        switch kind {
        case "keys": return dict.keys
        case "values": return dict.values
        default: return dict.items.map { .tuple([$0.key, $0.value]) }
        }
    }

    /// The items a `for` loop or filter sees, lazily for raw variable data.
    func iterate(_ v: JValue) throws(TemplateError) -> [JValue] {
        switch try resolve(v) {
        case .lazy(.list(let items)), .lazy(.tuple(let items)): return items.map { .lazy($0) }
        case .lazy(.dict(let d)): return d.keys.map { .value($0) }
        case .value(let x):
            switch x {
            case .list(let items), .tuple(let items): return items.map { .value($0) }
            case .dict(let d): return d.keys.map { .value($0) }
            case .string(let s), .unsafe(let s): return s.map { .value(.string(String($0))) }
            case .bytes(let b): return b.map { .value(.int(Int($0))) }
            default: throw .runtime("'\(x.pythonTypeName)' object is not iterable")
            }
        case .markup(let s): return s.map { .value(.string(String($0))) }
        case .undefined(let u): throw .undefined(u.message)
        case .object(let o):
            switch o {
            case .range(let a, let b, let s): return rangeValues(a, b, s).map { .value(.int($0)) }
            case .dictView(let kind, let d): return dictViewItems(kind, d).map { .value($0) }
            default: throw .runtime("'\(o.typeName)' object is not iterable")
            }
        case .lazy(let x): throw .runtime("'\(x.pythonTypeName)' object is not iterable")
        }
    }

    /// `obj.name`: Python attribute first (methods), then item, as Jinja's `getattr` does.
    func attribute(_ base: JValue, _ name: String) throws(TemplateError) -> JValue {
        let b = try resolve(base)
        if name.hasPrefix("__"), !PyMethods.allowedDunder.contains(name) {
            if case .undefined(let u) = b { throw .undefined(u.message) }
            let tn = typeName(b)
            if ["__class__", "__globals__", "__mro__", "__subclasses__", "__init__", "__dict__", "__code__", "__builtins__"].contains(name) {
                throw .undefined("access to attribute '\(name)' of '\(tn == "object" ? "function" : tn)' object is unsafe.")
            }
            return .undefined(Undefined(message: "object of type '\(tn)' has no attribute '\(name)'"))
        }
        switch b {
        case .undefined: return b
        case .lazy(.dict(let d)):
            if PyMethods.isMethod(name, of: .dict(d)) { return .object(.method(b, name)) }
            if let child = d[.string(name)] { return .lazy(child) }
        case .value(.dict(let d)):
            if PyMethods.isMethod(name, of: .dict(d)) { return .object(.method(b, name)) }
            if let child = d[.string(name)] { return .value(child) }
        case .value(.tuple(let t)) where t.count == 2 && (name == "grouper" || name == "list"):
            return .value(name == "grouper" ? t[0] : t[1])
        case .value(let x), .lazy(let x):
            if PyMethods.isMethod(name, of: x) { return .object(.method(b, name)) }
        case .markup(let s):
            if PyMethods.isMethod(name, of: .string(s)) { return .object(.method(.value(.string(s)), name)) }
        case .object(let o):
            if let v = try objectAttribute(o, name) { return v }
        }
        return .undefined(Undefined(message: "object of type '\(typeName(b))' has no attribute '\(name)'"))
    }

    func typeName(_ v: JValue) -> String {
        switch v {
        case .value(let x), .lazy(let x):
            if case .unsafe = x { return "str" }
            return x.pythonTypeName
        case .markup: return "Markup"
        case .undefined: return "AnsibleUndefined"
        case .object(let o): return o.typeName
        }
    }

    /// `obj[key]`: item first, then attribute for string keys.
    func item(_ base: JValue, _ keyJ: JValue) throws(TemplateError) -> JValue {
        let b = try resolve(base)
        if case .undefined = b { return b }
        let key = try concrete(keyJ)
        let lazy: Bool
        let container: Value
        switch b {
        case .lazy(let x): lazy = true; container = x
        case .value(let x): lazy = false; container = x
        case .markup(let s): lazy = false; container = .string(s)
        case .object(let o):
            if case .range(let a, let e, let s) = o {
                let vals = rangeValues(a, e, s)
                if let i = intIndex(key, count: vals.count) { return .value(.int(vals[i])) }
            }
            if let name = key.stringValue, let v = try objectAttribute(o, name) { return v }
            return .undefined(Undefined(message: "'\(o.typeName) object' has no attribute '\(key.pythonString)'"))
        case .undefined: return b
        }
        func wrap(_ v: Value) -> JValue { lazy ? .lazy(v) : .value(v) }
        switch container {
        case .dict(let d):
            if let v = d[key] { return wrap(v) }
            if case .string(let name) = key, PyMethods.isMethod(name, of: container) { return .object(.method(b, name)) }
            return .undefined(Undefined(message: "object of type 'dict' has no attribute \(key.pythonRepr)"))
        case .list(let items), .tuple(let items):
            if let i = intIndex(key, count: items.count) { return wrap(items[i]) }
            if key.numeric == nil, let name = key.stringValue, PyMethods.isMethod(name, of: container) { return .object(.method(b, name)) }
            return .undefined(Undefined(message: "list object has no element \(key.pythonRepr)"))
        case .string(let s), .unsafe(let s):
            if case .int = key {
                let chars = Array(s)
                if let i = intIndex(key, count: chars.count) { return .value(.string(String(chars[i]))) }
            }
            return .undefined(Undefined(message: "'str object' has no attribute \(key.pythonRepr)"))
        default:
            return .undefined(Undefined(message: "'\(container.pythonTypeName) object' has no attribute \(key.pythonRepr)"))
        }
    }

    func intIndex(_ key: Value, count: Int) -> Int? {
        let i: Int
        switch key {
        case .int(let x): i = x
        case .bool(let x): i = x ? 1 : 0
        default: return nil
        }
        let j = i < 0 ? i + count : i
        return (j >= 0 && j < count) ? j : nil
    }

    func slice(_ base: JValue, _ start: JValue?, _ stop: JValue?, _ step: JValue?) throws(TemplateError) -> JValue {
        let b = try resolve(base)
        func intOpt(_ v: JValue?) throws(TemplateError) -> Int? {
            guard let v else { return nil }
            let x = try concrete(v)
            if x.isNone { return nil }
            guard case .int(let i) = x else { throw .runtime("slice indices must be integers or None or have an __index__ method") }
            return i
        }
        let st = try intOpt(step) ?? 1
        if st == 0 { throw .runtime("slice step cannot be zero") }
        let a = try intOpt(start), e = try intOpt(stop)
        func indices(_ n: Int) -> [Int] { PyOps.sliceIndices(count: n, start: a, stop: e, step: st) }
        switch b {
        case .lazy(.list(let items)): return .lazy(.list(indices(items.count).map { items[$0] }))
        case .value(.list(let items)): return .value(.list(indices(items.count).map { items[$0] }))
        case .lazy(.tuple(let items)), .value(.tuple(let items)): return .value(.tuple(indices(items.count).map { items[$0] }))
        case .value(.string(let s)), .value(.unsafe(let s)), .markup(let s):
            let chars = Array(s)
            return .value(.string(String(indices(chars.count).map { chars[$0] })))
        case .undefined(let u): throw .undefined(u.message)
        case .object(.range(let x, let y, let z)):
            let vals = rangeValues(x, y, z)
            return .value(.list(indices(vals.count).map { .int(vals[$0]) }))
        default:
            throw .runtime("'\(typeName(b))' object is not subscriptable")
        }
    }

    func objectAttribute(_ o: JObject, _ name: String) throws(TemplateError) -> JValue? {
        switch o {
        case .namespace(let ns): return ns.attrs[.string(name)].map { .value($0) }
        case .module(let s): return s.vars[name]
        case .loop(let l): return loopAttribute(l, name)
        case .cycler(let c):
            switch name {
            case "next": return .object(.method(.object(o), "next"))
            case "reset": return .object(.method(.object(o), "reset"))
            case "current": return c.items.isEmpty ? .none : c.items[c.pos]
            default: return nil
            }
        case .macro(let m):
            if name == "name" { return .value(.string(m.def.name)) }
            return nil
        default: return nil
        }
    }

    func loopAttribute(_ l: LoopContext, _ name: String) -> JValue? {
        let n = l.items.count, i = l.index0
        switch name {
        case "index": return .value(.int(i + 1))
        case "index0": return .value(.int(i))
        case "revindex": return .value(.int(n - i))
        case "revindex0": return .value(.int(n - i - 1))
        case "first": return .value(.bool(i == 0))
        case "last": return .value(.bool(i == n - 1))
        case "length": return .value(.int(n))
        case "depth": return .value(.int(l.depth0 + 1))
        case "depth0": return .value(.int(l.depth0))
        case "previtem": return i > 0 ? l.items[i - 1] : .undefined(Undefined(message: "there is no previous item"))
        case "nextitem": return i + 1 < n ? l.items[i + 1] : .undefined(Undefined(message: "there is no next item"))
        case "cycle", "changed": return .object(.method(.object(.loop(l)), name))
        default: return nil
        }
    }
}
