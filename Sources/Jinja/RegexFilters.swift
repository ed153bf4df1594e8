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

    /// Python replacement string to ICU template.
    static func translateReplacement(_ s: String) -> String {
        var out = ""
        let c = Array(s)
        var i = 0
        while i < c.count {
            if c[i] == "$" { out += "\\$"; i += 1; continue }
            if c[i] == "\\", i + 1 < c.count {
                let n = c[i + 1]
                if n.isNumber { out += "$" + String(n); i += 2; continue }
                if n == "g", i + 2 < c.count, c[i + 2] == "<", let close = c[(i + 3)...].firstIndex(of: ">") {
                    let name = String(c[(i + 3)..<close])
                    out += Int(name) != nil ? "$" + name : "${" + name + "}"
                    i = close + 1
                    continue
                }
                switch n {
                case "n": out += "\n"
                case "t": out += "\t"
                case "\\": out += "\\\\"
                default: out += "\\\\" + String(n)
                }
                i += 2
                continue
            }
            out.append(c[i])
            i += 1
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
            let tmpl = translateReplacement(repl)
            var matches = re.matches(in: s, range: NSRange(location: 0, length: ns.length))
            if count > 0 { matches = Array(matches.prefix(count)) }
            var out = "", last = 0
            for m in matches {
                out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
                out += re.replacementString(for: m, in: s, offset: 0, template: tmpl)
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
