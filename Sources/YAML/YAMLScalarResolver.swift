import BigInt
import Core

/// YAML 1.1 implicit typing of plain scalars, as PyYAML's `Resolver` and `SafeConstructor`
/// do it (Ansible's loader): `yes`/`on` are booleans, `010` is octal, `1e3` stays a string,
/// `1:30` is sexagesimal.
public enum YAMLScalarResolver {
    static let boolWords: [String: Bool] = ["yes": true, "no": false, "true": true, "false": false, "on": true, "off": false]
    static let boolForms: Set<String> = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
    ]
    static let nullForms: Set<String> = ["", "~", "null", "Null", "NULL"]

    /// The value of a plain (unquoted, untagged) scalar. Throws where PyYAML's constructor
    /// raises for a scalar its resolver matched (`2001-02-30`, `0x_`, a bare `=`).
    public static func resolvePlain(_ text: String, at loc: SourceLocation? = nil) throws(Diagnostic) -> Value {
        let u = Array(text.utf8)
        guard let first = u.first else { return .none }
        switch first {
        case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"),
             UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"),
             UInt8(ascii: "o"), UInt8(ascii: "O"):
            if boolForms.contains(text) { return .bool(boolWords[text.lowercased()]!) }
            if nullForms.contains(text) { return .none }
            return .string(text)
        case UInt8(ascii: "~"):
            return text == "~" ? .none : .string(text)
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if isFloat(u) {
                guard let f = constructFloat(text) else { throw invalid("could not convert string to float: '\(text)'", loc) }
                return .float(f)
            }
            if first != UInt8(ascii: "."), isInt(u) {
                guard let i = constructInt(text) else { throw invalid("invalid literal for int(): '\(text)'", loc) }
                return i
            }
            if first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"), let t = try constructTimestamp(text, at: loc) {
                return .timestamp(t)
            }
            return .string(text)
        case UInt8(ascii: "="):
            if text == "=" {
                throw invalid("could not determine a constructor for the tag 'tag:yaml.org,2002:value'", loc)
            }
            return .string(text)
        default:
            return .string(text)
        }
    }

    static func invalid(_ message: String, _ loc: SourceLocation?) -> Diagnostic {
        Diagnostic.error(message, at: loc, hint: "Quote the value to keep it a string.", kind: .parse)
    }

    // MARK: matching (PyYAML's implicit resolver regexes, written out)

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    /// Matches `[0-5]?[0-9]` groups after colons: returns the index after `(:[0-5]?[0-9])+`.
    private static func sexagesimalTail(_ u: [UInt8], _ start: Int) -> Int? {
        var i = start
        var groups = 0
        while i < u.count, u[i] == UInt8(ascii: ":") {
            var j = i + 1
            guard j < u.count, isDigit(u[j]) else { break }
            if j + 1 < u.count, isDigit(u[j + 1]) {
                guard u[j] <= UInt8(ascii: "5") else { break }
                j += 2
            } else {
                j += 1
            }
            i = j
            groups += 1
        }
        return groups > 0 ? i : nil
    }

    static func isFloat(_ u: [UInt8]) -> Bool {
        var i = 0
        let n = u.count
        var signed = false
        if i < n, u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+") { i += 1; signed = true }
        // [-+]?\.(inf|Inf|INF) and \.(nan|NaN|NAN)
        if i < n, u[i] == UInt8(ascii: ".") {
            let rest = String(decoding: u[(i + 1)...], as: UTF8.self)
            if ["inf", "Inf", "INF"].contains(rest) { return true }
            if !signed, ["nan", "NaN", "NAN"].contains(rest) { return true }
            // \.[0-9][0-9_]*([eE][-+][0-9]+)?  (no sign allowed)
            guard !signed, i + 1 < n, isDigit(u[i + 1]) else { return false }
            var j = i + 2
            while j < n, isDigit(u[j]) || u[j] == UInt8(ascii: "_") { j += 1 }
            return exponentTail(u, j)
        }
        // [0-9][0-9_]* then either \.[0-9_]*(exp)? or (:[0-5]?[0-9])+\.[0-9_]*
        guard i < n, isDigit(u[i]) else { return false }
        var j = i + 1
        while j < n, isDigit(u[j]) || u[j] == UInt8(ascii: "_") { j += 1 }
        if j < n, u[j] == UInt8(ascii: ".") {
            var k = j + 1
            while k < n, isDigit(u[k]) || u[k] == UInt8(ascii: "_") { k += 1 }
            return exponentTail(u, k)
        }
        if let k = sexagesimalTail(u, j), k < n, u[k] == UInt8(ascii: ".") {
            var m = k + 1
            while m < n, isDigit(u[m]) || u[m] == UInt8(ascii: "_") { m += 1 }
            return m == n
        }
        return false
    }

    /// `([eE][-+][0-9]+)?$` from index i.
    private static func exponentTail(_ u: [UInt8], _ i: Int) -> Bool {
        if i == u.count { return true }
        guard u[i] == UInt8(ascii: "e") || u[i] == UInt8(ascii: "E"), i + 2 < u.count + 0,
              u[i + 1] == UInt8(ascii: "-") || u[i + 1] == UInt8(ascii: "+") else { return false }
        var j = i + 2
        guard j < u.count else { return false }
        while j < u.count, isDigit(u[j]) { j += 1 }
        return j == u.count && j > i + 2
    }

    static func isInt(_ u: [UInt8]) -> Bool {
        var i = 0
        let n = u.count
        if i < n, u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+") { i += 1 }
        guard i < n else { return false }
        func all(_ from: Int, _ ok: (UInt8) -> Bool) -> Bool { from < n && u[from...].allSatisfy(ok) }
        if u[i] == UInt8(ascii: "0") {
            if i + 1 == n { return true }
            let c = u[i + 1]
            if c == UInt8(ascii: "b") { return all(i + 2) { $0 == 48 || $0 == 49 || $0 == 95 } }
            if c == UInt8(ascii: "x") {
                return all(i + 2) { isDigit($0) || $0 == 95 || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }
            }
            return all(i + 1) { ($0 >= 48 && $0 <= 55) || $0 == 95 }
        }
        guard isDigit(u[i]) else { return false }
        var j = i + 1
        while j < n, isDigit(u[j]) || u[j] == UInt8(ascii: "_") { j += 1 }
        if j == n { return true }
        if let k = sexagesimalTail(u, j), k == n { return true }
        return false
    }

    // MARK: construction

    /// PyYAML's `construct_yaml_int`; nil where Python's `int()` would raise.
    public static func constructInt(_ text: String) -> Value? {
        var s = Substring(text.replacingOccurrences(of: "_", with: ""))
        guard !s.isEmpty else { return nil }
        var negative = false
        if s.first == "-" { negative = true }
        if s.first == "-" || s.first == "+" { s = s.dropFirst() }
        guard !s.isEmpty else { return nil }
        var magnitude: BigInt?
        if s == "0" {
            magnitude = 0
        } else if s.hasPrefix("0b") {
            magnitude = s.count > 2 ? BigInt(s.dropFirst(2), radix: 2) : nil
        } else if s.hasPrefix("0x") {
            magnitude = s.count > 2 ? BigInt(s.dropFirst(2), radix: 16) : nil
        } else if s.first == "0" {
            // Python's int(s, 8) also takes a `0o` prefix (reached through an explicit !!int).
            let digits = s.hasPrefix("0o") ? s.dropFirst(2) : s
            magnitude = digits.isEmpty ? nil : BigInt(digits, radix: 8)
        } else if s.contains(":") {
            var total = BigInt(0)
            for part in s.split(separator: ":", omittingEmptySubsequences: false) {
                guard let d = BigInt(part, radix: 10), !part.isEmpty else { return nil }
                total = total * 60 + d
            }
            magnitude = total
        } else {
            magnitude = BigInt(s, radix: 10)
        }
        guard let m = magnitude, !s.contains(where: { $0 == "+" || $0 == "-" }) else { return nil }
        return .integer(negative ? -m : m)
    }

    /// PyYAML's `construct_yaml_float`; nil where Python's `float()` would raise.
    public static func constructFloat(_ text: String) -> Double? {
        var s = Substring(text.replacingOccurrences(of: "_", with: "").lowercased())
        guard !s.isEmpty else { return nil }
        var sign = 1.0
        if s.first == "-" { sign = -1 }
        if s.first == "-" || s.first == "+" { s = s.dropFirst() }
        if s == ".inf" { return sign * .infinity }
        if s == ".nan" { return .nan }
        if s.contains(":") {
            var total = 0.0
            for part in s.split(separator: ":", omittingEmptySubsequences: false) {
                guard let d = pythonFloat(part) else { return nil }
                total = total * 60 + d
            }
            return sign * total
        }
        return pythonFloat(s).map { sign * $0 }
    }

    /// Python's `float(str)` for the digit forms YAML produces (`1.`, `.5`, `1e5`, `1.0e+3`).
    static func pythonFloat(_ s: Substring) -> Double? {
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }) else {
            return Double(s)
        }
        var t = String(s)
        if t.hasPrefix(".") { t = "0" + t }
        if let e = t.firstIndex(where: { $0 == "e" || $0 == "E" }), t[t.index(before: e)] == "." {
            t.insert("0", at: e)
        } else if t.hasSuffix(".") {
            t += "0"
        }
        return Double(t)
    }

    /// PyYAML's timestamp: `2002-12-14` is a date; with a time part a datetime, with an
    /// optional fraction (kept to microseconds) and zone (`Z`, `+5`, `-05:30`).
    static func constructTimestamp(_ text: String, at loc: SourceLocation?) throws(Diagnostic) -> PyTimestamp? {
        let u = Array(text.utf8)
        var i = 0
        func digits(_ min: Int, _ max: Int) -> Int? {
            var j = i
            while j < u.count, j - i < max, isDigit(u[j]) { j += 1 }
            guard j - i >= min else { return nil }
            let v = Int(String(decoding: u[i..<j], as: UTF8.self))!
            i = j
            return v
        }
        func expect(_ c: Character) -> Bool {
            guard i < u.count, u[i] == UInt8(ascii: c.unicodeScalars.first!) else { return false }
            i += 1
            return true
        }
        guard let year = digits(4, 4), expect("-") else { return nil }
        let monthStart = i
        guard let month = digits(1, 2), expect("-") else { return nil }
        let dayStart = i
        guard let day = digits(1, 2) else { return nil }
        func check(_ y: Int, _ m: Int, _ d: Int) throws(Diagnostic) {
            let days = [31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard y >= 1, m >= 1, m <= 12 else {
                throw Diagnostic.error("month must be in 1..12 in timestamp '\(text)'", at: loc, kind: .parse)
            }
            guard d >= 1, d <= days[m - 1] else {
                throw Diagnostic.error("day is out of range for month in timestamp '\(text)'", at: loc, kind: .parse)
            }
        }
        if i == u.count {
            // Date only: the resolver wants exactly YYYY-MM-DD.
            guard dayStart - monthStart == 3, u.count - dayStart == 2 else { return nil }
            try check(year, month, day)
            return PyTimestamp(year: year, month: month, day: day)
        }
        if u[i] == UInt8(ascii: "T") || u[i] == UInt8(ascii: "t") {
            i += 1
        } else {
            let s = i
            while i < u.count, u[i] == 32 || u[i] == 9 { i += 1 }
            guard i > s else { return nil }
        }
        guard let hour = digits(1, 2), expect(":"), let minute = digits(2, 2), expect(":"), let second = digits(2, 2) else { return nil }
        var micro = 0
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            let s = i
            while i < u.count, isDigit(u[i]) { i += 1 }
            var frac = String(decoding: u[s..<i], as: UTF8.self).prefix(6)
            while frac.count < 6 { frac += "0" }
            micro = Int(frac)!
        }
        var offset: Int? = nil
        let beforeZone = i
        while i < u.count, u[i] == 32 || u[i] == 9 { i += 1 }
        if i < u.count {
            if u[i] == UInt8(ascii: "Z") {
                i += 1
                offset = 0
            } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
                let negative = u[i] == UInt8(ascii: "-")
                i += 1
                guard let h = digits(1, 2) else { return nil }
                var m = 0
                if i < u.count, u[i] == UInt8(ascii: ":") {
                    i += 1
                    guard let mm = digits(2, 2) else { return nil }
                    m = mm
                }
                offset = (negative ? -1 : 1) * (h * 60 + m)
            } else {
                return nil
            }
        } else {
            i = i == beforeZone ? i : i  // trailing blanks without a zone do not match
            if i != beforeZone { return nil }
        }
        guard i == u.count else { return nil }
        try check(year, month, day)
        guard hour < 24 else { throw Diagnostic.error("hour must be in 0..23 in timestamp '\(text)'", at: loc, kind: .parse) }
        guard minute < 60 else { throw Diagnostic.error("minute must be in 0..59 in timestamp '\(text)'", at: loc, kind: .parse) }
        guard second < 60 else { throw Diagnostic.error("second must be in 0..59 in timestamp '\(text)'", at: loc, kind: .parse) }
        return PyTimestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                           microsecond: micro, utcOffsetMinutes: offset)
    }
}
