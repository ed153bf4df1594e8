import Core

extension Inventory {
    /// Variables ansible-inventory never shows and the playbook layer sets itself (`C.INTERNAL_STATIC_VARS`).
    public static let internalVariables: Set<String> = [
        "ansible_async_path", "ansible_collection_name", "ansible_config_file", "ansible_dependent_role_names",
        "ansible_diff_mode", "ansible_facts", "ansible_forks", "ansible_inventory_sources", "ansible_limit",
        "ansible_play_batch", "ansible_play_hosts", "ansible_play_hosts_all", "ansible_play_role_names",
        "ansible_playbook_python", "ansible_role_name", "ansible_role_names", "ansible_run_tags", "ansible_skip_tags",
        "ansible_verbosity", "ansible_version", "inventory_dir", "inventory_file", "inventory_hostname",
        "inventory_hostname_short", "groups", "group_names", "hostvars", "playbook_dir", "play_hosts", "role_name",
        "role_names", "role_path", "role_uuid",
    ]

    var merge: Bool { settings.hashBehaviourMerge }

    /// group_vars/host_vars of some entities from every inventory-side directory: sources outer,
    /// entities inner, as ansible-core's vars plugin loop runs.
    func inventorySideVars(_ subdir: String, _ names: [String]) throws(Diagnostic) -> PyDict {
        var data = PyDict()
        for dir in inventoryVarsDirectories {
            for name in names {
                data = VariableMerge.combine(data, try varsFiles.variables(basedir: dir, subdir: subdir, name: name, merge: merge), merge: merge)
            }
        }
        return data
    }

    func playbookSideVars(_ subdir: String, _ names: [String]) throws(Diagnostic) -> PyDict {
        guard let dir = playbookVarsDirectory else { return PyDict() }
        var data = PyDict()
        for name in names {
            data = VariableMerge.combine(data, try varsFiles.variables(basedir: dir, subdir: subdir, name: name, merge: merge), merge: merge)
        }
        return data
    }

    /// A host's groups other than `all` in merge order: by depth, then `ansible_group_priority`, then name.
    public func sortedGroupIDs(ofHost host: InventoryHost) -> [Int] {
        host.groupIDs.filter { $0 != allGroupID }.sorted { a, b in
            let ga = groups[a], gb = groups[b]
            if ga.depth != gb.depth { return ga.depth < gb.depth }
            if ga.priority != gb.priority { return ga.priority < gb.priority }
            return PythonText.less(ga.name, gb.name)
        }
    }

    /// A host's inventory variables merged in ansible-core's order: `all`, the host's groups
    /// (depth, priority, name), group_vars files (inventory side, then playbook side), the host's
    /// own vars, then host_vars files. Includes `inventory_file`/`inventory_dir`; no magic vars.
    public func hostVariables(_ name: String, playbookSide: Bool = true) throws(Diagnostic) -> PyDict {
        guard let host = host(named: name) else {
            throw Diagnostic(.error, kind: .options, "You must pass a single valid host to --host parameter")
        }
        let groupNames = sortedGroupIDs(ofHost: host).map { groups[$0].name }
        var v = groups[allGroupID].vars
        for gid in sortedGroupIDs(ofHost: host) { v = VariableMerge.combine(v, groups[gid].vars, merge: merge) }
        v = VariableMerge.combine(v, try inventorySideVars("group_vars", ["all"]), merge: merge)
        if playbookSide { v = VariableMerge.combine(v, try playbookSideVars("group_vars", ["all"]), merge: merge) }
        v = VariableMerge.combine(v, try inventorySideVars("group_vars", groupNames), merge: merge)
        if playbookSide { v = VariableMerge.combine(v, try playbookSideVars("group_vars", groupNames), merge: merge) }
        v = VariableMerge.combine(v, host.vars, merge: merge)
        v = VariableMerge.combine(v, try inventorySideVars("host_vars", [host.name]), merge: merge)
        if playbookSide { v = VariableMerge.combine(v, try playbookSideVars("host_vars", [host.name]), merge: merge) }
        return v
    }

    /// A group's own variables plus its group_vars files, as `ansible-inventory --graph --vars`
    /// shows them (`ansible_group_priority` included when not 1).
    public func groupVariables(_ name: String, playbookSide: Bool) throws(Diagnostic) -> PyDict {
        guard let gid = groupIndex[name] else { return PyDict() }
        var v = VariableMerge.combine(groups[gid].vars, try inventorySideVars("group_vars", [name]), merge: merge)
        if playbookSide { v = VariableMerge.combine(v, try playbookSideVars("group_vars", [name]), merge: merge) }
        if groups[gid].priority != 1 { v["ansible_group_priority"] = .int(groups[gid].priority) }
        return Self.withoutInternal(v)
    }

    /// A host's variables without group vars (`--export`): own vars plus host_vars files.
    public func hostOwnVariables(_ name: String, playbookSide: Bool) throws(Diagnostic) -> PyDict {
        guard let host = host(named: name) else { return PyDict() }
        var v = host.vars
        v = VariableMerge.combine(v, try inventorySideVars("host_vars", [host.name]), merge: merge)
        if playbookSide { v = VariableMerge.combine(v, try playbookSideVars("host_vars", [host.name]), merge: merge) }
        return Self.withoutInternal(v)
    }

    static func withoutInternal(_ d: PyDict) -> PyDict {
        var out = d
        for k in d.keys where k.stringValue.map(internalVariables.contains) == true { out[k] = nil }
        return out
    }
}
