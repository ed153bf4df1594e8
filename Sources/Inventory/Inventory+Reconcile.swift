import Core

extension Inventory {
    /// ansible-core's `reconcile_inventory`, run once after the sources parsed: groups without
    /// parents join `all`; hosts in no other group join `ungrouped`; hosts also elsewhere leave it.
    mutating func reconcile() throws(Diagnostic) {
        currentSource = nil
        let all = allGroupID, ungrouped = ungroupedGroupID
        for gid in groups.indices where gid != all && ancestors(of: gid).isEmpty {
            try addChildGroup(all, gid)
        }
        var leaving = Set<Int>()
        for hid in hosts.indices {
            let mine = hosts[hid].groupSet
            if mine.contains(ungrouped) {
                if !mine.subtracting([all, ungrouped]).isEmpty { leaving.insert(hid) }
            } else if !hosts[hid].implicit && (mine.isEmpty || mine == [all]) {
                addHostToGroup(hid, ungrouped)
            }
        }
        if !leaving.isEmpty {
            groups[ungrouped].hostIDs.removeAll { leaving.contains($0) }
            groups[ungrouped].hostSet.subtract(leaving)
            for hid in leaving {
                hosts[hid].groupIDs.removeAll { $0 == ungrouped }
                hosts[hid].groupSet.remove(ungrouped)
            }
        }
        let conflicts = Set(groups.map(\.name)).intersection(hosts.map(\.name))
        for name in PythonText.sorted(Array(conflicts)) {
            warnings.append(.warning("Found both group and host with same name: \(name)"))
        }
    }
}
