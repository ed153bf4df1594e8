import Core

/// What `ansible-inventory` prints: `--list` (JSON or YAML), `--host`, `--graph [--vars]`.
public struct InventoryReport {
    public let inventory: Inventory
    /// `--playbook-dir` was given: group displays include playbook-side group_vars.
    public var playbookDirGiven = false
    /// `--export`: group vars under groups, host vars without group vars.
    public var export = false

    public init(inventory: Inventory, playbookDirGiven: Bool = false, export: Bool = false) {
        self.inventory = inventory
        self.playbookDirGiven = playbookDirGiven
        self.export = export
    }

    /// Host variables as `--host`/`--list` show them (internal variables removed).
    public func hostVariables(_ name: String) throws(Diagnostic) -> PyDict {
        if export { return try inventory.hostOwnVariables(name, playbookSide: playbookDirGiven) }
        return Inventory.withoutInternal(try inventory.hostVariables(name))
    }

    /// The `--list` document: every group reachable from `all` with its hosts and children,
    /// empty ones left out, and `_meta.hostvars` for hosts with variables.
    public func listDocument(limit: [String]? = nil) throws(Diagnostic) -> (value: Value, warnings: [Diagnostic]) {
        let match = try inventory.hosts(matching: "all", limit: limit)
        let available = Set(match.hosts)
        var doc = PyDict()
        var seen = Set<Int>()
        try formatGroup(inventory.allGroupID, available, &doc, &seen)
        var hostvars = PyDict()
        for h in match.hosts {
            let v = try hostVariables(h)
            if !v.isEmpty { hostvars[.string(h)] = .dict(v) }
        }
        doc["_meta"] = .dict(PyDict([(.string("hostvars"), .dict(hostvars)), (.string("profile"), .string("inventory_legacy"))]))
        return (.dict(doc), match.warnings)
    }

    private func formatGroup(_ gid: Int, _ available: Set<String>, _ doc: inout PyDict, _ seen: inout Set<Int>) throws(Diagnostic) {
        let g = inventory.groups[gid]
        var entry = PyDict()
        if g.name != "all" {
            let hs = g.hostIDs.map { inventory.hosts[$0].name }.filter(available.contains)
            if !hs.isEmpty { entry["hosts"] = .list(hs.map(Value.string)) }
        }
        doc[.string(g.name)] = .dict(PyDict())
        var children: [Value] = []
        for c in g.childIDs {
            children.append(.string(inventory.groups[c].name))
            if seen.insert(c).inserted { try formatGroup(c, available, &doc, &seen) }
        }
        if !children.isEmpty { entry["children"] = .list(children) }
        if export {
            let vars = try inventory.groupVariables(g.name, playbookSide: playbookDirGiven)
            if !vars.isEmpty { entry["vars"] = .dict(vars) }
        }
        doc[.string(g.name)] = entry.isEmpty ? nil : .dict(entry)
    }

    /// JSON text of the `--list` document, as ansible-inventory prints it.
    public static func json(_ doc: Value) -> String {
        PythonJSON.encode(doc, trustedAt: listTrust)
    }

    /// The legacy inventory encoder marks untrusted strings only under `_meta.hostvars.HOST`
    /// and under a group's `vars`.
    public static func listTrust(_ path: [String]) -> Bool {
        (path.count >= 4 && path[0] == "_meta" && path[1] == "hostvars") || (path.count >= 3 && path[1] == "vars")
    }

    /// The `--graph` lines from a group (default `all`), with `--vars` when asked.
    public func graph(from group: String = "all", showVars: Bool = false) throws(Diagnostic) -> [String] {
        guard let gid = inventory.groupID(named: group) else {
            throw Diagnostic(.error, kind: .options, "Pattern must be valid group name when using --graph")
        }
        var lines: [String] = []
        try graphGroup(gid, depth: 0, showVars: showVars, into: &lines)
        return lines
    }

    private static func name(_ text: String, _ depth: Int) -> String {
        depth == 0 ? text : String(repeating: "  |", count: depth) + "--" + text
    }

    private func varLines(_ vars: PyDict, _ depth: Int) -> [String] {
        vars.items.map { (PyDictKey.text($0.key), $0.value) }
            .sorted { PythonText.less($0.0, $1.0) }
            .map { Self.name("{\($0.0) = \($0.1.pythonString)}", depth) }
    }

    private func graphGroup(_ gid: Int, depth: Int, showVars: Bool, into lines: inout [String]) throws(Diagnostic) {
        let g = inventory.groups[gid]
        lines.append(Self.name("@\(g.name):", depth))
        for c in g.childIDs { try graphGroup(c, depth: depth + 1, showVars: showVars, into: &lines) }
        if g.name != "all" {
            for h in g.hostIDs {
                let hn = inventory.hosts[h].name
                lines.append(Self.name(hn, depth + 1))
                if showVars { lines += varLines(try hostVariables(hn), depth + 2) }
            }
        }
        if showVars { lines += varLines(try inventory.groupVariables(g.name, playbookSide: playbookDirGiven), depth + 1) }
    }
}

/// Dict keys as text (`str(key)`).
enum PyDictKey {
    static func text(_ k: Value) -> String { k.pythonString }
}

extension InventoryReport {
    /// The `--list --yaml` document: groups nested under `all` as `children`, each host with its
    /// variables the first time it appears and `{}` after that.
    public func yamlDocument(limit: [String]? = nil) throws(Diagnostic) -> (value: Value, warnings: [Diagnostic]) {
        let match = try inventory.hosts(matching: "all", limit: limit)
        var state = (hosts: Set<String>(), groups: Set<Int>())
        let doc = try yamlGroup(inventory.allGroupID, Set(match.hosts), &state)
        return (.dict(doc), match.warnings)
    }

    private func yamlGroup(_ gid: Int, _ available: Set<String>, _ state: inout (hosts: Set<String>, groups: Set<Int>)) throws(Diagnostic) -> PyDict {
        let g = inventory.groups[gid]
        var entry = PyDict()
        var children = PyDict()
        for c in g.childIDs where inventory.groups[c].name != "all" {
            if state.groups.contains(c) {
                children[.string(inventory.groups[c].name)] = .dict(PyDict())
            } else {
                children.merge(try yamlGroup(c, available, &state))
                state.groups.insert(c)
            }
        }
        if !children.isEmpty { entry["children"] = .dict(children) }
        var hosts = PyDict()
        if g.name != "all" {
            for h in g.hostIDs {
                let name = inventory.hosts[h].name
                guard available.contains(name) else { continue }
                var vars = PyDict()
                if state.hosts.insert(name).inserted { vars = try hostVariables(name) }
                hosts[.string(name)] = .dict(vars)
            }
        }
        if !hosts.isEmpty { entry["hosts"] = .dict(hosts) }
        if export {
            let vars = try inventory.groupVariables(g.name, playbookSide: playbookDirGiven)
            if !vars.isEmpty { entry["vars"] = .dict(vars) }
        }
        return entry.isEmpty ? PyDict() : PyDict([(.string(g.name), .dict(entry))])
    }
}
