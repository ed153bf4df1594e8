import Core
import Foundation

/// A PyYAML-`dump`-like writer for `to_yaml`/`to_nice_yaml` (`allow_unicode=True`). With
/// `flowLeaves` (to_yaml's `default_flow_style=None`) a collection holding only scalars is
/// written in flow style (`[1, 2]`, `{a: 1}`); otherwise everything is block style.
enum YAMLWriter {
    static func isLeafCollection(_ v: Value) -> Bool {
        switch v {
        case .list(let l), .tuple(let l): return l.allSatisfy { !isCollection($0) }
        case .dict(let d): return d.values.allSatisfy { !isCollection($0) } && d.keys.allSatisfy { !isCollection($0) }
        default: return false
        }
    }

    static func isCollection(_ v: Value) -> Bool {
        switch v {
        case .list, .tuple, .dict: return true
        default: return false
        }
    }

    static func dump(_ v: Value, indent: Int, flowLeaves: Bool) -> String {
        var out = ""
        if flowLeaves && isCollection(v) && isLeafCollection(v) { return scalar(sortedDict(v)) + "\n" }
        switch v {
        case .list(let l) where !l.isEmpty: writeList(l, indent: indent, level: 0, flowLeaves: flowLeaves, into: &out)
        case .tuple(let l) where !l.isEmpty: writeList(l, indent: indent, level: 0, flowLeaves: flowLeaves, into: &out)
        case .dict(let d) where !d.isEmpty: writeDict(d, indent: indent, level: 0, flowLeaves: flowLeaves, into: &out)
        default:
            out = scalar(v) + "\n"
            if case .string = v, !out.hasPrefix("'"), !out.hasPrefix("\"") { out += "...\n" } else if v.isNone { out += "...\n" } else if case .bool = v { out += "...\n" } else if v.numeric != nil { out += "...\n" }
        }
        return out
    }

    /// Dict keys sorted as `yaml.dump` sorts them, recursively (for flow output).
    static func sortedDict(_ v: Value) -> Value {
        switch v {
        case .dict(let d):
            return .dict(PyDict(d.items.sorted { ($0.key.pythonCompare($1.key) ?? .orderedSame) == .orderedAscending }
                .map { ($0.key, sortedDict($0.value)) }))
        case .list(let l): return .list(l.map(sortedDict))
        default: return v
        }
    }

    static func writeList(_ l: [Value], indent: Int, level: Int, flowLeaves: Bool, into out: inout String) {
        let pad = String(repeating: " ", count: level)
        for x in l {
            out += pad + "-"
            if flowLeaves && isCollection(x) && isLeafCollection(x) {
                out += " " + scalar(sortedDict(x)) + "\n"
                continue
            }
            switch x {
            case .dict(let d) where !d.isEmpty:
                var sub = ""
                writeDict(d, indent: indent, level: level + 2, flowLeaves: flowLeaves, into: &sub)
                out += " " + sub.dropFirst(level + 2)
            case .list(let s) where !s.isEmpty:
                var sub = ""
                writeList(s, indent: indent, level: level + 2, flowLeaves: flowLeaves, into: &sub)
                out += " " + sub.dropFirst(level + 2)
            default: out += " " + scalar(x) + "\n"
            }
        }
    }

    static func writeDict(_ d: PyDict, indent: Int, level: Int, flowLeaves: Bool, into out: inout String) {
        let pad = String(repeating: " ", count: level)
        let items = d.items.sorted { ($0.key.pythonCompare($1.key) ?? .orderedSame) == .orderedAscending }
        for (k, x) in items {
            out += pad + scalar(k) + ":"
            if flowLeaves && isCollection(x) && isLeafCollection(x) {
                out += " " + scalar(sortedDict(x)) + "\n"
                continue
            }
            switch x {
            case .dict(let s) where !s.isEmpty:
                out += "\n"
                writeDict(s, indent: indent, level: level + indent, flowLeaves: flowLeaves, into: &out)
            case .list(let s) where !s.isEmpty:
                out += "\n"
                writeList(s, indent: indent, level: level, flowLeaves: flowLeaves, into: &out)
            default: out += " " + scalar(x) + "\n"
            }
        }
    }

    static func scalar(_ v: Value) -> String {
        switch v {
        case .none: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int, .bigInt: return v.pythonRepr
        case .float(let f):
            if f.isNaN { return ".nan" }
            if f.isInfinite { return f > 0 ? ".inf" : "-.inf" }
            return v.pythonRepr
        case .string(let s), .unsafe(let s): return quoteIfNeeded(s)
        case .list(let l), .tuple(let l): return "[" + l.map(flowScalar).joined(separator: ", ") + "]"
        case .dict(let d): return "{" + d.items.map { flowScalar($0.key) + ": " + flowScalar($0.value) }.joined(separator: ", ") + "}"
        default: return quoteIfNeeded(v.pythonString)
        }
    }

    /// A scalar inside a flow collection: flow indicators force quoting there.
    static func flowScalar(_ v: Value) -> String {
        if case .string(let s) = v, !s.isEmpty, s.contains(where: { ",[]{}".contains($0) }),
           !s.contains("\n"), !s.unicodeScalars.contains(where: { !isPrintable($0) }) {
            return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
        }
        return scalar(v)
    }

    /// PyYAML's printable set with allow_unicode: tab, LF, CR, printable ASCII, NEL and
    /// printable Unicode (no surrogates, no BOM).
    static func isPrintable(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return (v >= 0x20 && v <= 0x7E) || v == 0x85 || (v >= 0xA0 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD && v != 0xFEFF)
            || (v >= 0x10000 && v <= 0x10FFFF)
    }

    static func quoteIfNeeded(_ s: String) -> String {
        if s.isEmpty { return "''" }
        if s.contains("\n") || s.unicodeScalars.contains(where: { !isPrintable($0) }) {
            return JSONWriter.quote(s, ascii: true)
        }
        let reserved = ["null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"]
        let needs = reserved.contains(s.lowercased()) || Double(s) != nil || Int(s) != nil
            || s.first.map { "!&*-?[]{}|>@`\"'%#,: ".contains($0) } ?? false
            || s.last == " " || s.contains(": ") || s.contains(" #") || s.hasSuffix(":")
        if needs { return "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
        return s
    }
}
