/// The configuration that changes how an inventory loads and how patterns resolve, with
/// ansible-core's defaults (ansible.cfg and ANSIBLE_* variables map onto these fields).
public struct InventorySettings: Sendable {
    /// `DEFAULT_HASH_BEHAVIOUR=merge` (`ANSIBLE_HASH_BEHAVIOUR`): dicts merge instead of replacing.
    public var hashBehaviourMerge = false
    /// What an unmatched host pattern does (`HOST_PATTERN_MISMATCH`): warning, error or ignore.
    public var hostPatternMismatch: PatternMismatch = .warning
    /// `INVENTORY_UNPARSED_IS_FAILED`: no source parsed at all is an error.
    public var unparsedIsFailed = false
    /// `INVENTORY_ANY_UNPARSED_IS_FAILED`: any source that fails to parse is an error.
    public var anyUnparsedIsFailed = false
    /// `INVENTORY_IGNORE_EXTS`: files skipped inside an inventory directory.
    public var ignoreExtensions = [".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".orig", ".cfg", ".retry"]
    /// `INVENTORY_IGNORE_PATTERNS`: regular expressions of file names skipped inside a directory.
    public var ignorePatterns: [String] = []
    /// The interpreter recorded on the implicit localhost (ansible-core records its own `sys.executable`).
    public var localhostPython = "/usr/bin/python3"
    /// Where relative sources are resolved.
    public var workingDirectory: String?

    public enum PatternMismatch: String, Sendable { case warning, error, ignore }

    public init() {}

    /// Settings from `ANSIBLE_*` environment variables over the defaults.
    public static func fromEnvironment(_ env: [String: String]) -> InventorySettings {
        var s = InventorySettings()
        func flag(_ name: String) -> Bool? {
            guard let v = env[name]?.lowercased() else { return nil }
            return ["1", "true", "yes", "on", "y", "t"].contains(v)
        }
        if let h = env["ANSIBLE_HASH_BEHAVIOUR"] { s.hashBehaviourMerge = h == "merge" }
        if let m = env["ANSIBLE_HOST_PATTERN_MISMATCH"], let p = PatternMismatch(rawValue: m) { s.hostPatternMismatch = p }
        if let f = flag("ANSIBLE_INVENTORY_UNPARSED_FAILED") { s.unparsedIsFailed = f }
        if let f = flag("ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED") { s.anyUnparsedIsFailed = f }
        if let e = env["ANSIBLE_INVENTORY_IGNORE"] { s.ignoreExtensions = list(e) }
        if let e = env["ANSIBLE_INVENTORY_IGNORE_REGEX"] { s.ignorePatterns = list(e) }
        return s
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

import Foundation
