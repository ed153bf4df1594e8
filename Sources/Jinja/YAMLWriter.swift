import Core
import Foundation

/// A PyYAML-`dump`-like writer (block style, default_flow_style=False) for `to_yaml`/`to_nice_yaml`.
enum YAMLWriter {
    static func dump(_ v: Value, indent: Int, flowDefault: Bool) -> String {
        var out = ""
        switch v {
        case .list(let l) where !l.isEmpty: writeList(l, indent: indent, level: 0, into: &out)
        case .tuple(let l) where !l.isEmpty: writeList(l, indent: indent, level: 0, into: &out)
        case .dict(let d) where !d.isEmpty: writeDict(d, indent: indent, level: 0, into: &out)
        default:
            out = scalar(v) + "\n"
            if case .string = v, !out.hasPrefix("'"), !out.hasPrefix("\"") { out += "...\n" } else if v.isNone { out += "...\n" } else if case .bool = v { out += "...\n" } else if v.numeric != nil { out += "...\n" }
        }
        return out
    }

    static func writeList(_ l: [Value], indent: Int, level: Int, into out: inout String) {
        let pad = String(repeating: " ", count: level)
        for x in l {
            out += pad + "-"
            switch x {
            case .dict(let d) where !d.isEmpty:
                var sub = ""
                writeDict(d, indent: indent, level: level + 2, into: &sub)
                out += " " + sub.dropFirst(level + 2)
            case .list(let s) where !s.isEmpty:
                var sub = ""
                writeList(s, indent: indent, level: level + 2, into: &sub)
                out += " " + sub.dropFirst(level + 2)
            default: out += " " + scalar(x) + "\n"
            }
        }
    }

    static func writeDict(_ d: PyDict, indent: Int, level: Int, into out: inout String) {
        let pad = String(repeating: " ", count: level)
        let items = d.items.sorted { ($0.key.pythonCompare($1.key) ?? .orderedSame) == .orderedAscending }
        for (k, x) in items {
            out += pad + scalar(k) + ":"
            switch x {
            case .dict(let s) where !s.isEmpty:
                out += "\n"
                writeDict(s, indent: indent, level: level + indent, into: &out)
            case .list(let s) where !s.isEmpty:
                out += "\n"
                writeList(s, indent: indent, level: level, into: &out)
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
        case .list(let l), .tuple(let l): return "[" + l.map(scalar).joined(separator: ", ") + "]"
        case .dict(let d): return "{" + d.items.map { scalar($0.key) + ": " + scalar($0.value) }.joined(separator: ", ") + "}"
        default: return quoteIfNeeded(v.pythonString)
        }
    }

    static func quoteIfNeeded(_ s: String) -> String {
        if s.isEmpty { return "''" }
        if s.contains("\n") || s.unicodeScalars.contains(where: { $0.value < 32 || $0.value > 126 }) {
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
