import Core
import Foundation
import YAML

/// Builds an `Inventory` from `-i` sources the way ansible-core's `InventoryManager` does:
/// each source in turn, a directory's entries in sorted order, each file offered to the
/// plugins host_list, script, auto, yaml, ini, toml until one parses it.
public struct InventoryLoader {
    var inventory: Inventory
    let cwd: String

    /// Loads the sources (paths, directories or `host1,host2,` lists). `playbookDirectory` is
    /// where play-side group_vars/ and host_vars/ are read (ansible-inventory uses
    /// `--playbook-dir`, else the current directory).
    public static func load(sources: [String], playbookDirectory: String?,
                            settings: InventorySettings = InventorySettings()) throws(Diagnostic) -> Inventory {
        let cwd = settings.workingDirectory ?? FileManager.default.currentDirectoryPath
        var loader = InventoryLoader(inventory: Inventory(settings: settings), cwd: cwd)
        let normalized = sources.map { $0.contains(",") ? $0 : InventoryPaths.unfrack($0, cwd: cwd) }
        loader.inventory.sources = normalized
        try loader.parseAll(normalized)
        loader.prepareVars(playbookDirectory: playbookDirectory.map { InventoryPaths.unfrack($0, cwd: cwd) })
        return loader.inventory
    }

    mutating func parseAll(_ sources: [String]) throws(Diagnostic) {
        var parsed = false
        for source in sources where !source.isEmpty {
            if try parseSource(source) { parsed = true }
        }
        if parsed {
            try inventory.reconcile()
        } else if inventory.settings.unparsedIsFailed {
            throw Diagnostic(.error, kind: .general, "No inventory was parsed, please check your configuration and options.",
                             hint: "Give -i an existing inventory file, directory or a comma-separated host list.")
        } else {
            inventory.warnings.append(.warning("No inventory was parsed, only implicit localhost is available"))
        }
    }

    private func ignored(_ name: String) -> Bool {
        if name.hasPrefix(".") || ["host_vars", "group_vars", "vars_plugins"].contains(name) { return true }
        if inventory.settings.ignoreExtensions.contains(where: { name.hasSuffix($0) }) { return true }
        return inventory.settings.ignorePatterns.contains { p in
            (try? NSRegularExpression(pattern: p))?.firstMatch(in: name, range: NSRange(location: 0, length: (name as NSString).length)) != nil
        }
    }

    /// Parses one source; returns whether anything parsed it.
    mutating func parseSource(_ source: String) throws(Diagnostic) -> Bool {
        var parsed = false
        var failures: [(plugin: String, error: Diagnostic)] = []
        if InventoryPaths.isDirectory(source) {
            for name in InventoryPaths.listDirectory(source) where !ignored(name) {
                if try parseSource(source + "/" + name) { parsed = true }
            }
        } else {
            inventory.currentSource = source
            for plugin in InventorySourcePlugin.allCases where plugin.wants(source) {
                do {
                    try plugin.parse(source, into: &inventory)
                    parsed = true
                    break
                } catch {
                    failures.append((plugin.rawValue, error))
                }
            }
        }
        if !parsed {
            for f in failures {
                var w = f.error
                w.severity = .warning
                w.message = "Failed to parse inventory with '\(f.plugin)' plugin: \(w.message)"
                inventory.warnings.append(w)
            }
            if inventory.settings.anyUnparsedIsFailed {
                throw Diagnostic(.error, kind: .general, "Completely failed to parse inventory source \(source)",
                                 hint: failures.isEmpty ? "Check that the inventory path exists." : "Fix the errors reported above.")
            }
            inventory.warnings.append(.warning("Unable to parse \(source) as an inventory source"))
        }
        inventory.currentSource = nil
        return parsed
    }

    /// Finds and loads group_vars/ and host_vars/ beside each file source and the playbook.
    mutating func prepareVars(playbookDirectory: String?) {
        var dirs: [String] = []
        for source in inventory.sources {
            if source.contains(",") && !InventoryPaths.exists(source) { continue }
            let dir = InventoryPaths.isDirectory(source) ? source : InventoryPaths.dirname(source)
            dirs.append(InventoryPaths.realpath(dir))
        }
        inventory.inventoryVarsDirectories = dirs
        inventory.playbookVarsDirectory = playbookDirectory.map(InventoryPaths.realpath)
        let groupNames = inventory.groups.map(\.name)
        let hostNames = inventory.hosts.map(\.name) + Inventory.localhostNames.sorted()
        var warnings: [Diagnostic] = []
        for dir in Set(dirs + (inventory.playbookVarsDirectory.map { [$0] } ?? [])).sorted() {
            inventory.varsFiles.prepare(basedir: dir, subdir: "group_vars", names: groupNames, warnings: &warnings)
            inventory.varsFiles.prepare(basedir: dir, subdir: "host_vars", names: hostNames, warnings: &warnings)
        }
        inventory.warnings += warnings
    }
}
