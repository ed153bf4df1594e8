/// Python's text helpers the inventory plugins lean on: `str.splitlines`, `bytes.splitlines`
/// and code-point ordering (`sorted()` of names).
enum PythonText {
    /// `str.splitlines()`: splits at \n, \r, \r\n, \v, \f, \x1c-\x1e, \x85, U+2028, U+2029.
    static func splitLines(_ text: String) -> [String] {
        var out: [String] = []
        var current = String.UnicodeScalarView()
        var it = Array(text.unicodeScalars)[...]
        while let u = it.popFirst() {
            switch u.value {
            case 0x0A, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
                out.append(String(current)); current = .init()
            case 0x0D:
                if it.first == "\n" { it = it.dropFirst() }
                out.append(String(current)); current = .init()
            default:
                current.append(u)
            }
        }
        if !current.isEmpty { out.append(String(current)) }
        return out
    }

    /// `str.strip()`: drops leading and trailing whitespace (Unicode White_Space).
    static func strip(_ s: String) -> String {
        let u = s.unicodeScalars
        guard let first = u.first, let last = u.last,
              first.properties.isWhitespace || last.properties.isWhitespace || first.value < 0x20 || last.value < 0x20 else { return s }
        let isSpace: (Unicode.Scalar) -> Bool = { $0.properties.isWhitespace || (0x1C...0x1F).contains($0.value) }
        guard let start = u.firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = u.lastIndex(where: { !isSpace($0) })!
        return String(u[start...end])
    }

    /// `bytes.splitlines()`: splits at \n, \r and \r\n only.
    static func splitByteLines(_ bytes: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var current: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 10 || b == 13 {
                out.append(current); current = []
                if b == 13, i + 1 < bytes.count, bytes[i + 1] == 10 { i += 1 }
            } else {
                current.append(b)
            }
            i += 1
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Python's `a < b` for str: by code point.
    static func less(_ a: String, _ b: String) -> Bool {
        var i = a.unicodeScalars.makeIterator(), j = b.unicodeScalars.makeIterator()
        while true {
            switch (i.next(), j.next()) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case (let x?, let y?): if x != y { return x.value < y.value }
            }
        }
    }

    static func sorted(_ names: [String]) -> [String] { names.sorted(by: less) }
}

/// Group-name rules: ansible-core's `to_safe_group_name` (`^[\d\W]|[^\w]` becomes `_` when
/// a plugin forces it, as the INI plugin does for section names).
enum GroupName {
    private static let invalid = HostAddress.regex(#"^[\d\W]|[^\w]"#)

    static func hasInvalidCharacters(_ name: String) -> Bool {
        invalid.firstMatch(in: name, range: NSRange(location: 0, length: (name as NSString).length)) != nil
    }

    static func safe(_ name: String) -> String {
        invalid.stringByReplacingMatches(in: name, range: NSRange(location: 0, length: (name as NSString).length), withTemplate: "_")
    }
}

import Foundation
