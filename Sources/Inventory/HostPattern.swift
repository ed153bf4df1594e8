import Core
import Foundation

/// Host-pattern syntax as ansible-core reads it: splitting (`a,b`, `a:b`, `a:&b`, `a:!b`),
/// ordering of operators, subscripts (`g[0]`, `g[1:3]`, `g[-1]`) and glob/regex matching.
public enum HostPattern {
    /// Splits a pattern into terms: at commas if any, else at colons unless the whole pattern
    /// is one host address (IPv6, `host[1:3]` range, `host:port`).
    public static func split(_ pattern: String) -> [String] {
        var parts: [String]
        if pattern.contains(",") {
            parts = pattern.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        } else if (try? HostAddress.parse(pattern, allowRanges: true)) != nil {
            parts = [pattern]
        } else {
            let re = HostAddress.regex(#"(?:[^\s:\[\]]|\[[^\]]*\])+"#)
            let ns = pattern as NSString
            parts = re.matches(in: pattern, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) }
        }
        return parts.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Plain terms first, then `&` intersections, then `!` exclusions; only operators means `all` first.
    public static func ordered(_ terms: [String]) -> [String] {
        var regular: [String] = [], intersect: [String] = [], exclude: [String] = []
        for t in terms where !t.isEmpty {
            if t.hasPrefix("!") { exclude.append(t) } else if t.hasPrefix("&") { intersect.append(t) } else { regular.append(t) }
        }
        if regular.isEmpty { regular = ["all"] }
        return regular + intersect + exclude
    }

    /// A subscript: one index, or an inclusive range whose end may be open (-1 = to the end).
    enum Subscript { case index(Int), range(Int, Int) }

    private static let subscriptRE = HostAddress.regex(#"^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$"#)

    /// `web[1:3]` → (`web`, 1...3); regexes (`~...`) never have subscripts.
    static func splitSubscript(_ pattern: String) -> (String, Subscript?, warning: Bool) {
        guard !pattern.hasPrefix("~"), let g = HostAddress.groups(subscriptRE, pattern), let g0 = Optional(g[1]) else { return (pattern, nil, false) }
        if !g[2].isEmpty, let i = Int(g[2]) { return (g0, .index(i), false) }
        guard let start = Int(g[3]) else { return (pattern, nil, false) }
        let end = g[5].isEmpty ? -1 : (Int(g[5]) ?? -1)
        return (g0, .range(start, end), g[4] == "-")
    }

    /// Applies a subscript with Python's list indexing and slicing; nil when an index is out of range.
    static func apply<T>(_ items: [T], _ sub: Subscript?) -> [T]? {
        guard let sub, !items.isEmpty else { return items }
        let n = items.count
        func index(_ i: Int) -> Int? {
            let j = i < 0 ? i + n : i
            return j >= 0 && j < n ? j : nil
        }
        switch sub {
        case .index(let i), .range(let i, 0):
            return index(i).map { [items[$0]] }
        case .range(let start, let rawEnd):
            let end = rawEnd == -1 ? n - 1 : rawEnd
            let lo = min(max(start < 0 ? start + n : start, 0), n)
            let hi = min(max(end + 1 < 0 ? end + 1 + n : end + 1, 0), n)
            return lo < hi ? Array(items[lo..<hi]) : []
        }
    }

    /// A matcher for one term: `~regex` (matched at the start of the name) or a shell glob
    /// (`fnmatch`: `*`, `?`, `[abc]`, `[!abc]`, matched against the whole name).
    static func matcher(_ pattern: String) throws(Diagnostic) -> NSRegularExpression {
        let source = pattern.hasPrefix("~") ? String(pattern.dropFirst()) : "^(?:" + globToRegex(pattern) + ")$"
        do { return try NSRegularExpression(pattern: source, options: pattern.hasPrefix("~") ? [] : [.dotMatchesLineSeparators]) } catch {
            throw Diagnostic(.error, kind: .general, "Invalid host list pattern: \(pattern)")
        }
    }

    static func matches(_ re: NSRegularExpression, _ name: String) -> Bool {
        re.firstMatch(in: name, options: [.anchored], range: NSRange(location: 0, length: (name as NSString).length)) != nil
    }

    /// Python's `fnmatch.translate` body.
    static func globToRegex(_ pat: String) -> String {
        let chars = Array(pat)
        var out = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            i += 1
            switch c {
            case "*":
                out += ".*"
                while i < chars.count && chars[i] == "*" { i += 1 }
            case "?": out += "."
            case "[":
                var j = i
                if j < chars.count && chars[j] == "!" { j += 1 }
                if j < chars.count && chars[j] == "]" { j += 1 }
                while j < chars.count && chars[j] != "]" { j += 1 }
                if j >= chars.count {
                    out += "\\["
                } else {
                    var stuff = String(chars[i..<j]).replacingOccurrences(of: "\\", with: "\\\\")
                    i = j + 1
                    if stuff.hasPrefix("!") { stuff = "^" + stuff.dropFirst() } else if stuff.hasPrefix("^") { stuff = "\\" + stuff }
                    stuff = stuff.replacingOccurrences(of: "[", with: "\\[")
                    out += stuff.isEmpty ? "(?!)" : "[" + stuff + "]"
                }
            default:
                out += NSRegularExpression.escapedPattern(for: String(c))
            }
        }
        return out
    }
}
