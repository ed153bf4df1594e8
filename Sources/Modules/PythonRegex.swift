import Foundation

/// A Python `re` pattern run on ICU (`NSRegularExpression`): `(?P<name>…)`, `(?P=name)` and
/// `\Z` are translated; replacement templates (`\1`, `\g<1>`, `\g<name>`, `\n`) are expanded
/// as Python's `match.expand` does, an unmatched group giving the empty string.
struct PythonRegex {
    let regex: NSRegularExpression
    let pattern: String

    init?(_ pattern: String, multiline: Bool = false, dotall: Bool = false) {
        var options: NSRegularExpression.Options = []
        if multiline { options.insert(.anchorsMatchLines) }
        if dotall { options.insert(.dotMatchesLineSeparators) }
        guard let re = try? NSRegularExpression(pattern: Self.translate(pattern), options: options) else { return nil }
        regex = re
        self.pattern = pattern
    }

    /// Python pattern syntax to ICU's.
    static func translate(_ pattern: String) -> String {
        var out = ""
        let c = Array(pattern)
        var i = 0
        var inClass = false
        while i < c.count {
            let ch = c[i]
            if ch == "\\", i + 1 < c.count {
                if !inClass && c[i + 1] == "Z" { out += "\\z" } else { out.append(ch); out.append(c[i + 1]) }
                i += 2
                continue
            }
            if inClass {
                if ch == "]" { inClass = false }
                out.append(ch)
                i += 1
                continue
            }
            if ch == "[" {
                inClass = true
                out.append(ch)
                i += 1
                // a `]` right after `[` or `[^` is literal
                if i < c.count, c[i] == "^" { out.append("^"); i += 1 }
                if i < c.count, c[i] == "]" { out += "\\]"; i += 1 }
                continue
            }
            if ch == "(", i + 2 < c.count, c[i + 1] == "?", c[i + 2] == "P" {
                if i + 3 < c.count, c[i + 3] == "<" { out += "(?<"; i += 4; continue }
                if i + 3 < c.count, c[i + 3] == "=", let close = c[(i + 4)...].firstIndex(of: ")") {
                    out += "\\k<" + String(c[(i + 4)..<close]) + ">"
                    i = close + 1
                    continue
                }
            }
            out.append(ch)
            i += 1
        }
        return out
    }

    func firstMatch(in s: String) -> NSTextCheckingResult? {
        regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s))
    }

    func matches(in s: String) -> [NSTextCheckingResult] {
        regex.matches(in: s, range: NSRange(s.startIndex..., in: s))
    }

    /// Python's `re.subn(pattern, template, s)`: the new text and the number of replacements.
    func substitute(in s: String, template: String) -> (String, Int) {
        let ns = s as NSString
        var out = ""
        var last = 0
        let found = matches(in: s)
        for m in found {
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            out += expand(template, match: m, in: s)
            last = m.range.location + m.range.length
        }
        out += ns.substring(from: last)
        return (out, found.count)
    }

    /// Python's `match.expand(template)`.
    func expand(_ template: String, match: NSTextCheckingResult, in s: String) -> String {
        let ns = s as NSString
        func group(_ range: NSRange) -> String {
            range.location == NSNotFound ? "" : ns.substring(with: range)
        }
        var out = ""
        let c = Array(template)
        var i = 0
        while i < c.count {
            guard c[i] == "\\", i + 1 < c.count else { out.append(c[i]); i += 1; continue }
            let n = c[i + 1]
            if let d = n.wholeNumberValue, n.isASCII, d > 0 || (i + 2 < c.count && c[i + 2].isNumber) {
                var number = d
                var j = i + 2
                if j < c.count, let d2 = c[j].wholeNumberValue, c[j].isASCII, number * 10 + d2 < match.numberOfRanges {
                    number = number * 10 + d2
                    j += 1
                }
                if number < match.numberOfRanges { out += group(match.range(at: number)) }
                i = j
                continue
            }
            if n == "g", i + 2 < c.count, c[i + 2] == "<", let close = c[(i + 3)...].firstIndex(of: ">") {
                let name = String(c[(i + 3)..<close])
                if let number = Int(name) {
                    if number < match.numberOfRanges { out += group(match.range(at: number)) }
                } else {
                    out += group(match.range(withName: name))
                }
                i = close + 1
                continue
            }
            switch n {
            case "n": out += "\n"
            case "t": out += "\t"
            case "r": out += "\r"
            case "f": out += "\u{0C}"
            case "v": out += "\u{0B}"
            case "a": out += "\u{07}"
            case "\\": out += "\\"
            default: out.append("\\"); out.append(n)
            }
            i += 2
        }
        return out
    }
}
