import Core

/// Changes a run makes to the inventory: `add_host` and `group_by`, as ansible-core's
/// strategy applies them to its in-memory inventory (they last until the run ends).
extension Inventory {
    /// `add_host`: the host (created when new, in `all`, with `ansible_port` from `name:port`)
    /// joins each group (created when new, under `all`) and takes the variables; a new host in
    /// no group is `ungrouped`, as after ansible's inventory reconciliation.
    public mutating func addRuntimeHost(_ name: String, port: Int?, groups: [String], vars: PyDict) throws(Diagnostic) {
        let known = hostIndex[name] != nil
        let hid = try addHost(name, group: nil, port: known ? nil : port)
        if !known { addHostToGroup(hid, allGroupID) }
        for group in groups where !group.isEmpty {
            addHostToGroup(hid, try topLevelGroup(group))
        }
        if !known && groups.isEmpty { addHostToGroup(hid, try topLevelGroup("ungrouped")) }
        for (k, v) in vars.items { try setVariable(name, k.pythonString, v) }
    }

    /// `group_by`: the host joins the group (created when new), which becomes a child of each
    /// parent group (created when new, under `all`).
    public mutating func addHostToRuntimeGroup(_ host: String, group: String, parents: [String]) throws(Diagnostic) {
        guard let hid = hostIndex[host] else { throw .error("\(host) is not a known host") }
        let gid = addGroup(group)
        for parent in parents {
            let pid = try topLevelGroup(parent)
            if pid != gid { try addChildGroup(pid, gid) }
        }
        if self.groups[gid].parentIDs.isEmpty, gid != allGroupID { try addChildGroup(allGroupID, gid) }
        addHostToGroup(hid, gid)
    }

    /// The group of that name, created as a child of `all` when new.
    private mutating func topLevelGroup(_ name: String) throws(Diagnostic) -> Int {
        let gid = addGroup(name)
        if gid != allGroupID, self.groups[gid].parentIDs.isEmpty { try addChildGroup(allGroupID, gid) }
        return gid
    }
}
