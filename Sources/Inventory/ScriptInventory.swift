import Core
import Foundation
import YAML

/// An executable inventory source: run with `--list`, its JSON gives groups (`hosts`, `vars`,
/// `children`) and `_meta.hostvars`; without `_meta`, each host is asked with `--host NAME`.
struct ScriptInventory {
    let path: String

    func run(_ args: [String]) throws(Diagnostic) -> Value {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch {
            throw Diagnostic(.error, kind: .parse, "Failed to execute inventory script \(path): \(error)", at: SourceLocation(file: path))
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        _ = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Diagnostic(.error, kind: .parse, "Inventory script (\(path)) had an execution error: exit code \(p.terminationStatus)", at: SourceLocation(file: path))
        }
        do {
            return (try YAMLLoader.load([UInt8](data), file: path, ansibleTags: false).value)
        } catch {
            throw Diagnostic(.error, kind: .parse, "Inventory script result could not be parsed as JSON.", at: SourceLocation(file: path))
        }
    }

    func parse(into inv: inout Inventory) throws(Diagnostic) {
        guard let top = try run(["--list"]).dictValue else {
            throw Diagnostic(.error, kind: .parse, "Inventory script result could not be parsed as JSON.", at: SourceLocation(file: path))
        }
        var meta: PyDict?
        var hosts: [String] = []
        var seen = Set<String>()
        for (key, data) in top.items {
            let group = key.pythonString
            if group == "_meta" {
                guard let hv = data.dictValue?["hostvars"]?.dictValue else {
                    throw Diagnostic(.error, kind: .parse, "Value contains '_meta.hostvars' which is not a dict.", at: SourceLocation(file: path))
                }
                meta = hv
                continue
            }
            try parseGroup(group, data, into: &inv) { if seen.insert($0).inserted { hosts.append($0) } }
        }
        for h in hosts {
            let got = meta != nil ? (meta?[.string(h)] ?? .dict(PyDict())) : try run(["--host", h])
            guard let d = got.dictValue else {
                throw Diagnostic(.error, kind: .parse, "Invalid data from file, expected dictionary and got:\n\n\(got.pythonString)", at: SourceLocation(file: path))
            }
            for (k, v) in d.items { try inv.setVariable(h, k.pythonString, v) }
        }
    }

    private func parseGroup(_ group: String, _ raw: Value, into inv: inout Inventory, host: (String) -> Void) throws(Diagnostic) {
        inv.addGroupWarning(group)
        var data: PyDict
        if let d = raw.dictValue {
            data = d
            if !["hosts", "vars", "children"].contains(where: { d[$0] != nil }) {
                data = PyDict([(.string("hosts"), .list([.string(group)])), (.string("vars"), raw)])
            }
        } else {
            data = PyDict([(.string("hosts"), raw)])
        }
        if let hs = data["hosts"] {
            guard let list = hs.listValue else {
                throw Diagnostic(.error, kind: .parse, "Value contains '\(group).hosts' which is not a list.", at: SourceLocation(file: path))
            }
            for h in list {
                host(h.pythonString)
                try inv.addHost(h.pythonString, group: group)
            }
        }
        if let vs = data["vars"] {
            guard let d = vs.dictValue else {
                throw Diagnostic(.error, kind: .parse, "Value contains '\(group).vars' which is not a dict.", at: SourceLocation(file: path))
            }
            for (k, v) in d.items { try inv.setVariable(group, k.pythonString, v) }
        }
        for child in data["children"]?.listValue ?? data["children"]?.dictValue?.keys ?? [] {
            inv.addGroupWarning(child.pythonString)
            try inv.addChild(group, child.pythonString)
        }
    }
}
