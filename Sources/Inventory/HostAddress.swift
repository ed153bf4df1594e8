import Foundation

/// Host names with optional ports and `[a:b(:step)]` ranges, as ansible-core's
/// `parse_address` and `expand_hostname_range` read them.
enum HostAddress {
    struct Failure: Error { var message: String }

    private static let numericRange = #"\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]"#
    private static let hexRange = #"\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]"#
    private static let alnumRange = #"\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]"#
    private static let v6c = "(?:[0-9a-f]{1,4}|\(hexRange))"
    private static let v4c = "(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|\(numericRange))"
    private static let label = #"(?:[\w]|"# + alnumRange + #")(?:[\w_-]|"# + alnumRange + #")*(?<![_-])"#

    static let bracketedHostPort = regex(#"^\[(.+)\]:([0-9]+)$"#)
    static let hostPort = regex(#"^((?:[^:\[\]]|\[[^\]]*\])*):([0-9]+)$"#)
    static let ipv4 = regex("^(?:\(v4c)\\.){3}\(v4c)$", caseInsensitive: true)
    static let ipv6 = regex("^(" + [
        "(?:\(v6c):){7}\(v6c)", "(?:\(v6c):){1,6}:", "(?:\(v6c):)(?::\(v6c)){1,6}",
        "(?:\(v6c):){2}(?::\(v6c)){1,5}", "(?:\(v6c):){3}(?::\(v6c)){1,4}", "(?:\(v6c):){4}(?::\(v6c)){1,3}",
        "(?:\(v6c):){5}(?::\(v6c)){1,2}", "(?:\(v6c):){6}(?::\(v6c))", ":(?::\(v6c)){1,6}", "\(v6c)?::",
        "(?:0:){6}(?:\(v6c)\\.){3}\(v6c)", "::(?:ffff:)?(?:\(v6c)\\.){3}\(v6c)", "(?:0:){5}ffff:(?:\(v6c)\\.){3}\(v6c)",
    ].joined(separator: "|") + ")$", caseInsensitive: true)
    static let hostname = regex("^\(label)(?:\\.\(label))*$", caseInsensitive: true)

    static func regex(_ p: String, caseInsensitive: Bool = false) -> NSRegularExpression {
        try! NSRegularExpression(pattern: p, options: caseInsensitive ? [.caseInsensitive] : [])
    }

    static func groups(_ re: NSRegularExpression, _ s: String) -> [String]? {
        let ns = s as NSString
        guard let m = re.firstMatch(in: s, options: [.anchored], range: NSRange(location: 0, length: ns.length)) else { return nil }
        return (0..<m.numberOfRanges).map { m.range(at: $0).location == NSNotFound ? "" : ns.substring(with: m.range(at: $0)) }
    }

    /// `parse_address`: the host part and the port, or a failure when the text is not a host
    /// name, IPv4 or IPv6 address (ranges allowed only when asked).
    static func parse(_ address: String, allowRanges: Bool) throws(Failure) -> (host: String, port: Int?) {
        var address = address
        var port: Int?
        for re in [bracketedHostPort, hostPort] where address.contains(":") {
            if let g = groups(re, address) {
                address = g[1]
                port = Int(g[2])
            }
        }
        guard isSimpleHostname(address) || [hostname, ipv4, ipv6].contains(where: { groups($0, address) != nil }) else {
            throw Failure(message: "Not a valid network hostname: \(address)")
        }
        if !allowRanges && address.contains("[") {
            throw Failure(message: "Detected range in host but was asked to ignore ranges")
        }
        return (address, port)
    }

    /// A fast check of the common case of the hostname pattern: ASCII labels of letters, digits,
    /// `_` and `-`, separated by dots, each starting with a letter, digit or `_`, not ending in `_`/`-`.
    static func isSimpleHostname(_ s: String) -> Bool {
        var labelStart = true
        var prev: UInt8 = 0
        for b in s.utf8 {
            let word = (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
            if b == 46 {
                if labelStart || prev == 95 || prev == 45 { return false }
                labelStart = true
            } else if labelStart {
                guard word else { return false }
                labelStart = false
            } else if !(word || b == 45) {
                return false
            }
            prev = b
        }
        return !labelStart && prev != 95 && prev != 45
    }

    /// A host pattern from an inventory source: the names it expands to and its port.
    static func expandPattern(_ pattern: String) throws(Failure) -> (names: [String], port: Int?) {
        var host = pattern
        var port: Int?
        if let parsed = try? parse(pattern, allowRanges: true) {
            host = parsed.host
            port = parsed.port
        }
        return (host.contains("[") ? try expandRange(host) : [host], port)
    }

    /// Expands the first `[begin:end(:step)]` of a name, then the rest recursively; numeric
    /// bounds with leading zeros keep their width, letters range over a-zA-Z.
    static func expandRange(_ line: String) throws(Failure) -> [String] {
        guard let open = line.firstIndex(of: "[") else { return [line] }
        let afterOpen = line[line.index(after: open)...]
        guard let close = afterOpen.firstIndex(of: "]") else {
            throw Failure(message: "not enough values to unpack (expected 3, got 2)")
        }
        let head = String(line[..<open]), body = String(afterOpen[..<close])
        let tail = String(afterOpen[afterOpen.index(after: close)...])
        if body.contains("|") || tail.contains("|") || head.contains("|") {
            throw Failure(message: "too many values to unpack (expected 3)")
        }
        let bounds = body.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard bounds.count == 2 || bounds.count == 3 else { throw Failure(message: "host range must be begin:end or begin:end:step") }
        let beg = bounds[0].isEmpty ? "0" : bounds[0]
        let end = bounds[1]
        guard !end.isEmpty else { throw Failure(message: "host range must specify end value") }
        let stepText = bounds.count == 3 ? bounds[2] : "1"
        let width = beg.hasPrefix("0") && beg.count > 1 ? beg.count : 0
        if width > 0 && width != end.count { throw Failure(message: "host range must specify equal-length begin and end formats") }
        let seq = try sequence(beg, end, stepText)
        var out: [String] = []
        for item in seq {
            let filled = width > 0 && item.count < width ? String(repeating: "0", count: width - item.count) + item : item
            let name = head + filled + tail
            if name.contains("[") { out += try expandRange(name) } else { out.append(name) }
        }
        return out
    }

    static let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ").map(String.init)

    private static func sequence(_ beg: String, _ end: String, _ stepText: String) throws(Failure) -> [String] {
        if let b = letters.firstIndex(of: beg), let e = letters.firstIndex(of: end) {
            if b > e { throw Failure(message: "host range must have begin <= end") }
            guard let step = pythonInt(stepText) else { throw Failure(message: "invalid literal for int() with base 10: '\(stepText)'") }
            if step == 0 { throw Failure(message: "slice step cannot be zero") }
            return step > 0 ? Array(stride(from: b, through: e, by: step)).map { letters[$0] } : []
        }
        guard let b = pythonInt(beg) else { throw Failure(message: "invalid literal for int() with base 10: '\(beg)'") }
        guard let e = pythonInt(end) else { throw Failure(message: "invalid literal for int() with base 10: '\(end)'") }
        guard let step = pythonInt(stepText) else { throw Failure(message: "invalid literal for int() with base 10: '\(stepText)'") }
        if step == 0 { throw Failure(message: "range() arg 3 must not be zero") }
        if step > 0 { return b > e ? [] : stride(from: b, through: e, by: step).map { String($0) } }
        return stride(from: b, to: e + 1, by: step).map { String($0) }
    }

    private static func pythonInt(_ s: String) -> Int? { PythonInt.int(.string(s)) }
}
