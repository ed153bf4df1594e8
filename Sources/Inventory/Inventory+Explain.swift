import Core
import Foundation

extension Inventory {
    /// Every inventory-side definition of `variable` for a host, lowest precedence first, in
    /// the order `hostVariables` merges them.
    public func variableOrigins(_ variable: String, host name: String, playbookSide: Bool = true) -> [VariableOrigin] {
        guard let host = host(named: name) else { return [] }
        let key = Value.string(variable)
        var out: [VariableOrigin] = []
        // A group's variables sit under `[group:vars]` in INI, under `group:` in YAML.
        func inventoryFile(for group: String) -> String {
            for marker in ["[\(group):vars]", "\(group):"] {
                for source in sources where DefinitionLocator.line(variable, in: source, after: marker) != nil {
                    return DefinitionLocator.source(variable, in: source, after: marker)
                }
            }
            return sources.first ?? "inventory"
        }
        let groupIDs = [allGroupID] + sortedGroupIDs(ofHost: host)
        for gid in groupIDs {
            if let v = groups[gid].vars[key] {
                out.append(VariableOrigin(level: "inventory group vars (\(groups[gid].name))", source: inventoryFile(for: groups[gid].name), value: v))
            }
        }
        let groupNames = sortedGroupIDs(ofHost: host).map { groups[$0].name }
        func files(_ subdir: String, _ names: [String], playbook: Bool) {
            let dirs = playbook ? (playbookVarsDirectory.map { [$0] } ?? []) : inventoryVarsDirectories
            for dir in dirs {
                for entity in names {
                    for (file, value) in varsFiles.definitions(basedir: dir, subdir: subdir, name: entity) {
                        guard let v = value.dictValue?[key] else { continue }
                        let side = playbook ? "playbook" : "inventory"
                        out.append(VariableOrigin(level: "\(side) \(subdir)/\(entity)", source: DefinitionLocator.source(variable, in: file), value: v))
                    }
                }
            }
        }
        files("group_vars", ["all"], playbook: false)
        if playbookSide { files("group_vars", ["all"], playbook: true) }
        files("group_vars", groupNames, playbook: false)
        if playbookSide { files("group_vars", groupNames, playbook: true) }
        if let v = host.vars[key] {
            let file = host.vars["inventory_file"]?.pythonString
            out.append(VariableOrigin(level: "inventory host vars", source: file.map { DefinitionLocator.source(variable, in: $0, after: name) } ?? "inventory",
                                      value: v))
        }
        files("host_vars", [host.name], playbook: false)
        if playbookSide { files("host_vars", [host.name], playbook: true) }
        return out
    }
}
