import Core
import Foundation

/// One place a variable is defined, for `runner --explain-var`.
public struct VariableOrigin: Sendable {
    /// Where it sits on ansible's precedence ladder (`inventory group vars (web)`, ...).
    public var level: String
    /// The file and line (or what stands for them: `command line`).
    public var source: String
    public var value: Value

    public init(level: String, source: String, value: Value) {
        self.level = level
        self.source = source
        self.value = value
    }
}

/// Finds the line that defines a variable in a file: a YAML key (`name:`), an INI
/// assignment (`name=` or ` name=` on a host line), optionally only after a line that starts
/// with a marker such as `[web:vars]` or a host's name. Comment lines are passed over.
public enum DefinitionLocator {
    public static func source(_ name: String, in file: String, after marker: String? = nil, from first: Int = 1) -> String {
        guard let line = line(name, in: file, after: marker, from: first) else { return file }
        return "\(file):\(line)"
    }

    public static func line(_ name: String, in file: String, after marker: String? = nil, from first: Int = 1) -> Int? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        let escaped = NSRegularExpression.escapedPattern(for: name)
        guard let re = try? NSRegularExpression(pattern: #"(^\s*["']?|\s)"# + escaped + #"["']?\s*[:=]"#) else { return nil }
        var armed = marker == nil
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index + 1 >= first {
            let s = String(line)
            let trimmed = s.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if !armed, let marker, trimmed.hasPrefix(marker) {
                armed = true
                if re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil { continue }
            }
            guard armed else { continue }
            if re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil { return index + 1 }
        }
        return nil
    }
}

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
