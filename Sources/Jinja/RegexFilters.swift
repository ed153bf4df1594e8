import Core
import Foundation

/// Python `re` semantics on ICU: `(?P<n>...)` and `(?P=n)` are translated, replacement
/// backreferences `\1`, `\g<1>`, `\g<name>` become ICU's `$1`/`${name}`. Compiled patterns are cached.
enum RegexFilters {
    final class Cache: @unchecked Sendable {
        var table: [String: NSRegularExpression] = [:]
        let lock = NSLock()
    }
    static let cache = Cache()

    static func compile(_ pattern: String, ignoreCase: Bool = false, multiline: Bool = false, dotall: Bool = false) throws(TemplateError) -> NSRegularExpression {
        let key = "\(ignoreCase ? 1 : 0)\(multiline ? 1 : 0)\(dotall ? 1 : 0)" + pattern
        cache.lock.lock()
        if let re = cache.table[key] { cache.lock.unlock(); return re }
        cache.lock.unlock()
        var p = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
        if let re = try? NSRegularExpression(pattern: "\\(\\?P=(\\w+)\\)") {
            p = re.stringByReplacingMatches(in: p, range: NSRange(p.startIndex..., in: p), withTemplate: "\\\\k<$1>")
        }
        var opts: NSRegularExpression.Options = []
        if ignoreCase { opts.insert(.caseInsensitive) }
        if multiline { opts.insert(.anchorsMatchLines) }
        if dotall { opts.insert(.dotMatchesLineSeparators) }
        guard let re = try? NSRegularExpression(pattern: p, options: opts) else { throw .plugin("invalid regular expression: \(pattern)") }
        cache.lock.lock()
        cache.table[key] = re
        cache.lock.unlock()
        return re
    }

    /// A piece of a Python `re.sub` replacement string.
    enum ReplacementPart {
        case literal(String)
        case group(Int)
        case named(String)
    }

    /// Parses a Python replacement (`\\1`, `\\g<1>`, `\\g<name>`, `\\n`, `\\\\`). Expanded by
    /// hand because Foundation's regex templates know neither `\\g<name>` nor `${name}` here.
    static func parseReplacement(_ s: String) -> [ReplacementPart] {
        var parts: [ReplacementPart] = []
        var literal = ""
        let c = Array(s)
        var i = 0
        func flush() { if !literal.isEmpty { parts.append(.literal(literal)); literal = "" } }
        while i < c.count {
            guard c[i] == "\\", i + 1 < c.count else { literal.append(c[i]); i += 1; continue }
            let n = c[i + 1]
            if n.isASCII, n.isNumber {
                var digits = String(n)
                if i + 2 < c.count, c[i + 2].isASCII, c[i + 2].isNumber { digits.append(c[i + 2]) }
                flush()
                parts.append(.group(Int(digits)!))
                i += 1 + digits.count
                continue
            }
            if n == "g", i + 2 < c.count, c[i + 2] == "<", let close = c[(i + 3)...].firstIndex(of: ">") {
                let name = String(c[(i + 3)..<close])
                flush()
                parts.append(Int(name).map(ReplacementPart.group) ?? .named(name))
                i = close + 1
                continue
            }
            switch n {
            case "n": literal.append("\n")
            case "t": literal.append("\t")
            case "r": literal.append("\r")
            case "\\": literal.append("\\")
            default: literal.append("\\"); literal.append(n)
            }
            i += 2
        }
        flush()
        return parts
    }

    static func expand(_ parts: [ReplacementPart], _ m: NSTextCheckingResult, in ns: NSString) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let s): out += s
            case .group(let n):
                guard n < m.numberOfRanges else { continue }
                let r = m.range(at: n)
                if r.location != NSNotFound { out += ns.substring(with: r) }
            case .named(let name):
                let r = m.range(withName: name)
                if r.location != NSNotFound { out += ns.substring(with: r) }
            }
        }
        return out
    }

    static func register(_ t: inout [String: FilterFunction]) {
        t["regex_replace"] = plugin { r, v, a throws(TemplateError) in
            let s = try r.str(v)
            let pattern = try r.strArg(a, 0, "pattern", ""), repl = try r.strArg(a, 1, "replacement", "")
            let ic = try r.boolArg(a, 99, "ignorecase", false)
            let ml = try r.boolArg(a, 99, "multiline", false)
            let count = try r.intArg(a, 2, "count", 0)
            let re = try compile(pattern, ignoreCase: ic, multiline: ml)
            let ns = s as NSString
            let parts = parseReplacement(repl)
            var matches = re.matches(in: s, range: NSRange(location: 0, length: ns.length))
            if count > 0 { matches = Array(matches.prefix(count)) }
            var out = "", last = 0
            for m in matches {
                out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
                out += expand(parts, m, in: ns)
                last = m.range.location + m.range.length
            }
            out += ns.substring(from: last)
            return .value(.string(out))
        }
        t["regex_search"] = plugin { r, v, a throws(TemplateError) in
            let s = try r.str(v)
            let pattern = try r.strArg(a, 0, "regex", "")
            let ic = try r.boolArg(a, 99, "ignorecase", false)
            let ml = try r.boolArg(a, 99, "multiline", false)
            let re = try compile(pattern, ignoreCase: ic, multiline: ml)
            let ns = s as NSString
            guard let m = re.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)) else { return .none }
            let groups = try a.positional.dropFirst().map { x throws(TemplateError) in try r.str(x) }
            if groups.isEmpty { return .value(.string(ns.substring(with: m.range))) }
            var out: [Value] = []
            for g in groups {
                var range = NSRange(location: NSNotFound, length: 0)
                if g.hasPrefix("\\g<") { range = m.range(withName: String(g.dropFirst(3).dropLast())) } else if g.hasPrefix("\\"), let n = Int(g.dropFirst()) { range = m.range(at: n) }
                out.append(range.location == NSNotFound ? .none : .string(ns.substring(with: range)))
            }
            return .value(.list(out))
        }
        t["regex_findall"] = plugin { r, v, a throws(TemplateError) in
            let s = try r.str(v)
            let pattern = try r.strArg(a, 0, "regex", "")
            let ic = try r.boolArg(a, 99, "ignorecase", false)
            let ml = try r.boolArg(a, 99, "multiline", false)
            let re = try compile(pattern, ignoreCase: ic, multiline: ml)
            let ns = s as NSString
            let out: [Value] = re.matches(in: s, range: NSRange(location: 0, length: ns.length)).map { m in
                func g(_ i: Int) -> Value { let rg = m.range(at: i); return .string(rg.location == NSNotFound ? "" : ns.substring(with: rg)) }
                switch re.numberOfCaptureGroups {
                case 0: return g(0)
                case 1: return g(1)
                default: return .tuple((1...re.numberOfCaptureGroups).map(g))
                }
            }
            return .value(.list(out))
        }
        t["regex_escape"] = plugin { r, v, a throws(TemplateError) in
            let s = try r.str(v)
            let type = try r.strArg(a, 0, "re_type", "python")
            var out = ""
            for c in s {
                if type == "posix_basic" {
                    if "$.*[\\]^".contains(c) { out.append("\\") }
                } else if !(c.isLetter && c.isASCII) && !(c.isNumber && c.isASCII) && c != "_" {
                    out.append("\\")
                }
                out.append(c)
            }
            return .value(.string(out))
        }
    }

    static func registerTests(_ t: inout [String: TestFunction]) {
        @Sendable func test(_ mode: String) -> TestFunction {
            return { r, v, a throws(TemplateError) in
                let s = try r.str(v)
                let pattern = try r.strArg(a, 0, "pattern", "")
                let ic = try r.boolArg(a, 1, "ignorecase", false), ml = try r.boolArg(a, 2, "multiline", false)
                let re = try compile(pattern, ignoreCase: ic, multiline: ml)
                let ns = s as NSString
                guard let m = re.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)) else { return false }
                if mode == "match" { return m.range.location == 0 || re.firstMatch(in: s, options: .anchored, range: NSRange(location: 0, length: ns.length)) != nil }
                return true
            }
        }
        t["match"] = test("match")
        t["search"] = test("search")
        t["regex"] = plugin { r, v, a throws(TemplateError) in
            let mt = try r.strArg(a, 3, "match_type", "search")
            return try test(mt == "match" ? "match" : "search")(r, v, a)
        }
    }
}
