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

    static func evaluate(_ r: Renderer, _ v: JValue, _ a: Arguments) throws(TemplateError) -> Bool {
        let left = try r.str(v)
        let right = try r.strArg(a, 0, "version", "")
        let opName = try r.strArg(a, 1, "operator", "eq")
        guard let op = ops[opName] else { throw .plugin("Invalid operator type (\(opName))") }
        let c = try compare(left, right)
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
