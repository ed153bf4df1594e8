import Core

/// The loaded inventory: hosts and groups with their relations and inventory-source variables,
/// kept as ansible-core's `InventoryData` keeps them (insertion order, `all` and `ungrouped`
/// always present, depth and priority per group).
///
/// Load one with `InventoryLoader.load(_:)`; ask it for a host's merged variables with
/// `hostVariables(_:)` and for the hosts of a pattern with `hosts(matching:limit:)`.
public struct Inventory: Sendable {
    /// Names that make an implicit localhost when no inventory host has them (ansible-core's `C.LOCALHOST`).
    public static let localhostNames: Set<String> = ["127.0.0.1", "localhost", "::1"]

    public internal(set) var groups: [InventoryGroup] = []
    public internal(set) var hosts: [InventoryHost] = []
    var groupIndex: [String: Int] = [:]
    var hostIndex: [String: Int] = [:]
    /// The first localhost-like host the sources defined; localhost names resolve to it.
    var localhostID: Int?
    /// The inventory sources as given (`-i`), after path normalisation.
    public internal(set) var sources: [String] = []
    /// Warnings found while loading (unparsable sources, skipped keys, name conflicts...).
    public internal(set) var warnings: [Diagnostic] = []
    /// The source being parsed, recorded on new hosts as `inventory_file` (and its directory as `inventory_dir`).
    var currentSource: String? {
        didSet { currentSourceDirectory = currentSource.flatMap(InventoryPaths.baseDirectory(of:)) }
    }
    private var currentSourceDirectory: String?
    /// group_vars / host_vars files beside the sources and the playbook.
    var varsFiles = VarsFiles()
    /// Real paths of the directories whose group_vars/ and host_vars/ belong to the sources (one per file source).
    public internal(set) var inventoryVarsDirectories: [String] = []
    /// The real path of the playbook-side directory for group_vars/ and host_vars/.
    public internal(set) var playbookVarsDirectory: String?
    public internal(set) var settings = InventorySettings()

    init(settings: InventorySettings = InventorySettings()) {
        self.settings = settings
        _ = addGroup("all")
        _ = addGroup("ungrouped")
        try? addChild("all", "ungrouped")
    }

    public var allGroupID: Int { groupIndex["all"]! }
    public var ungroupedGroupID: Int { groupIndex["ungrouped"]! }

    public func group(named name: String) -> InventoryGroup? { groupIndex[name].map { groups[$0] } }
    public func groupID(named name: String) -> Int? { groupIndex[name] }
    public func hostID(named name: String) -> Int? { hostIndex[name] }

    /// A host by name; a localhost name not in the inventory gives the implicit localhost,
    /// as ansible-core's `get_host` creates it on demand.
    public func host(named name: String) -> InventoryHost? {
        if let i = hostIndex[name] { return hosts[i] }
        if Self.localhostNames.contains(name) { return localhostID.map { hosts[$0] } ?? implicitLocalhost(named: name) }
        return nil
    }

    /// The implicit localhost: `ansible_connection=local` and the controller's Python, in no group.
    func implicitLocalhost(named name: String) -> InventoryHost {
        var h = InventoryHost(name: name)
        h.implicit = true
        h.vars["ansible_python_interpreter"] = .unsafe(settings.localhostPython)
        h.vars["ansible_connection"] = .unsafe("local")
        return h
    }

    // MARK: building

    /// Adds a group unless present; returns its index.
    @discardableResult
    mutating func addGroup(_ name: String) -> Int {
        if let i = groupIndex[name] { return i }
        groups.append(InventoryGroup(name: name))
        groupIndex[name] = groups.count - 1
        return groups.count - 1
    }

    /// Adds a host unless present (a port only counts for a new host), optionally into a group.
    @discardableResult
    mutating func addHost(_ name: String, group: String? = nil, port: Int? = nil) throws(Diagnostic) -> Int {
        guard !name.isEmpty else { throw .error("Invalid empty host name provided: \(name)") }
        var gid: Int?
        if let group {
            guard let g = groupIndex[group] else { throw .error("Could not find group \(group) in inventory") }
            gid = g
        }
        let hid: Int
        if let existing = hostIndex[name] {
            hid = existing
        } else {
            var h = InventoryHost(name: name)
            if let port { h.vars["ansible_port"] = .int(port) }
            if let src = currentSource {
                h.vars["inventory_file"] = .string(src)
                h.vars["inventory_dir"] = currentSourceDirectory.map(Value.string) ?? Value.none
            } else {
                h.vars["inventory_file"] = Value.none
                h.vars["inventory_dir"] = Value.none
            }
            hosts.append(h)
            hid = hosts.count - 1
            hostIndex[name] = hid
            if Self.localhostNames.contains(name) {
                if let first = localhostID {
                    warnings.append(.warning("A duplicate localhost-like entry was found (\(name)). First found localhost was \(hosts[first].name)"))
                } else {
                    localhostID = hid
                }
            }
        }
        if let gid { addHostToGroup(hid, gid) }
        return hid
    }

    mutating func addHostToGroup(_ hid: Int, _ gid: Int) {
        guard !groups[gid].hostSet.contains(hid) else { return }
        groups[gid].hostIDs.append(hid)
        groups[gid].hostSet.insert(hid)
        for a in ancestors(of: gid) where !hosts[hid].groupSet.contains(a) { appendGroup(a, toHost: hid) }
        if !hosts[hid].groupSet.contains(gid) { appendGroup(gid, toHost: hid) }
    }

    private mutating func appendGroup(_ gid: Int, toHost hid: Int) {
        hosts[hid].groupIDs.append(gid)
        hosts[hid].groupSet.insert(gid)
    }

    /// Makes `child` (a group, else a host) a member of `group`.
    mutating func addChild(_ group: String, _ child: String) throws(Diagnostic) {
        guard let gid = groupIndex[group] else { throw .error("\(group) is not a known group") }
        if let cid = groupIndex[child] {
            try addChildGroup(gid, cid)
        } else if let hid = hostIndex[child] {
            addHostToGroup(hid, gid)
        } else {
            throw .error("\(child) is not a known host nor group")
        }
    }

    /// Links a child group, refusing cycles and updating depths and the hosts' ancestor lists.
    mutating func addChildGroup(_ gid: Int, _ cid: Int) throws(Diagnostic) {
        if gid == cid { throw .error("can't add group to itself") }
        guard !groups[gid].childIDs.contains(cid) else { return }
        let startAncestors = Set(ancestors(of: cid))
        var newAncestors = ancestors(of: gid)
        if newAncestors.contains(cid) {
            throw .error("Adding group '\(groups[cid].name)' as child to '\(groups[gid].name)' creates a recursive dependency loop.")
        }
        newAncestors.append(gid)
        newAncestors.removeAll { startAncestors.contains($0) }
        newAncestors.sort()
        groups[gid].childIDs.append(cid)
        groups[cid].depth = max(groups[gid].depth + 1, groups[cid].depth)
        try checkChildrenDepth(cid)
        if !groups[cid].parentIDs.contains(gid) {
            groups[cid].parentIDs.append(gid)
            for hid in hostIDs(ofGroup: cid) {
                for a in newAncestors where !hosts[hid].groupSet.contains(a) { appendGroup(a, toHost: hid) }
            }
        }
    }

    private mutating func checkChildrenDepth(_ gid: Int) throws(Diagnostic) {
        var depth = groups[gid].depth
        let start = depth
        var seen = Set<Int>()
        var unprocessed = Set(groups[gid].childIDs)
        while !unprocessed.isEmpty {
            seen.formUnion(unprocessed)
            depth += 1
            var next = Set<Int>()
            for g in unprocessed where groups[g].depth < depth {
                groups[g].depth = depth
                next.formUnion(groups[g].childIDs)
            }
            unprocessed = next
            if depth - start > seen.count {
                throw .error("The group named '\(groups[gid].name)' has a recursive dependency loop.")
            }
        }
    }

    /// Sets a variable on a group or host; a dict merges into an existing dict (combine_vars),
    /// and `ansible_group_priority` sets a group's priority instead of a variable.
    mutating func setVariable(_ entity: String, _ key: String, _ value: Value) throws(Diagnostic) {
        if let gid = groupIndex[entity] {
            if key == "ansible_group_priority" {
                setPriority(gid, value)
                return
            }
            groups[gid].vars = VariableMerge.setting(groups[gid].vars, key, value, merge: settings.hashBehaviourMerge)
        } else if let hid = hostIndex[entity] {
            hosts[hid].vars = VariableMerge.setting(hosts[hid].vars, key, value, merge: settings.hashBehaviourMerge)
        } else {
            throw .error("Could not identify group or host named \(entity)")
        }
    }

    private mutating func setPriority(_ gid: Int, _ value: Value) {
        if let p = PythonInt.int(value) {
            groups[gid].priority = p
        } else {
            warnings.append(.warning("Invalid priority value '\(value.pythonString)' for group '\(groups[gid].name)'.Setting priority to default value."))
        }
    }

    // MARK: queries

    /// All ancestors of a group, nearest first (breadth-first over parents).
    public func ancestors(of gid: Int) -> [Int] {
        Array(Set(walk(from: gid, next: \.parentIDs, includeSelf: false))).sorted()
    }

    /// The group, its children, then deeper descendants level by level, as ansible-core walks them.
    public func descendants(of gid: Int, includeSelf: Bool = true) -> [Int] {
        walk(from: gid, next: \.childIDs, includeSelf: includeSelf)
    }

    /// ansible-core's `_walk_relationship`: the start (optionally), its direct relations in
    /// order, then each further level; a level is a Python set, iterated here in creation order.
    private func walk(from gid: Int, next: KeyPath<InventoryGroup, [Int]>, includeSelf: Bool) -> [Int] {
        var ordered: [Int] = includeSelf ? [gid] : []
        ordered += groups[gid][keyPath: next]
        var seen = Set<Int>()
        var unprocessed = Set(groups[gid][keyPath: next])
        if includeSelf { unprocessed.insert(gid) }
        while !unprocessed.isEmpty {
            seen.formUnion(unprocessed)
            var fresh = Set<Int>()
            for g in unprocessed.sorted() {
                for n in groups[g][keyPath: next] {
                    fresh.insert(n)
                    if !seen.contains(n) { ordered.append(n) }
                }
            }
            unprocessed = fresh.subtracting(seen)
        }
        if !includeSelf { return ordered.filter { $0 != gid } }
        return ordered
    }

    /// The hosts of a group and of all its descendants, deduplicated, in ansible-core's order;
    /// `all` leaves out the implicit localhost.
    public func hostIDs(ofGroup gid: Int) -> [Int] {
        var out: [Int] = []
        var seen = Set<Int>()
        for g in descendants(of: gid) {
            for h in groups[g].hostIDs where seen.insert(h).inserted { out.append(h) }
        }
        return out
    }

    /// Host names of a group including its descendants (`groups['web']` in templates).
    public func hostNames(ofGroup name: String) -> [String] {
        guard let gid = groupIndex[name] else { return [] }
        return hostIDs(ofGroup: gid).map { hosts[$0].name }
    }

    /// The `groups` magic variable: every group's hosts, in group insertion order.
    public var groupsDictionary: PyDict {
        var d = PyDict()
        for (i, g) in groups.enumerated() {
            d[.string(g.name)] = .list(hostIDs(ofGroup: i).map { .string(hosts[$0].name) })
        }
        return d
    }

    /// Group names of a host other than `all`, sorted (the `group_names` magic variable).
    public func groupNames(ofHost name: String) -> [String] {
        guard let hid = hostIndex[name] else { return [] }
        return hosts[hid].groupIDs.map { groups[$0].name }.filter { $0 != "all" }.sorted()
    }
}

extension Inventory {
    /// Adds a group as `InventoryData.add_group` does, warning (but keeping the name) when it
    /// has characters invalid in a variable name, as with TRANSFORM_INVALID_GROUP_CHARS=never.
    @discardableResult
    mutating func addGroupWarning(_ name: String) -> Int {
        if groupIndex[name] == nil && GroupName.hasInvalidCharacters(name) {
            warnings.append(.warning("Invalid characters were found in group names but not replaced, use -vvvv to see details"))
        }
        return addGroup(name)
    }
}
