import BigInt
import Core
import Foundation

extension PythonLiteral.Parser {
    /// A quoted string body (the quote is at `i`), with Python's escapes unless raw.
    mutating func parseStringBody(raw: Bool, bytes: Bool) -> String? {
        guard let q = peek else { return nil }
        let triple = peek(1) == q && peek(2) == q
        i += triple ? 3 : 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek else { return nil }
            if c == q {
                if !triple { i += 1; break }
                if peek(1) == q && peek(2) == q { i += 3; break }
            }
            if !triple && (c == "\n" || c == "\r") { return nil }
            if bytes && c.value > 0x7F { return nil }
            i += 1
            if c != "\\" { out.append(c); continue }
            guard let e = peek else { return nil }
            if raw {
                out.append("\\"); out.append(e); i += 1
                continue
            }
            guard let escaped = parseEscape(e, bytes: bytes) else { return nil }
            out.append(contentsOf: escaped.unicodeScalars)
        }
        return String(out)
    }

    /// One escape after a backslash (the escaped character is at `i`).
    mutating func parseEscape(_ e: Unicode.Scalar, bytes: Bool) -> String? {
        i += 1
        switch e {
        case "\n": return ""
        case "\r": if peek == "\n" { i += 1 }; return ""
        case "\\": return "\\"
        case "'": return "'"
        case "\"": return "\""
        case "a": return "\u{07}"
        case "b": return "\u{08}"
        case "f": return "\u{0C}"
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "v": return "\u{0B}"
        case "0"..."7":
            var v = e.value - 48
            var n = 1
            while n < 3, let d = peek, ("0"..."7").contains(d) { v = v * 8 + d.value - 48; i += 1; n += 1 }
            return Unicode.Scalar(v).map { String(Character($0)) }
        case "x": return hexEscape(2)
        case "u" where !bytes: return hexEscape(4)
        case "U" where !bytes: return hexEscape(8)
        case "N" where !bytes: return nil
        default: return "\\" + String(Character(e))
        }
    }

    mutating func hexEscape(_ n: Int) -> String? {
        guard i + n <= scalars.count else { return nil }
        let digits = String(String.UnicodeScalarView(scalars[i..<(i + n)]))
        guard digits.allSatisfy(\.isHexDigit), let v = UInt32(digits, radix: 16), let u = Unicode.Scalar(v) else { return nil }
        i += n
        return String(Character(u))
    }

    /// An int, float or imaginary literal; nil for invalid ones (`007`, `1_`, `1abc`).
    mutating func parseNumber() -> PythonLiteral.Literal? {
        let start = i
        while let c = peek, c.properties.isXIDContinue || c == "." ||
            ((c == "+" || c == "-") && i > start && (scalars[i - 1] == "e" || scalars[i - 1] == "E") && !isRadixLiteral(start)) {
            i += 1
        }
        let text = String(String.UnicodeScalarView(scalars[start..<i]))
        return Self.number(text)
    }

    func isRadixLiteral(_ start: Int) -> Bool {
        guard start + 1 < scalars.count, scalars[start] == "0" else { return false }
        return "xXoObB".unicodeScalars.contains(scalars[start + 1])
    }

    static func number(_ text: String) -> PythonLiteral.Literal? {
        // Fast path for plain decimal digits, the common case in inventories (ports, ids).
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            let bytes = Array(text.utf8)
            if bytes.count > 1 && bytes[0] == 48 { return bytes.allSatisfy({ $0 == 48 }) ? .value(.int(0)) : nil }
            if let small = Int(text) { return .value(.int(small)) }
            return Value.integer(decimal: text).map { .value($0) }
        }
        let lower = text.lowercased()
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) {
            var body = Substring(lower.dropFirst(2))
            if body.hasPrefix("_") { body = body.dropFirst() }
            guard validUnderscores(body), let big = BigInt(body.replacingOccurrences(of: "_", with: ""), radix: radix) else { return nil }
            return .value(.integer(big))
        }
        if lower.hasSuffix("j") {
            guard let f = float(String(lower.dropLast())) else { return nil }
            return .complex(0, f)
        }
        if lower.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }) {
            guard validUnderscores(Substring(lower)) else { return nil }
            let digits = lower.replacingOccurrences(of: "_", with: "")
            if digits.count > 1 && digits.hasPrefix("0") && digits.contains(where: { $0 != "0" }) { return nil }
            return Value.integer(decimal: digits).map { .value($0) }
        }
        return float(lower).map { .value(.float($0)) }
    }

    /// A decimal float literal (`1.5`, `.5`, `5.`, `1e3`, `1_0.5`).
    static func float(_ text: String) -> Double? {
        let pattern = #"^(?:[0-9](?:_?[0-9])*)?(?:\.(?:[0-9](?:_?[0-9])*)?)?(?:e[+-]?[0-9](?:_?[0-9])*)?$"#
        guard text.range(of: pattern, options: .regularExpression) != nil,
              text.contains(where: \.isNumber) else { return nil }
        let mantissa = text.split(separator: "e", maxSplits: 1).first.map(String.init) ?? ""
        guard mantissa.contains(where: \.isNumber) else { return nil }
        return Double(text.replacingOccurrences(of: "_", with: ""))
    }

    static func validUnderscores(_ s: Substring) -> Bool {
        !s.isEmpty && !s.hasPrefix("_") && !s.hasSuffix("_") && !s.contains("__")
    }
}
