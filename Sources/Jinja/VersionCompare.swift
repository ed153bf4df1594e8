import Core
import Foundation

/// `version` test and `version_compare` filter (LooseVersion-like by default, `strict` and
/// `semver` supported loosely).
enum VersionCompare {
    static let ops: [String: String] = ["==": "==", "=": "==", "eq": "==", "!=": "!=", "<>": "!=", "ne": "!=",
                                        "<": "<", "lt": "<", "<=": "<=", "le": "<=", ">": ">", "gt": ">", ">=": ">=", "ge": ">="]

    static func components(_ s: String) -> [Value] {
        var out: [Value] = []
        var cur = "", isNum = false
        func flush() {
            guard !cur.isEmpty else { return }
            out.append(isNum ? (Value.integer(decimal: cur) ?? .string(cur)) : .string(cur))
            cur = ""
        }
        for c in s {
            if c.isNumber {
                if !isNum { flush(); isNum = true }
                cur.append(c)
            } else if c.isLetter {
                if isNum { flush(); isNum = false }
                cur.append(c)
            } else {
                flush()
                isNum = false
            }
        }
        flush()
        return out
    }

    static func compare(_ a: String, _ b: String) throws(TemplateError) -> ComparisonResult {
        let x = components(a), y = components(b)
        for (p, q) in zip(x, y) where p != q {
            guard let c = p.pythonCompare(q) else {
                throw .plugin("Version comparison failed: '<' not supported between instances of '\(p.pythonTypeName)' and '\(q.pythonTypeName)'")
            }
            return c
        }
        return x.count < y.count ? .orderedAscending : (x.count == y.count ? .orderedSame : .orderedDescending)
    }

    /// `strict` (distutils StrictVersion: `N.N[.N][(a|b)N]`, a missing patch is 0).
    static func strictKey(_ s: String) -> [Int]? {
        let scalars = Array(s)
        var i = 0
        func number() -> Int? {
            let start = i
            while i < scalars.count, scalars[i].isASCII, scalars[i].isNumber { i += 1 }
            return i > start ? Int(String(scalars[start..<i])) : nil
        }
        guard let major = number(), i < scalars.count, scalars[i] == "." else { return nil }
        i += 1
        guard let minor = number() else { return nil }
        var patch = 0
        if i < scalars.count, scalars[i] == "." {
            i += 1
            guard let p = number() else { return nil }
            patch = p
        }
        // A release sorts after its pre-releases: (a|b)N → (0|1, N); none → (2, 0).
        var pre = [2, 0]
        if i < scalars.count {
            guard scalars[i] == "a" || scalars[i] == "b" else { return nil }
            let kind = scalars[i] == "a" ? 0 : 1
            i += 1
            guard let n = number() else { return nil }
            pre = [kind, n]
        }
        return i == scalars.count ? [major, minor, patch] + pre : nil
    }

    /// PEP 440 ordering for the common forms `N(.N)*[{a|b|rc}N][.postN][.devN]`: a dev release
    /// sorts before its pre-releases, which sort before the release, then post-releases.
    static func pep440Key(_ text: String) -> [Int]? {
        var s = Substring(text.lowercased().trimmingCharacters(in: .whitespaces))
        if s.hasPrefix("v") { s = s.dropFirst() }
        func number() -> Int? {
            let digits = s.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return nil }
            s = s.dropFirst(digits.count)
            return Int(digits)
        }
        var release: [Int] = []
        guard let first = number() else { return nil }
        release.append(first)
        while s.first == ".", s.dropFirst().first?.isNumber == true {
            s = s.dropFirst()
            release.append(number()!)
        }
        while release.count > 1 && release.last == 0 { release.removeLast() }
        release += Array(repeating: 0, count: max(0, 8 - release.count))
        var pre = [3, 0]
        for (tag, rank) in [("rc", 2), ("a", 0), ("b", 1), ("c", 2)] where s.hasPrefix(tag) || s.hasPrefix("." + tag) || s.hasPrefix("-" + tag) {
            s = s.drop { $0 == "." || $0 == "-" }.dropFirst(tag.count)
            pre = [rank, number() ?? 0]
            break
        }
        var post = -1
        if s.hasPrefix(".post") || s.hasPrefix("post") || s.hasPrefix("-post") {
            s = s.drop { $0 == "." || $0 == "-" }.dropFirst(4)
            post = number() ?? 0
        }
        var dev = Int.max
        if s.hasPrefix(".dev") || s.hasPrefix("dev") || s.hasPrefix("-dev") {
            s = s.drop { $0 == "." || $0 == "-" }.dropFirst(3)
            dev = number() ?? 0
            if pre == [3, 0] && post == -1 { pre = [-1, 0] }
        }
        guard s.isEmpty else { return nil }
        return release + pre + [post, dev]
    }

    /// Semantic Versioning 2.0: precedence of `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`.
    static func semverCompare(_ a: String, _ b: String) -> ComparisonResult? {
        func parse(_ s: String) -> ([Int], [String])? {
            let noBuild = s.split(separator: "+", maxSplits: 1, omittingEmptySubsequences: false)[0]
            let parts = noBuild.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            let core = parts[0].split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
            guard core.count == 3, core.allSatisfy({ $0 != nil }) else { return nil }
            let pre = parts.count > 1 ? parts[1].split(separator: ".").map(String.init) : []
            return (core.map { $0! }, pre)
        }
        guard let x = parse(a), let y = parse(b) else { return nil }
        if x.0 != y.0 { return x.0.lexicographicallyPrecedes(y.0) ? .orderedAscending : .orderedDescending }
        if x.1.isEmpty || y.1.isEmpty {
            if x.1.isEmpty && y.1.isEmpty { return .orderedSame }
            return x.1.isEmpty ? .orderedDescending : .orderedAscending
        }
        for (p, q) in zip(x.1, y.1) where p != q {
            switch (Int(p), Int(q)) {
            case (let m?, let n?): return m < n ? .orderedAscending : .orderedDescending
            case (.some, nil): return .orderedAscending
            case (nil, .some): return .orderedDescending
            default: return p < q ? .orderedAscending : .orderedDescending
            }
        }
        return x.1.count == y.1.count ? .orderedSame : (x.1.count < y.1.count ? .orderedAscending : .orderedDescending)
    }

    static func evaluate(_ r: Renderer, _ v: JValue, _ a: Arguments) throws(TemplateError) -> Bool {
        let left = try r.str(v)
        let right = try r.strArg(a, 0, "version", "")
        let opName = try r.strArg(a, 1, "operator", "eq")
        guard let op = ops[opName] else { throw .plugin("Invalid operator type (\(opName))") }
        let strict = try r.boolArg(a, 2, "strict", false)
        let kind = try r.strArg(a, 3, "version_type", strict ? "strict" : "loose")
        let c: ComparisonResult
        switch kind {
        case "strict":
            guard let x = strictKey(left), let y = strictKey(right) else {
                throw .plugin("Version comparison failed: invalid version number '\(strictKey(left) == nil ? left : right)'")
            }
            c = x.lexicographicallyPrecedes(y) ? .orderedAscending : (x == y ? .orderedSame : .orderedDescending)
        case "semver", "semantic":
            guard let s = semverCompare(left, right) else {
                throw .plugin("Version comparison failed: invalid semantic version '\(left)' or '\(right)'")
            }
            c = s
        case "pep440":
            guard let x = pep440Key(left), let y = pep440Key(right) else {
                throw .plugin("Version comparison failed: Invalid version: '\(pep440Key(left) == nil ? left : right)'")
            }
            c = x.lexicographicallyPrecedes(y) ? .orderedAscending : (x == y ? .orderedSame : .orderedDescending)
        case "loose":
            c = try compare(left, right)
        default:
            throw .plugin("Version comparison failed: Invalid version type (\(kind)). Must be one of loose, strict, semver, semantic, pep440")
        }
        switch op {
        case "==": return c == .orderedSame
        case "!=": return c != .orderedSame
        case "<": return c == .orderedAscending
        case "<=": return c != .orderedDescending
        case ">": return c == .orderedDescending
        default: return c != .orderedAscending
        }
    }

    static func register(_ t: inout [String: FilterFunction]) {
        t["version_compare"] = plugin { r, v, a throws(TemplateError) in .value(.bool(try evaluate(r, v, a))) }
    }

    static func registerTests(_ t: inout [String: TestFunction]) {
        t["version"] = plugin { r, v, a throws(TemplateError) in try evaluate(r, v, a) }
        t["version_compare"] = t["version"]
    }
}

/// Math filters: log, pow, root, human_readable, human_to_bytes, product, permutations, combinations.
enum MathFilters {
    static func register(_ t: inout [String: FilterFunction]) {
        t["log"] = plugin { r, v, a throws(TemplateError) in
            let x = try r.concrete(v).numeric?.asDouble ?? 0
            if let b = a.get(0, "base") { return .value(.float(Foundation.log(x) / Foundation.log(try r.concrete(b).numeric?.asDouble ?? M_E))) }
            return .value(.float(Foundation.log(x)))
        }
        t["pow"] = plugin { r, v, a throws(TemplateError) in
            .value(.float(Foundation.pow(try r.concrete(v).numeric?.asDouble ?? 0, try r.concrete(a.get(0, "y") ?? .none).numeric?.asDouble ?? 0)))
        }
        t["root"] = plugin { r, v, a throws(TemplateError) in
            let x = try r.concrete(v).numeric?.asDouble ?? 0
            let b = try a.get(0, "base").map { y throws(TemplateError) in try r.concrete(y).numeric?.asDouble ?? 2 } ?? 2
            return .value(.float(b == 2 ? x.squareRoot() : Foundation.pow(x, 1 / b)))
        }
        t["product"] = plugin { r, v, a throws(TemplateError) in
            var result: [[Value]] = [[]]
            for l in try ([v] + a.positional).map({ x throws(TemplateError) in try r.list(x) }) {
                result = result.flatMap { p in l.map { p + [$0] } }
            }
            return .value(.list(result.map { .tuple($0) }))
        }
        t["permutations"] = plugin { r, v, a throws(TemplateError) in
            let items = try r.list(v)
            let n = try r.intArg(a, 0, "r", items.count)
            func perm(_ pool: [Int], _ k: Int) -> [[Int]] {
                if k == 0 { return [[]] }
                var out: [[Int]] = []
                for (i, x) in pool.enumerated() {
                    var rest = pool
                    rest.remove(at: i)
                    out += perm(rest, k - 1).map { [x] + $0 }
                }
                return out
            }
            return .value(.list(perm(Array(items.indices), n).map { .tuple($0.map { items[$0] }) }))
        }
        t["combinations"] = plugin { r, v, a throws(TemplateError) in
            let items = try r.list(v)
            let n = try r.intArg(a, 0, "r", 0)
            func comb(_ start: Int, _ k: Int) -> [[Int]] {
                if k == 0 { return [[]] }
                guard start < items.count else { return [] }
                var out: [[Int]] = []
                for i in start..<items.count { out += comb(i + 1, k - 1).map { [i] + $0 } }
                return out
            }
            return .value(.list(comb(0, n).map { .tuple($0.map { items[$0] }) }))
        }
        t["human_readable"] = plugin { r, v, a throws(TemplateError) in
            let x = try r.concrete(v).numeric?.asDouble ?? 0
            let isBits = try r.boolArg(a, 0, "isbits", false)
            let units = ["", "K", "M", "G", "T", "P", "E", "Z", "Y"]
            var i = 0, n = x
            while abs(n) >= 1024 && i < units.count - 1 { n /= 1024; i += 1 }
            return .value(.string(String(format: "%.2f %@%@", n, units[i], isBits ? "b" : "B")))
        }
        t["human_to_bytes"] = plugin { r, v, _ throws(TemplateError) in
            let s = try r.str(v).trimmingCharacters(in: .whitespaces)
            let units: [Character: Double] = ["K": 1, "M": 2, "G": 3, "T": 4, "P": 5, "E": 6, "Z": 7, "Y": 8]
            let numPart = s.prefix { $0.isNumber || $0 == "." }
            guard let n = Double(numPart) else { throw .plugin("human_to_bytes() can't interpret following string: \(s)") }
            let rest = s.dropFirst(numPart.count).trimmingCharacters(in: .whitespaces)
            var mult = 1.0
            if let f = rest.uppercased().first, let p = units[f] { mult = Foundation.pow(1024, p) }
            return .value(.int(Int(n * mult)))
        }
    }
}
