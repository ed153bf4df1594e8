import Core
import Foundation

extension Inventory {
    /// The hosts a pattern selects, with the warnings it produced.
    public struct PatternMatch: Sendable {
        /// Host names in ansible-core's order (inventory order of the matched groups and hosts).
        public var hosts: [String]
        public var warnings: [Diagnostic]
    }

    /// Reads `--limit` values: the last one counts (ansible-playbook's `--limit` is not
    /// cumulative); its terms are split like a pattern and `@file` terms read one pattern a line.
    public static func limitTerms(_ limits: [String], workingDirectory: String? = nil) throws(Diagnostic) -> [String]? {
        guard let last = limits.last else { return nil }
        var out: [String] = []
        for term in HostPattern.split(last) {
            guard term.hasPrefix("@") else { out.append(term); continue }
            var path = String(term.dropFirst())
            if !path.hasPrefix("/"), let cwd = workingDirectory { path = cwd + "/" + path }
            // ansible-core names the file as the bytes it tried: b'name'.
            let shown = Value.bytes(Array(term.dropFirst().utf8)).pythonRepr
            guard InventoryPaths.exists(path) else { throw .error("Unable to find limit file \(shown)") }
            guard !InventoryPaths.isDirectory(path) else { throw .error("Limit starting with \"@\" must be a file, not a directory: \(shown)") }
            guard let data = FileManager.default.contents(atPath: path) else { throw .error("Unable to read limit file \(shown)") }
            guard let text = String(data: data, encoding: .utf8) else {
                // ansible-playbook crashes on this (a UnicodeDecodeError, exit 250).
                throw .error("Limit file \(shown) is not UTF-8 text: it must list one host pattern a line")
            }
            out += text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        return out
    }

    /// `InventoryManager.get_hosts`: the hosts of a pattern (terms joined by `,` or `:`),
    /// intersected with the `--limit` terms when given (see `limitTerms`).
    public func hosts(matching pattern: String, limit: [String]? = nil) throws(Diagnostic) -> PatternMatch {
        var implicit: String?
        return try hosts(matching: pattern, limit: limit, implicitLocalhost: &implicit)
    }

    /// As `hosts(matching:limit:)`, with the implicit localhost's name carried between calls
    /// (ansible-core creates it once, named by the first localhost name asked for).
    func hosts(matching pattern: String, limit: [String]?, implicitLocalhost: inout String?) throws(Diagnostic) -> PatternMatch {
        var resolver = PatternResolver(inventory: self)
        resolver.implicitName = implicitLocalhost
        defer { implicitLocalhost = resolver.implicitName }
        var hosts = try resolver.evaluate(HostPattern.split(pattern))
        if let limit {
            let allowed = Set(try resolver.evaluate(limit))
            hosts = hosts.filter(allowed.contains)
        }
        var seen = Set<String>()
        return PatternMatch(hosts: hosts.filter { seen.insert($0).inserted }, warnings: resolver.warnings)
    }
}

/// One pattern evaluation, with its cache of resolved terms and the implicit localhost's name.
struct PatternResolver {
    let inventory: Inventory
    var cache: [String: [String]] = [:]
    var warnings: [Diagnostic] = []
    /// The implicit localhost is one host: the first localhost name asked for names it.
    var implicitName: String?

    init(inventory: Inventory) { self.inventory = inventory }

    mutating func evaluate(_ terms: [String]) throws(Diagnostic) -> [String] {
        var hosts: [String] = []
        for p in HostPattern.ordered(terms) {
            if inventory.hostIndex[p] != nil {
                hosts.append(p)
                continue
            }
            let that = try matchOne(p)
            if p.hasPrefix("!") {
                let s = Set(that)
                hosts.removeAll { s.contains($0) }
            } else if p.hasPrefix("&") {
                let s = Set(that)
                hosts.removeAll { !s.contains($0) }
            } else {
                let existing = Set(hosts)
                hosts += that.filter { !existing.contains($0) }
            }
        }
        return hosts
    }

    mutating func matchOne(_ raw: String) throws(Diagnostic) -> [String] {
        let pattern = raw.hasPrefix("&") || raw.hasPrefix("!") ? String(raw.dropFirst()) : raw
        if let hit = cache[pattern] { return hit }
        let (expr, sub, dashWarning) = HostPattern.splitSubscript(pattern)
        if dashWarning { warnings.append(.warning("Use [x:y] inclusive subscripts instead of [x-y] which has been removed")) }
        let found = try enumerate(expr)
        guard let hosts = HostPattern.apply(found, sub) else {
            throw Diagnostic(.error, kind: .general, "No hosts matched the subscripted pattern '\(pattern)'")
        }
        cache[pattern] = hosts
        return hosts
    }

    mutating func enumerate(_ pattern: String) throws(Diagnostic) -> [String] {
        let re = try HostPattern.matcher(pattern)
        var results: [String] = []
        var matchedGroups = false
        for (gid, g) in inventory.groups.enumerated() where HostPattern.matches(re, g.name) {
            matchedGroups = true
            for h in inventory.hostIDs(ofGroup: gid) where !(gid == inventory.allGroupID && inventory.hosts[h].implicit) {
                results.append(inventory.hosts[h].name)
            }
        }
        if !matchedGroups || pattern.hasPrefix("~") || pattern.contains(where: { ".?*[".contains($0) }) {
            for h in inventory.hosts where HostPattern.matches(re, h.name) { results.append(h.name) }
        }
        if results.isEmpty && Inventory.localhostNames.contains(pattern) {
            if let explicit = inventory.localhostID { implicitName = inventory.hosts[explicit].name }
            if implicitName == nil { implicitName = pattern }
            results.append(implicitName!)
        }
        if results.isEmpty && !matchedGroups && pattern != "all" {
            let msg = "Could not match supplied host pattern, ignoring: \(pattern)"
            switch inventory.settings.hostPatternMismatch {
            case .warning: warnings.append(.warning(msg))
            case .error: throw Diagnostic(.error, kind: .general, msg)
            case .ignore: break
            }
        }
        return results
    }
}

extension Inventory {
    /// ansible-playbook's check before any play runs: when the inventory has hosts, a `--limit`
    /// that leaves none of `all` is an error; an empty inventory only warns.
    public func checkLimit(_ limit: [String]?) throws(Diagnostic) -> [Diagnostic] {
        let everything = try hosts(matching: "all")
        // A --limit regex that does not compile is an error even with no inventory (exit 1).
        for term in limit ?? [] {
            let pattern = term.hasPrefix("&") || term.hasPrefix("!") ? String(term.dropFirst()) : term
            if pattern.hasPrefix("~") { _ = try HostPattern.matcher(pattern) }
        }
        if everything.hosts.isEmpty {
            return [.warning("provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'")]
        }
        let limited = try hosts(matching: "all", limit: limit)
        if limited.hosts.isEmpty {
            throw Diagnostic(.error, kind: .general, "Specified inventory, host pattern and/or --limit leaves us with no hosts to target.",
                             hint: "Check the --limit value against the inventory's host and group names.")
        }
        return limited.warnings
    }
}
