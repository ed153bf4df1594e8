import Core
import Foundation
import YAML

/// The inventory plugins ansible-core enables by default, in the order it tries them.
enum InventorySourcePlugin: String, CaseIterable {
    case hostList = "host_list", script, auto, yaml, ini, toml

    static let yamlExtensions = [".yaml", ".yml", ".json"]

    /// `verify_file`: whether this plugin offers to parse the source.
    func wants(_ source: String) -> Bool {
        let fm = FileManager.default
        let readable = fm.fileExists(atPath: source) && fm.isReadableFile(atPath: source)
        let ext = InventoryPaths.pathExtension(source)
        switch self {
        case .hostList: return !fm.fileExists(atPath: source) && source.contains(",")
        case .script: return readable && fm.isExecutableFile(atPath: source)
        case .auto: return (source.hasSuffix(".yml") || source.hasSuffix(".yaml")) && readable
        case .yaml: return readable && (ext.isEmpty || Self.yamlExtensions.contains(ext))
        case .ini: return readable && ext != ".toml"
        case .toml: return readable && ext == ".toml"
        }
    }

    func parse(_ source: String, into inv: inout Inventory) throws(Diagnostic) {
        switch self {
        case .hostList: try Self.parseHostList(source, into: &inv)
        case .script: try ScriptInventory(path: source).parse(into: &inv)
        case .auto:
            let loaded = try YAMLLoader.loadFile(source)
            let plugin = loaded.value.dictValue?["plugin"]
            guard let plugin, plugin.isTruthy else {
                throw Diagnostic(.error, kind: .parse, "no root 'plugin' key found, '\(source)' is not a valid YAML inventory plugin config file",
                                 at: SourceLocation(file: source))
            }
            throw Diagnostic(.error, kind: .parse, "inventory config '\(source)' specifies unknown plugin '\(plugin.pythonString)'",
                             at: loaded.root?.location ?? SourceLocation(file: source),
                             hint: "runner reads INI, YAML, JSON and script inventories; inventory plugins are not supported.")
        case .yaml:
            try YAMLInventoryParser(path: source).parse(try YAMLLoader.loadFile(source), into: &inv)
        case .ini:
            guard let data = FileManager.default.contents(atPath: source) else {
                throw Diagnostic(.error, kind: .parse, "could not read \(source)", at: SourceLocation(file: source))
            }
            var parser = INIInventoryParser(path: source)
            try parser.parse([UInt8](data), into: &inv)
        case .toml:
            throw Diagnostic(.error, kind: .parse, "TOML inventory sources are not supported by runner yet",
                             at: SourceLocation(file: source), hint: "Convert the inventory to YAML or INI.")
        }
    }

    /// `host1,host2:2222,` — each non-empty item a host in `ungrouped`, with an optional port.
    static func parseHostList(_ source: String, into inv: inout Inventory) throws(Diagnostic) {
        for item in source.split(separator: ",", omittingEmptySubsequences: false) {
            let h = item.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !h.isEmpty else { continue }
            var host = h
            var port: Int?
            if let parsed = try? HostAddress.parse(h, allowRanges: false) {
                host = parsed.host
                port = parsed.port
            }
            if inv.hostIndex[host] == nil {
                try inv.addHost(host, group: "ungrouped", port: port)
            }
        }
    }
}
