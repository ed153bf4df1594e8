import Core
import Foundation

extension Renderer {
    /// Renders a whole compiled template into `out`, following `{% extends %}`.
    func renderTemplate(_ t: CompiledTemplate) throws(TemplateError) {
        guard let parentExpr = t.extends else {
            try render(t.body)
            return
        }
        // Run top-level set/macro/import statements of the child, then render the parent with
        // the child's blocks taking precedence.
        for node in t.body {
            switch node {
            case .set, .macro, .importAs, .fromImport: try execute(node)
            default: break
            }
        }
        for (name, body) in t.blocks { ctx.blocks[name, default: []].append(body) }
        let name = try concrete(try eval(parentExpr)).pythonString
        let (parent, _) = try loadTemplate(name)
        for (bname, body) in parent.blocks { ctx.blocks[bname, default: []].append(body) }
        try renderTemplate(CompiledTemplate(body: parent.body, blocks: [:], extends: parent.extends))
    }

    /// Ansible's native concat: no output is None, a single chunk keeps its type, otherwise
    /// the chunks are joined as text.
    func nativeResult(source: String) throws(TemplateError) -> JValue {
        switch out.count {
        case 0: return .none
        case 1:
            let v = try resolve(out[0])
            if case .value(.string(let s)) = v { return .value(.string(Self.restoreNewlines(s, source: source))) }
            return v
        default:
            var s = ""
            for c in out { s += try text(c) }
            return .value(.string(Self.restoreNewlines(s, source: source)))
        }
    }

    /// Jinja drops one trailing newline; Ansible adds back what the source had.
    static func restoreNewlines(_ s: String, source: String) -> String {
        guard source.hasSuffix("\n") else { return s }
        func count(_ x: String) -> Int {
            var n = 0
            for c in x.utf8.reversed() { if c == 10 { n += 1 } else if c != 13 { break } }
            return n
        }
        let want = count(source), have = count(s)
        return want > have ? s + String(repeating: "\n", count: want - have) : s
    }

    /// The text a chunk contributes to a rendered string: `str()` of it, None as empty.
    func text(_ v: JValue, concat: Bool = false) throws(TemplateError) -> String {
        switch try resolve(v) {
        case .value(let x):
            switch x {
            case .none: return concat ? "None" : ""
            case .string(let s): return s
            case .unsafe(let s): return x.isOmit ? (concat ? "<<Omit>>" : "") : s
            case .bytes(let b): return concat ? x.pythonString : String(decoding: b, as: UTF8.self)
            default: return Self.pyStr(try store(x, top: false))
            }
        case .lazy(let raw): return Self.pyStr(try store(try deepResolve(raw), top: false))
        case .markup(let s): return s
        case .undefined(let u):
            if u.silent { return "" }
            throw .undefined(u.message)
        case .object(let o):
            switch o {
            case .range(let a, let b, let s): return s == 1 ? "range(\(a), \(b))" : "range(\(a), \(b), \(s))"
            case .macro(let m): return "<Macro '\(m.def.name)'>"
            case .namespace(let ns): return "<Namespace \(Value.dict(ns.attrs).pythonRepr)>"
            case .dictView(let k, let d): return Self.pyStr(.list(dictViewItems(k, d).map { v in if case .tuple(let t) = v { return .list(t) } else { return v } }))
            default: throw .runtime("Type '\(o.typeName)' is unsupported for variable storage.")
            }
        }
    }

    /// `str()` of stored data: Python's repr of containers, datetimes as `datetime.datetime(...)`.
    static func pyStr(_ v: Value) -> String {
        switch v {
        case .string(let s), .unsafe(let s): return s
        case .none: return "None"
        default: return ValueRepr.repr(v)
        }
    }

    /// Converts a result to what Ansible can store: tuples become lists, omit vanishes from
    /// lists and dict values; a bare omit is an error.
    func store(_ v: Value, top: Bool) throws(TemplateError) -> Value {
        switch v {
        case .unsafe where v.isOmit:
            if top { throw TemplateError(.valueOmitted, "A template was resolved to an Omit scalar.") }
            return v
        case .list(let items), .tuple(let items):
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for i in items where !i.isOmit { out.append(try store(i, top: false)) }
            return .list(out)
        case .dict(let d):
            var out = PyDict()
            for (k, x) in d.items where !x.isOmit { out[k] = try store(x, top: false) }
            return .dict(out)
        default: return v
        }
    }

    /// The final value of a template in native mode.
    func finalValue(_ v: JValue) throws(TemplateError) -> Value {
        switch try resolve(v) {
        case .undefined(let u):
            if u.silent { throw .runtime("Type 'Undefined' is unsupported for variable storage.") }
            throw .undefined(u.message)
        case .object(let o):
            switch o {
            case .dictView, .namespace: return try store(try concrete(.object(o)), top: true)
            default: throw .runtime("Type '\(o.typeName)' is unsupported for variable storage.")
            }
        case let other: return try store(try concrete(other), top: true)
        }
    }
}

/// Python `repr()` for stored values, with datetime objects shown as Python shows them in
/// containers (`datetime.datetime(2024, 1, 2, 0, 0)`).
enum ValueRepr {
    static func repr(_ v: Value) -> String {
        switch v {
        case .list(let items): return "[" + items.map(repr).joined(separator: ", ") + "]"
        case .tuple(let items):
            if items.count == 1 { return "(" + repr(items[0]) + ",)" }
            return "(" + items.map(repr).joined(separator: ", ") + ")"
        case .dict(let d): return "{" + d.items.map { repr($0.key) + ": " + repr($0.value) }.joined(separator: ", ") + "}"
        case .unsafe(let s) where v.isOmit: _ = s; return "<<Omit>>"
        default: return v.pythonRepr
        }
    }
}
