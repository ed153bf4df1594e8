/// Python's `difflib.unified_diff` over lines, with `SequenceMatcher`'s matching (no junk
/// function, `autojunk` on), so that runner's diffs pick the same hunks as ansible's callback.
enum UnifiedDiff {
    /// One run of the two sequences: `equal`, `replace`, `delete` or `insert` over
    /// `a[i1..<i2]` and `b[j1..<j2]`.
    struct Opcode {
        enum Tag { case equal, replace, delete, insert }
        var tag: Tag
        var i1: Int, i2: Int, j1: Int, j2: Int
    }

    /// The lines of the diff, each ending as its source line does (headers end with `\n`);
    /// empty when `a` and `b` are equal.
    static func lines(_ a: [String], _ b: [String], fromFile: String, toFile: String, context n: Int = 3) -> [String] {
        // Lines compared as Python compares them, code unit by code unit (Swift's String
        // equality would also equate canonically equivalent lines).
        var ids: [[UInt8]: Int] = [:]
        let id = { (line: String) -> Int in
            let key = Array(line.utf8)
            if let known = ids[key] { return known }
            ids[key] = ids.count
            return ids.count - 1
        }
        let aIDs = a.map(id), bIDs = b.map(id)
        var out: [String] = []
        for group in groupedOpcodes(aIDs, bIDs, context: n) {
            if out.isEmpty {
                out.append("--- \(fromFile)\n")
                out.append("+++ \(toFile)\n")
            }
            let first = group[0], last = group[group.count - 1]
            out.append("@@ -\(range(first.i1, last.i2)) +\(range(first.j1, last.j2)) @@\n")
            for op in group {
                if op.tag == .equal {
                    out += a[op.i1..<op.i2].map { " " + $0 }
                    continue
                }
                if op.tag == .replace || op.tag == .delete { out += a[op.i1..<op.i2].map { "-" + $0 } }
                if op.tag == .replace || op.tag == .insert { out += b[op.j1..<op.j2].map { "+" + $0 } }
            }
        }
        return out
    }

    /// `_format_range_unified`: `start,length`, the length left out when it is 1.
    static func range(_ start: Int, _ stop: Int) -> String {
        let length = stop - start
        if length == 1 { return "\(start + 1)" }
        return "\(length == 0 ? start : start + 1),\(length)"
    }

    /// `get_grouped_opcodes(n)`: the changes with up to `n` lines of context, split where more
    /// than `2n` equal lines separate them.
    static func groupedOpcodes(_ a: [Int], _ b: [Int], context n: Int) -> [[Opcode]] {
        var codes = opcodes(a, b)
        if codes.isEmpty { codes = [Opcode(tag: .equal, i1: 0, i2: 1, j1: 0, j2: 1)] }
        if codes[0].tag == .equal {
            let c = codes[0]
            codes[0] = Opcode(tag: .equal, i1: max(c.i1, c.i2 - n), i2: c.i2, j1: max(c.j1, c.j2 - n), j2: c.j2)
        }
        if codes[codes.count - 1].tag == .equal {
            let c = codes[codes.count - 1]
            codes[codes.count - 1] = Opcode(tag: .equal, i1: c.i1, i2: min(c.i2, c.i1 + n), j1: c.j1, j2: min(c.j2, c.j1 + n))
        }
        var groups: [[Opcode]] = []
        var group: [Opcode] = []
        for var c in codes {
            if c.tag == .equal && c.i2 - c.i1 > 2 * n {
                group.append(Opcode(tag: .equal, i1: c.i1, i2: min(c.i2, c.i1 + n), j1: c.j1, j2: min(c.j2, c.j1 + n)))
                groups.append(group)
                group = []
                c.i1 = max(c.i1, c.i2 - n)
                c.j1 = max(c.j1, c.j2 - n)
            }
            group.append(c)
        }
        if !group.isEmpty && !(group.count == 1 && group[0].tag == .equal) { groups.append(group) }
        return groups
    }

    /// `get_opcodes()`: how to turn `a` into `b`, from the matching blocks.
    static func opcodes(_ a: [Int], _ b: [Int]) -> [Opcode] {
        var i = 0, j = 0
        var out: [Opcode] = []
        for (ai, bj, size) in matchingBlocks(a, b) {
            let tag: Opcode.Tag? = i < ai && j < bj ? .replace : i < ai ? .delete : j < bj ? .insert : nil
            if let tag { out.append(Opcode(tag: tag, i1: i, i2: ai, j1: j, j2: bj)) }
            i = ai + size
            j = bj + size
            if size > 0 { out.append(Opcode(tag: .equal, i1: ai, i2: i, j1: bj, j2: j)) }
        }
        return out
    }

    /// `get_matching_blocks()`: longest matches found recursively, sorted, adjacent ones
    /// joined, ending with the `(len(a), len(b), 0)` sentinel.
    static func matchingBlocks(_ a: [Int], _ b: [Int]) -> [(Int, Int, Int)] {
        // b2j: where each line of b occurs; with 200 lines or more, a line occurring in more
        // than 1% of them (plus one) is "popular" and not used to start a match.
        var b2j: [Int: [Int]] = [:]
        for (index, line) in b.enumerated() { b2j[line, default: []].append(index) }
        if b.count >= 200 {
            let limit = b.count / 100 + 1
            for (line, indices) in b2j where indices.count > limit { b2j[line] = nil }
        }
        var blocks: [(Int, Int, Int)] = []
        var queue = [(0, a.count, 0, b.count)]
        while let (alo, ahi, blo, bhi) = queue.popLast() {
            let (i, j, k) = longestMatch(a, b, b2j, alo, ahi, blo, bhi)
            guard k > 0 else { continue }
            blocks.append((i, j, k))
            if alo < i && blo < j { queue.append((alo, i, blo, j)) }
            if i + k < ahi && j + k < bhi { queue.append((i + k, ahi, j + k, bhi)) }
        }
        blocks.sort { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
        var joined: [(Int, Int, Int)] = []
        var (i1, j1, k1) = (0, 0, 0)
        for (i2, j2, k2) in blocks {
            if i1 + k1 == i2 && j1 + k1 == j2 {
                k1 += k2
            } else {
                if k1 > 0 { joined.append((i1, j1, k1)) }
                (i1, j1, k1) = (i2, j2, k2)
            }
        }
        if k1 > 0 { joined.append((i1, j1, k1)) }
        joined.append((a.count, b.count, 0))
        return joined
    }

    /// `find_longest_match(alo, ahi, blo, bhi)`: the longest block of `a[alo..<ahi]` equal to
    /// one of `b[blo..<bhi]`, earliest in `a` and then in `b`, then widened over equal
    /// neighbours (popular lines included, as Python does).
    static func longestMatch(_ a: [Int], _ b: [Int], _ b2j: [Int: [Int]],
                             _ alo: Int, _ ahi: Int, _ blo: Int, _ bhi: Int) -> (Int, Int, Int) {
        var (besti, bestj, bestsize) = (alo, blo, 0)
        var j2len: [Int: Int] = [:]
        for i in alo..<ahi {
            var next: [Int: Int] = [:]
            for j in b2j[a[i]] ?? [] {
                if j < blo { continue }
                if j >= bhi { break }
                let k = (j2len[j - 1] ?? 0) + 1
                next[j] = k
                if k > bestsize { (besti, bestj, bestsize) = (i - k + 1, j - k + 1, k) }
            }
            j2len = next
        }
        while besti > alo && bestj > blo && a[besti - 1] == b[bestj - 1] {
            (besti, bestj, bestsize) = (besti - 1, bestj - 1, bestsize + 1)
        }
        while besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] == b[bestj + bestsize] {
            bestsize += 1
        }
        return (besti, bestj, bestsize)
    }
}
