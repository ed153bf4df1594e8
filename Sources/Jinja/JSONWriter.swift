import Core
import Foundation

/// Python's `json.dumps` output for values (`to_json`, `to_nice_json`, `tojson`).
enum JSONWriter {
    struct Options {
        var sortKeys = false
        var indent: Int? = nil
        var ensureASCII = true
        var itemSeparator = ", "
        var keySeparator = ": "
    }

    static func write(_ v: Value, _ o: Options) throws(TemplateError) -> String {
        var out = ""
        try write(v, o, level: 0, into: &out)
        return out
    }

    static func write(_ v: Value, _ o: Options, level: Int, into out: inout String) throws(TemplateError) {
        switch v {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int, .bigInt: out += v.pythonRepr
        case .float(let f):
            if f.isNaN { out += "NaN" } else if f.isInfinite { out += f > 0 ? "Infinity" : "-Infinity" } else { out += v.pythonRepr }
        case .string(let s): out += quote(s, ascii: o.ensureASCII)
        case .unsafe(let s):
            if v.isOmit { throw .plugin("Object of type '_OmitType' is not JSON serializable by the 'tagless' profile.") }
            out += quote(s, ascii: o.ensureASCII)
        case .vault(let t): out += quote(t.ciphertext, ascii: o.ensureASCII)
        case .timestamp(let t): out += quote(t.isoFormat(separator: "T"), ascii: o.ensureASCII)
        case .bytes(let b): out += quote(String(decoding: b, as: UTF8.self), ascii: o.ensureASCII)
        case .list(let items), .tuple(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, x) in items.enumerated() {
                if i > 0 { out += o.indent == nil ? o.itemSeparator : "," }
                newline(o, level + 1, &out)
                try write(x, o, level: level + 1, into: &out)
            }
            newline(o, level, &out)
            out += "]"
        case .dict(let d):
            if d.isEmpty { out += "{}"; return }
            var pairs = d.items
            if o.sortKeys {
                pairs.sort { ($0.key.pythonCompare($1.key) ?? .orderedSame) == .orderedAscending }
            }
            out += "{"
            for (i, p) in pairs.enumerated() {
                if i > 0 { out += o.indent == nil ? o.itemSeparator : "," }
                newline(o, level + 1, &out)
                let k: String
                switch p.key {
                case .string(let s), .unsafe(let s): k = s
                case .none: k = "null"
                case .bool(let b): k = b ? "true" : "false"
                case .int, .bigInt, .float: k = p.key.pythonRepr
                default: throw .plugin("keys must be str, int, float, bool or None, not \(p.key.pythonTypeName)")
                }
                out += quote(k, ascii: o.ensureASCII) + o.keySeparator
                try write(p.value, o, level: level + 1, into: &out)
            }
            newline(o, level, &out)
            out += "}"
        }
    }

    static func newline(_ o: Options, _ level: Int, _ out: inout String) {
        guard let n = o.indent else { return }
        out += "\n" + String(repeating: " ", count: n * level)
    }

    static func quote(_ s: String, ascii: Bool) -> String {
        JSONString.quote(s, ensureASCII: ascii)
    }
}
