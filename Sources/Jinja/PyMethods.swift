import Core
import Foundation

/// The Python methods templates call on str, list, dict and int values.
enum PyMethods {
    static let stringMethods: Set<String> = [
        "split", "rsplit", "strip", "lstrip", "rstrip", "startswith", "endswith", "replace", "lower", "upper",
        "title", "capitalize", "swapcase", "casefold", "format", "join", "count", "index", "rindex", "find", "rfind",
        "isdigit", "isalpha", "isalnum", "isspace", "islower", "isupper", "isnumeric", "isdecimal", "istitle", "isidentifier",
        "splitlines", "zfill", "ljust", "rjust", "center", "partition", "rpartition", "encode", "removeprefix",
        "removesuffix", "expandtabs",
    ]
    static let listMethods: Set<String> = ["index", "count", "copy", "append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear"]
    static let dictMethods: Set<String> = ["keys", "values", "items", "get", "copy", "update", "pop", "setdefault", "clear", "popitem"]
    static let mutators: Set<String> = ["append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear", "update", "setdefault", "popitem"]
    static let allowedDunder: Set<String> = ["__and__", "__or__", "__xor__", "__add__", "__sub__", "__mul__", "__neg__", "__abs__", "__lshift__", "__rshift__", "__invert__"]

    static func isMethod(_ name: String, of v: Value) -> Bool {
        switch v {
        case .string, .unsafe: return stringMethods.contains(name)
        case .list: return listMethods.contains(name)
        case .tuple: return name == "index" || name == "count"
        case .dict: return dictMethods.contains(name)
        case .int, .bigInt, .bool: return allowedDunder.contains(name) || name == "bit_length"
        case .float: return name == "is_integer"
        default: return false
        }
    }

    static func call(_ recv: JValue, _ name: String, _ args: Arguments, _ r: Renderer) throws(TemplateError) -> JValue {
        switch recv {
        case .object(.loop(let l)):
            if name == "cycle" {
                guard !args.positional.isEmpty else { throw .runtime("no items for cycling given") }
                return args.positional[l.index0 % args.positional.count]
            }
            if name == "changed" { return .value(.bool(true)) }
        case .object(.cycler(let c)):
            if name == "reset" { c.pos = 0; return .none }
            guard !c.items.isEmpty else { return .none }
            let v = c.items[c.pos]
            c.pos = (c.pos + 1) % c.items.count
            return v
        case .object(.joiner(let j)):
            if !j.used { j.used = true; return .value(.string("")) }
            return .value(.string(j.sep))
        default: break
        }
        let resolved = try r.resolve(recv)
        // Read-only dict methods keep laziness so untouched values are not rendered.
        if case .lazy(.dict(let d)) = resolved {
            switch name {
            case "keys": return .object(.dictView(kind: "keys", .dict(d)))
            case "get":
                let key = try r.concrete(args.positional.first ?? .none)
                if let v = d[key] { return .lazy(v) }
                return args.positional.count > 1 ? args.positional[1] : .none
            default: break
            }
        }
        let v = try r.concrete(resolved)
        let a = try args.positional.map { x throws(TemplateError) in try r.concrete(x) }
        var kw: [(String, Value)] = []
        for (k, x) in args.keywords { kw.append((k, try r.concrete(x))) }
        switch v {
        case .string(let s), .unsafe(let s): return .value(try StringMethods.call(s, name, a, kw))
        case .list(let l), .tuple(let l): return .value(try listMethod(l, name, a).0)
        case .dict(let d): return try dictMethod(d, name, a, kw).0
        case .int, .bool, .bigInt:
            if name == "bit_length" { return .value(.int(String(v.numeric!.asBigInt!.magnitude, radix: 2).count - (v.isTruthy ? 0 : 1))) }
            guard let b = a.first, case .int(let x) = v.numeric?.value ?? .none, case .int(let y) = b.numeric?.value ?? .none else { return .value(.none) }
            switch name {
            case "__and__": return .value(.int(x & y))
            case "__or__": return .value(.int(x | y))
            case "__xor__": return .value(.int(x ^ y))
            case "__lshift__": return .value(.int(x << y))
            case "__rshift__": return .value(.int(x >> y))
            default: return .value(try PyOps.binary(name == "__add__" ? "+" : (name == "__sub__" ? "-" : "*"), v, b))
            }
        case .float(let f): return .value(.bool(f == f.rounded()))
        default: throw .runtime("'\(v.pythonTypeName)' object has no attribute '\(name)'")
        }
    }

    /// A list method's result and the list afterwards (for mutators).
    static func listMethod(_ l: [Value], _ name: String, _ a: [Value]) throws(TemplateError) -> (Value, [Value]) {
        var l = l
        switch name {
        case "index":
            guard let x = a.first, let i = l.firstIndex(of: x) else { throw .runtime("\(a.first?.pythonRepr ?? "") is not in list") }
            return (.int(i), l)
        case "count": return (.int(l.filter { $0 == a.first && $0.pythonTypeName == a.first?.pythonTypeName }.count), l)
        case "copy": return (.list(l), l)
        case "append": l.append(a.first ?? .none); return (.none, l)
        case "extend": l += a.first?.listValue ?? []; return (.none, l)
        case "insert":
            guard a.count == 2, case .int(var i) = a[0] else { return (.none, l) }
            if i < 0 { i += l.count }
            l.insert(a[1], at: max(0, min(i, l.count)))
            return (.none, l)
        case "pop":
            guard !l.isEmpty else { throw .runtime("pop from empty list") }
            var i = l.count - 1
            if case .int(let x)? = a.first { i = x < 0 ? x + l.count : x }
            return (l.remove(at: i), l)
        case "remove":
            guard let x = a.first, let i = l.firstIndex(of: x) else { throw .runtime("list.remove(x): x not in list") }
            l.remove(at: i)
            return (.none, l)
        case "reverse": l.reverse(); return (.none, l)
        case "sort": l.sort { ($0.pythonCompare($1) ?? .orderedSame) == .orderedAscending }; return (.none, l)
        case "clear": return (.none, [])
        default: throw .runtime("'list' object has no attribute '\(name)'")
        }
    }

    static func dictMethod(_ d: PyDict, _ name: String, _ a: [Value], _ kw: [(String, Value)]) throws(TemplateError) -> (JValue, PyDict) {
        var d = d
        switch name {
        case "keys", "values", "items": return (.object(.dictView(kind: name, .dict(d))), d)
        case "get":
            let key = a.first ?? .none
            return (.value(d[key] ?? (a.count > 1 ? a[1] : .none)), d)
        case "copy": return (.value(.dict(d)), d)
        case "update":
            if let o = a.first?.dictValue { d.merge(o) }
            for (k, v) in kw { d[.string(k)] = v }
            return (.none, d)
        case "pop":
            let key = a.first ?? .none
            if let v = d[key] { d[key] = nil; return (.value(v), d) }
            if a.count > 1 { return (.value(a[1]), d) }
            throw .runtime("KeyError: \(key.pythonRepr)")
        case "setdefault":
            let key = a.first ?? .none
            if let v = d[key] { return (.value(v), d) }
            let v = a.count > 1 ? a[1] : .none
            d[key] = v
            return (.value(v), d)
        case "clear": return (.none, PyDict())
        case "popitem":
            guard let k = d.keys.last else { throw .runtime("popitem(): dictionary is empty") }
            let v = d[k]!
            d[k] = nil
            return (.value(.tuple([k, v])), d)
        default: throw .runtime("'dict' object has no attribute '\(name)'")
        }
    }
}

extension Renderer {
    /// `name.mutator(...)` (`l.append(x)`, `d.update(...)`): Python mutates in place, so the
    /// variable is rebound to the changed value in the scope that holds it.
    func callMutator(_ varName: String, _ method: String, _ args: Arguments) throws(TemplateError) -> JValue? {
        guard PyMethods.mutators.contains(method), let current = lookupName(varName) else { return nil }
        let v = try concrete(current)
        let a = try args.positional.map { x throws(TemplateError) in try concrete(x) }
        var kw: [(String, Value)] = []
        for (k, x) in args.keywords { kw.append((k, try concrete(x))) }
        let result: JValue
        let newValue: Value
        switch v {
        case .list(let l):
            let (res, nl) = try PyMethods.listMethod(l, method, a)
            result = .value(res); newValue = .list(nl)
        case .dict(let d):
            let (res, nd) = try PyMethods.dictMethod(d, method, a, kw)
            result = res; newValue = .dict(nd)
        default: return nil
        }
        var s: Scope? = scope
        while let cur = s {
            if cur.vars[varName] != nil { cur.vars[varName] = .value(newValue); return result }
            if cur.parent == nil { cur.vars[varName] = .value(newValue) }
            s = cur.parent
        }
        return result
    }
}
