import Foundation
import Core

/// Values as JSON text, the way Python's `json.dumps` writes them (`NaN`, `Infinity`,
/// non-string keys turned into strings, tuples as lists).
public enum JSONText {
    public static func encode(_ value: Value, indent: Int? = nil, level: Int = 0, ensureASCII: Bool = true) -> String {
        switch value {
        case .none: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int, .bigInt: return value.pythonRepr
        case .float(let f):
            if f.isNaN { return "NaN" }
            if f.isInfinite { return f < 0 ? "-Infinity" : "Infinity" }
            return PyFloatFormat.repr(f)
        case .string(let s), .unsafe(let s): return quote(s, ensureASCII: ensureASCII)
        case .vault(let v): return quote(v.ciphertext, ensureASCII: ensureASCII)
        case .timestamp(let t): return quote(t.isoFormat(), ensureASCII: ensureASCII)
        case .bytes(let b): return quote(String(decoding: b, as: UTF8.self), ensureASCII: ensureASCII)
        case .list(let items), .tuple(let items):
            if items.isEmpty { return "[]" }
            return container("[", "]", items.map { encode($0, indent: indent, level: level + 1, ensureASCII: ensureASCII) }, indent, level)
        case .dict(let d):
            if d.isEmpty { return "{}" }
            let parts = d.items.map { quote(keyText($0.key), ensureASCII: ensureASCII) + ": " + encode($0.value, indent: indent, level: level + 1, ensureASCII: ensureASCII) }
            return container("{", "}", parts, indent, level)
        }
    }

    static func keyText(_ key: Value) -> String {
        switch key {
        case .none: return "null"
        case .bool(let b): return b ? "true" : "false"
        default: return key.pythonString
        }
    }

    static func container(_ open: String, _ close: String, _ parts: [String], _ indent: Int?, _ level: Int) -> String {
        guard let indent else { return open + parts.joined(separator: ", ") + close }
        let pad = String(repeating: " ", count: indent * (level + 1))
        let end = String(repeating: " ", count: indent * level)
        return open + "\n" + parts.map { pad + $0 }.joined(separator: ",\n") + "\n" + end + close
    }

    public static func quote(_ s: String, ensureASCII: Bool = true) -> String {
        JSONString.quote(s, ensureASCII: ensureASCII)
    }
}
