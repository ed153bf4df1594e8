import Foundation
import BigInt

extension Value {
    /// Python truthiness: empty containers, `0`, `0.0`, `''` and `None` are false.
    public var isTruthy: Bool {
        switch self {
        case .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .bigInt: return true
        case .float(let f): return f != 0
        case .string(let s), .unsafe(let s): return !s.isEmpty
        case .vault(let v): return !v.ciphertext.isEmpty
        case .list(let a), .tuple(let a): return !a.isEmpty
        case .dict(let d): return !d.isEmpty
        case .timestamp: return true
        case .bytes(let b): return !b.isEmpty
        }
    }

    /// Python's `str()`.
    public var pythonString: String {
        switch self {
        case .string(let s), .unsafe(let s): return s
        case .vault(let v): return v.ciphertext
        case .timestamp(let t): return t.pythonString
        default: return pythonRepr
        }
    }

    /// Python's `repr()`: `None`, `True`, `'a'`, `[1, 'a']`, `{'k': 1.0}`, `(1,)`.
    public var pythonRepr: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .bigInt(let b): return b.description
        case .float(let f): return PyFloatFormat.repr(f)
        case .string(let s), .unsafe(let s): return PyStringRepr.repr(s)
        case .vault(let v): return PyStringRepr.repr(v.ciphertext)
        case .list(let items): return "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .tuple(let items):
            if items.count == 1 { return "(" + items[0].pythonRepr + ",)" }
            return "(" + items.map(\.pythonRepr).joined(separator: ", ") + ")"
        case .dict(let d):
            return "{" + d.items.map { "\($0.key.pythonRepr): \($0.value.pythonRepr)" }.joined(separator: ", ") + "}"
        case .timestamp(let t): return t.pythonRepr
        case .bytes(let b): return PyStringRepr.bytesRepr(b)
        }
    }

    /// Python's ordering (`<`): numbers by value, strings by code point, lists and tuples
    /// element by element. Nil where Python raises TypeError (`'a' < 1`, `{} < {}`).
    public func pythonCompare(_ other: Value) -> ComparisonResult? {
        if let a = numeric, let b = other.numeric { return a.compare(b) }
        switch (self, other) {
        case (.string, _), (.unsafe, _):
            guard let a = stringValue, let b = other.stringValue else { return nil }
            return Self.compareCodePoints(a, b)
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            for (x, y) in zip(a, b) where x != y {
                return x.pythonCompare(y)
            }
            return a.count < b.count ? .orderedAscending : (a.count == b.count ? .orderedSame : .orderedDescending)
        case (.timestamp(let a), .timestamp(let b)) where a.hasTime == b.hasTime:
            let l = [a.year, a.month, a.day, a.hour, a.minute, a.second, a.microsecond]
            let r = [b.year, b.month, b.day, b.hour, b.minute, b.second, b.microsecond]
            return l.lexicographicallyPrecedes(r) ? .orderedAscending : (l == r ? .orderedSame : .orderedDescending)
        default: return nil
        }
    }

    static func compareCodePoints(_ a: String, _ b: String) -> ComparisonResult {
        var i = a.unicodeScalars.makeIterator(), j = b.unicodeScalars.makeIterator()
        while true {
            switch (i.next(), j.next()) {
            case (nil, nil): return .orderedSame
            case (nil, _): return .orderedAscending
            case (_, nil): return .orderedDescending
            case (let x?, let y?):
                if x.value != y.value { return x.value < y.value ? .orderedAscending : .orderedDescending }
            }
        }
    }
}

/// Python's `repr()` of `str` and `bytes`.
enum PyStringRepr {
    static func repr(_ s: String) -> String {
        let quote: Character = (s.contains("'") && !s.contains("\"")) ? "\"" : "'"
        var out = String(quote)
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(u) == quote { out += "\\" + String(quote); continue }
                if isPrintable(u) { out.unicodeScalars.append(u); continue }
                let v = u.value
                if v < 0x100 { out += "\\x" + hex(v, 2) } else if v < 0x10000 { out += "\\u" + hex(v, 4) } else { out += "\\U" + hex(v, 8) }
            }
        }
        out.append(quote)
        return out
    }

    static func bytesRepr(_ bytes: [UInt8]) -> String {
        let quote: UInt8 = (bytes.contains(39) && !bytes.contains(34)) ? 34 : 39
        var out = "b" + String(UnicodeScalar(quote))
        for b in bytes {
            switch b {
            case 92: out += "\\\\"
            case 10: out += "\\n"
            case 13: out += "\\r"
            case 9: out += "\\t"
            case quote: out += "\\" + String(UnicodeScalar(quote))
            case 32..<127: out.unicodeScalars.append(UnicodeScalar(b))
            default: out += "\\x" + hex(UInt32(b), 2)
            }
        }
        return out + String(UnicodeScalar(quote))
    }

    static func hex(_ v: UInt32, _ width: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// Python's `str.isprintable()` for one character: not in categories Cc, Cf, Cs, Co, Cn,
    /// Zl, Zp, Zs, except the ASCII space.
    static func isPrintable(_ u: Unicode.Scalar) -> Bool {
        if u == " " { return true }
        switch u.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
             .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default: return true
        }
    }
}
