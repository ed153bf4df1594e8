import Core
import Foundation

/// Reads an INI inventory file as ansible-core's `ini` plugin does: hosts before any section
/// are ungrouped, `[g]` lists hosts, `[g:children]` groups, `[g:vars]` one `key=value` a line.
struct INIInventoryParser {
    let path: String
    var line = 0

    private static let section = HostAddress.regex(#"^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$"#)
    private static let groupName = HostAddress.regex(#"^([^:\]\s]+)\s*(?:#.*)?$"#)

    private struct Pending {
        var line: Int
        var state: String
        var parents: [String]
    }

    init(path: String) { self.path = path }

    func fail(_ message: String) -> Diagnostic {
        .error(message, at: SourceLocation(file: path, line: line), kind: .parse)
    }

    /// The lines of the file; invalid UTF-8 is tolerated only on comment lines.
    func lines(of bytes: [UInt8]) throws(Diagnostic) -> [String] {
        if let text = String(validating: bytes, as: UTF8.self) { return PythonText.splitLines(text) }
        var out: [String] = []
        for raw in PythonText.splitByteLines(bytes) {
            if let f = raw.first, f == UInt8(ascii: "#") || f == UInt8(ascii: ";") {
                out.append("")
            } else {
                // Python keeps undecodable bytes as surrogate escapes, printed as '?'.
                out.append(Self.decodeReplacing(raw))
            }
        }
        return out
    }

    static func decodeReplacing(_ bytes: [UInt8]) -> String {
        var out = ""
        var i = 0
        while i < bytes.count {
            var matched = false
            for len in [1, 2, 3, 4] where i + len <= bytes.count {
                if let s = String(validating: bytes[i..<(i + len)], as: UTF8.self) {
                    out += s
                    i += len
                    matched = true
                    break
                }
            }
            if !matched { out += "?"; i += 1 }
        }
        return out
    }

    /// Parses the file into the inventory; on failure the inventory keeps what was added before
    /// the bad line, as in ansible-core.
    mutating func parse(_ bytes: [UInt8], into inv: inout Inventory) throws(Diagnostic) {
        let all = try lines(of: bytes)
        var pending: [String: Pending] = [:]
        var pendingOrder: [String] = []
        var group = "ungrouped"
        var state = "hosts"
        for raw in all {
            line += 1
            let text = PythonText.strip(raw)
            guard let first = text.first, first != "#", first != ";" else { continue }
            if first == "[", let m = HostAddress.groups(Self.section, text) {
                group = m[1]
                state = m[2].isEmpty ? "hosts" : m[2]
                guard ["hosts", "children", "vars"].contains(state) else {
                    throw fail("Section [\(m[1]):\(m[2])] has unknown type: \(state)")
                }
                if inv.groupIndex[group] == nil {
                    if state == "vars" && pending[group] == nil {
                        pending[group] = Pending(line: line, state: state, parents: [])
                        pendingOrder.append(group)
                    }
                    inv.addGroupWarning(group)
                }
                if let p = pending[group], state != "vars" {
                    if p.state == "children" {
                        try addPendingChildren(group, &pending, &inv)
                    } else {
                        pending[group] = nil
                    }
                }
                continue
            }
            if text.hasPrefix("[") && text.hasSuffix("]") {
                throw fail("Invalid section entry: '\(text)'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters")
            }
            switch state {
            case "hosts":
                try parseHostLine(text, group: group, into: &inv)
            case "vars":
                guard let eq = text.firstIndex(of: "=") else { throw fail("Expected key=value, got: \(text)") }
                let key = PythonText.strip(String(text[..<eq]))
                let value = PythonText.strip(String(text[text.index(after: eq)...]))
                try at { () throws(Diagnostic) in try inv.setVariable(group, key, Self.value(value)) }
            default:
                guard let m = HostAddress.groups(Self.groupName, text) else { throw fail("Expected group name, got: \(text)") }
                let child = m[1]
                if inv.groupIndex[child] == nil {
                    if pending[child] == nil {
                        pending[child] = Pending(line: line, state: "children", parents: [group])
                        pendingOrder.append(child)
                    } else {
                        pending[child]!.parents.append(group)
                    }
                } else {
                    try at { () throws(Diagnostic) in try inv.addChild(group, child) }
                }
            }
        }
        for name in pendingOrder {
            guard let p = pending[name] else { continue }
            line = p.line
            if p.state == "vars" { throw fail("Section [\(name):vars] not valid for undefined group '\(name)'.") }
            throw fail("Section [\(p.parents.last!):children] includes undefined group '\(name)'.")
        }
    }

    /// Gives an error from the inventory model this file's current line.
    func at(_ body: () throws(Diagnostic) -> Void) throws(Diagnostic) {
        do { try body() } catch {
            var d = error
            d.location = SourceLocation(file: path, line: line)
            d.kind = .parse
            throw d
        }
    }

    private func addPendingChildren(_ group: String, _ pending: inout [String: Pending], _ inv: inout Inventory) throws(Diagnostic) {
        guard let p = pending[group] else { return }
        for parent in p.parents {
            try at { () throws(Diagnostic) in try inv.addChild(parent, group) }
            if let pp = pending[parent], pp.state == "children" {
                try addPendingChildren(parent, &pending, &inv)
            }
        }
        pending[group] = nil
    }

    private func parseHostLine(_ text: String, group: String, into inv: inout Inventory) throws(Diagnostic) {
        let tokens: [String]
        do { tokens = try ShellWords.split(text) } catch {
            throw fail("Error parsing host definition '\(text)': \(error.message)")
        }
        guard let first = tokens.first else { return }
        let names: [String], port: Int?
        do { (names, port) = try HostAddress.expandPattern(first) } catch { throw fail(error.message) }
        if PythonText.strip(first).hasSuffix(":") && port == nil {
            throw fail("Invalid host pattern '\(first)' supplied, ending in ':' is not allowed, this character is reserved to provide a port.")
        }
        if names.contains(where: { $0.contains("---") && PythonText.strip($0) == "---" }) {
            throw fail("Invalid host pattern '\(first)' supplied, '---' is normally a sign this is a YAML file.")
        }
        var vars: [(String, Value)] = []
        for t in tokens.dropFirst() {
            guard let eq = t.firstIndex(of: "=") else { throw fail("Expected key=value host variable assignment, got: \(t)") }
            vars.append((String(t[..<eq]), Self.value(String(t[t.index(after: eq)...]))))
        }
        // Later assignments of the same key win but keep the first one's place, as in a Python dict.
        var merged = PyDict()
        for (k, v) in vars { merged[.string(k)] = v }
        try at { () throws(Diagnostic) in
            for name in names {
                try inv.addHost(name, group: group, port: port)
                for (k, v) in merged.items { try inv.setVariable(name, k.stringValue ?? k.pythonString, v) }
            }
        }
    }

    /// An INI value: a Python literal when it reads as one (`5`, `True`, `[1, 2]`, `'x'`),
    /// else the text itself (`yes`, `007`, `hello # x`).
    static func value(_ text: String) -> Value {
        PythonLiteral.evaluate(text) ?? .string(text)
    }
}
