import Core
import YAML

/// Reads a YAML or JSON inventory (`all:` / `children:` / `hosts:` / `vars:`) as ansible-core's
/// `yaml` plugin does, warning about and skipping what it skips.
struct YAMLInventoryParser {
    let path: String

    func fail(_ message: String, _ node: YAMLNode?) -> Diagnostic {
        .error(message, at: node?.location ?? SourceLocation(file: path), kind: .parse)
    }

    func parse(_ loaded: YAMLLoader.Loaded, into inv: inout Inventory) throws(Diagnostic) {
        let data = loaded.value
        guard data.isTruthy else { throw fail("Parsed empty YAML file", loaded.root) }
        guard let dict = data.dictValue else {
            throw fail("YAML inventory has invalid structure, it should be a dictionary, got: <class '\(data.pythonTypeName)'>", loaded.root)
        }
        if let plugin = dict["plugin"], plugin.isTruthy {
            throw fail("Plugin configuration YAML file, not YAML inventory", loaded.root)
        }
        for (key, value) in dict.items {
            _ = try parseGroup(key, value, node: Self.child(loaded.root, key), into: &inv)
        }
    }

    /// The value node for a key of a mapping node, for error locations.
    static func child(_ node: YAMLNode?, _ key: Value) -> YAMLNode? {
        guard let node, case .mapping(let pairs) = node.content, let text = key.stringValue else { return nil }
        return pairs.last(where: { $0.key.scalarText == text })?.value ?? nil
    }

    static func keyNode(_ node: YAMLNode?, _ key: Value) -> YAMLNode? {
        guard let node, case .mapping(let pairs) = node.content, let text = key.stringValue else { return node }
        return pairs.last(where: { $0.key.scalarText == text })?.key ?? node
    }

    private func parseGroup(_ key: Value, _ value: Value, node: YAMLNode?, into inv: inout Inventory) throws(Diagnostic) -> String {
        guard value.isNone || value.dictValue != nil else {
            inv.warnings.append(.warning("Skipping '\(key.pythonString)' as this is not a valid group definition", at: node?.location))
            return key.pythonString
        }
        guard let group = key.stringValue, !group.isEmpty else {
            throw fail("Unable to add group \(key.pythonString): Invalid group name supplied, expected a string but got <class '\(key.pythonTypeName)'> for \(key.pythonString)", node)
        }
        inv.addGroupWarning(group)
        guard var data = value.dictValue else { return group }
        for section in ["vars", "children", "hosts"] {
            guard let v = data[section] else { continue }
            if let s = v.stringValue { data[section] = .dict(PyDict([(.string(s), .none)])); continue }
            guard v.isNone || v.dictValue != nil else {
                let kind = v.listValue != nil ? "list" : v.pythonTypeName
                throw fail("Invalid \"\(section)\" entry for \"\(group)\" group, requires a dictionary, found \"<class '\(kind)'>\" instead.", Self.child(node, .string(section)))
            }
        }
        for (k, v) in data.items {
            let sectionNode = Self.child(node, k)
            guard let entries = v.dictValue else {
                if !v.isNone {
                    inv.warnings.append(.warning("Skipping key (\(k.pythonString)) in group (\(group)) as it is not a mapping, it is a <class '\(v.pythonTypeName)'>", at: sectionNode?.location))
                }
                continue
            }
            switch k.stringValue {
            case "vars":
                for (name, val) in entries.items {
                    try located(Self.keyNode(sectionNode, name)) { () throws(Diagnostic) in try inv.setVariable(group, name.pythonString, val) }
                }
            case "children":
                for (sub, subData) in entries.items {
                    let name = try parseGroup(sub, subData, node: Self.child(sectionNode, sub), into: &inv)
                    try located(Self.keyNode(sectionNode, sub)) { () throws(Diagnostic) in try inv.addChild(group, name) }
                }
            case "hosts":
                for (pattern, hostVars) in entries.items {
                    try parseHost(pattern, hostVars, group: group, node: Self.keyNode(sectionNode, pattern), into: &inv)
                }
            default:
                inv.warnings.append(.warning("Skipping unexpected key (\(k.pythonString)) in group (\(group)), only \"vars\", \"children\" and \"hosts\" are valid", at: Self.keyNode(node, k)?.location))
            }
        }
        return group
    }

    private func parseHost(_ pattern: Value, _ hostVars: Value, group: String, node: YAMLNode?, into inv: inout Inventory) throws(Diagnostic) {
        guard let text = pattern.stringValue else {
            throw fail("Host pattern \(pattern.pythonString) must be a string. Enclose integers/floats in quotation marks.", node)
        }
        let names: [String], port: Int?
        do { (names, port) = try HostAddress.expandPattern(text) } catch { throw fail(error.message, node) }
        let vars = hostVars.isTruthy ? hostVars : .dict(PyDict())
        guard let dict = vars.dictValue else {
            throw fail("Invalid data from file, expected dictionary and got:\n\n\(vars.pythonString)", node)
        }
        try located(node) { () throws(Diagnostic) in
            for name in names {
                try inv.addHost(name, group: group, port: port)
                for (k, v) in dict.items { try inv.setVariable(name, k.pythonString, v) }
            }
        }
    }

    private func located(_ node: YAMLNode?, _ body: () throws(Diagnostic) -> Void) throws(Diagnostic) {
        do { try body() } catch {
            var d = error
            if d.location == nil { d.location = node?.location ?? SourceLocation(file: path) }
            d.kind = .parse
            throw d
        }
    }
}
