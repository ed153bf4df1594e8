/// Debian version ordering (`[epoch:]upstream[-revision]`), as `dpkg --compare-versions` and
/// apt's `version_compare` order them: `~` sorts before everything, even the end of a part.
enum DebianVersion {
    /// Negative, zero or positive as `a` is older than, equal to or newer than `b`.
    static func compare(_ a: String, _ b: String) -> Int {
        let (ea, ua, ra) = split(a), (eb, ub, rb) = split(b)
        if ea != eb { return ea < eb ? -1 : 1 }
        let upstream = compareFragment(ua, ub)
        return upstream != 0 ? upstream : compareFragment(ra, rb)
    }

    private static func split(_ v: String) -> (Int, String, String) {
        var rest = Substring(v)
        var epoch = 0
        if let colon = rest.firstIndex(of: ":"), let e = Int(rest[..<colon]) {
            epoch = e
            rest = rest[rest.index(after: colon)...]
        }
        if let dash = rest.lastIndex(of: "-") {
            return (epoch, String(rest[..<dash]), String(rest[rest.index(after: dash)...]))
        }
        return (epoch, String(rest), "")
    }

    private static func order(_ c: UInt8?) -> Int {
        guard let c else { return 0 }
        if c == UInt8(ascii: "~") { return -1 }
        if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c) { return Int(c) }
        return Int(c) + 256
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    private static func compareFragment(_ a: String, _ b: String) -> Int {
        let x = Array(a.utf8), y = Array(b.utf8)
        var i = 0, j = 0
        while i < x.count || j < y.count {
            // The non-digit run, character by character.
            while (i < x.count && !isDigit(x[i])) || (j < y.count && !isDigit(y[j])) {
                let cx = i < x.count && !isDigit(x[i]) ? x[i] : nil
                let cy = j < y.count && !isDigit(y[j]) ? y[j] : nil
                let d = order(cx) - order(cy)
                if d != 0 { return d < 0 ? -1 : 1 }
                if cx != nil { i += 1 }
                if cy != nil { j += 1 }
            }
            // The digit run, as a number (leading zeros do not count).
            while i < x.count && x[i] == UInt8(ascii: "0") { i += 1 }
            while j < y.count && y[j] == UInt8(ascii: "0") { j += 1 }
            var first = 0
            while i < x.count && isDigit(x[i]) && j < y.count && isDigit(y[j]) {
                if first == 0 { first = Int(x[i]) - Int(y[j]) }
                i += 1
                j += 1
            }
            if i < x.count && isDigit(x[i]) { return 1 }
            if j < y.count && isDigit(y[j]) { return -1 }
            if first != 0 { return first < 0 ? -1 : 1 }
        }
        return 0
    }
}
