import Core
import Foundation

/// ansible.cfg, found as ansible-core finds it (the first of `ANSIBLE_CONFIG`, `./ansible.cfg`,
/// `~/.ansible.cfg`, `/etc/ansible/ansible.cfg`; a `./ansible.cfg` in a world-writable directory
/// is ignored with a warning), read into the `ANSIBLE_*` environment names of the settings runner
/// knows. Environment variables win over the file, as in ansible-core; the rest of runner reads
/// only the merged `settings`.
struct AnsibleConfig {
    /// The config file that was read, if any.
    var file: String?
    /// `ANSIBLE_*` settings: the file's, overlaid by the environment (and the rest of the environment).
    var settings: [String: String]
    var warnings: [Diagnostic] = []
    /// Settings the file or the environment give that runner does not use (`[section] key`,
    /// `ANSIBLE_NAME`), reported once with -v: they change nothing, and are never an error.
    var unused: [String] = []

    /// `ANSIBLE_*` variables runner reads besides those of `known`.
    static let alsoRead: Set<String> = [
        "ANSIBLE_CONFIG", "ANSIBLE_AGNOSTIC_BECOME_PROMPT", "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED",
        "ANSIBLE_INVENTORY_UNPARSED_FAILED", "ANSIBLE_VAULT_ENCRYPT_IDENTITY", "ANSIBLE_VAULT_ENCRYPT_SALT",
    ]

    /// (section, key) → environment name. Settings of kind `path`/`pathlist` are resolved
    /// against the config file's directory, as ansible-core resolves them.
    static let known: [(section: String, key: String, env: String, path: PathKind)] = [
        ("defaults", "inventory", "ANSIBLE_INVENTORY", .list(",")),
        ("defaults", "roles_path", "ANSIBLE_ROLES_PATH", .list(":")),
        ("defaults", "forks", "ANSIBLE_FORKS", .none),
        ("defaults", "remote_user", "ANSIBLE_REMOTE_USER", .none),
        ("defaults", "private_key_file", "ANSIBLE_PRIVATE_KEY_FILE", .single),
        ("defaults", "host_key_checking", "ANSIBLE_HOST_KEY_CHECKING", .none),
        ("defaults", "timeout", "ANSIBLE_TIMEOUT", .none),
        ("defaults", "gathering", "ANSIBLE_GATHERING", .none),
        ("defaults", "stdout_callback", "ANSIBLE_STDOUT_CALLBACK", .none),
        ("defaults", "callback_result_format", "ANSIBLE_CALLBACK_RESULT_FORMAT", .none),
        ("defaults", "callback_result_indentation", "ANSIBLE_CALLBACK_RESULT_INDENTATION", .none),
        ("defaults", "callback_format_pretty", "ANSIBLE_CALLBACK_FORMAT_PRETTY", .none),
        ("defaults", "callback_result_yaml_line_width", "ANSIBLE_CALLBACK_RESULT_YAML_LINE_WIDTH", .none),
        ("defaults", "hash_behaviour", "ANSIBLE_HASH_BEHAVIOUR", .none),
        ("defaults", "nocolor", "ANSIBLE_NOCOLOR", .none),
        ("defaults", "force_color", "ANSIBLE_FORCE_COLOR", .none),
        ("defaults", "vault_password_file", "ANSIBLE_VAULT_PASSWORD_FILE", .single),
        ("defaults", "vault_identity_list", "ANSIBLE_VAULT_IDENTITY_LIST", .none),
        ("defaults", "host_pattern_mismatch", "ANSIBLE_HOST_PATTERN_MISMATCH", .none),
        ("defaults", "display_skipped_hosts", "ANSIBLE_DISPLAY_SKIPPED_HOSTS", .none),
        ("defaults", "show_custom_stats", "ANSIBLE_SHOW_CUSTOM_STATS", .none),
        ("defaults", "any_errors_fatal", "ANSIBLE_ANY_ERRORS_FATAL", .none),
        ("defaults", "executable", "ANSIBLE_EXECUTABLE", .none),
        ("diff", "always", "ANSIBLE_DIFF_ALWAYS", .none),
        ("diff", "context", "ANSIBLE_DIFF_CONTEXT", .none),
        ("inventory", "ignore_extensions", "ANSIBLE_INVENTORY_IGNORE", .none),
        ("inventory", "ignore_patterns", "ANSIBLE_INVENTORY_IGNORE_REGEX", .none),
        ("privilege_escalation", "become", "ANSIBLE_BECOME", .none),
        ("privilege_escalation", "become_method", "ANSIBLE_BECOME_METHOD", .none),
        ("privilege_escalation", "become_user", "ANSIBLE_BECOME_USER", .none),
        ("privilege_escalation", "become_flags", "ANSIBLE_BECOME_FLAGS", .none),
        ("privilege_escalation", "agnostic_become_prompt", "ANSIBLE_AGNOSTIC_BECOME_PROMPT", .none),
        ("ssh_connection", "ssh_args", "ANSIBLE_SSH_ARGS", .none),
        ("ssh_connection", "ssh_common_args", "ANSIBLE_SSH_COMMON_ARGS", .none),
        ("ssh_connection", "ssh_extra_args", "ANSIBLE_SSH_EXTRA_ARGS", .none),
        ("ssh_connection", "ssh_executable", "ANSIBLE_SSH_EXECUTABLE", .none),
        ("ssh_connection", "control_path_dir", "ANSIBLE_SSH_CONTROL_PATH_DIR", .single),
        ("ssh_connection", "retries", "ANSIBLE_SSH_RETRIES", .none),
        ("ssh_connection", "host_key_checking", "ANSIBLE_SSH_HOST_KEY_CHECKING", .none),
    ]

    enum PathKind { case none, single, list(Character) }

    /// Finds and reads the config for a run in `directory` with `environment`.
    static func load(environment: [String: String], directory: String = FileManager.default.currentDirectoryPath) -> AnsibleConfig {
        var config = AnsibleConfig(file: nil, settings: environment)
        let read = Set(known.map(\.env)).union(alsoRead)
        config.unused = environment.keys.filter { $0.hasPrefix("ANSIBLE_") && !read.contains($0) }.sorted()
        guard let file = find(environment: environment, directory: directory, warnings: &config.warnings) else { return config }
        config.file = file
        let base = (file as NSString).deletingLastPathComponent
        let sections = parse(file)
        for section in sections.keys.sorted() {
            for key in sections[section]!.keys.sorted() where !known.contains(where: { $0.section == section && $0.key == key }) {
                config.unused.insert("[\(section)] \(key)", at: 0)
            }
        }
        config.unused.sort()
        for entry in known {
            guard environment[entry.env] == nil, let raw = sections[entry.section]?[entry.key] else { continue }
            config.settings[entry.env] = resolve(raw, kind: entry.path, base: base, home: environment["HOME"] ?? NSHomeDirectory())
        }
        return config
    }

    static func find(environment: [String: String], directory: String, warnings: inout [Diagnostic]) -> String? {
        let fm = FileManager.default
        if let explicit = environment["ANSIBLE_CONFIG"], !explicit.isEmpty {
            var path = (explicit as NSString).expandingTildeInPath
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                path = (path as NSString).appendingPathComponent("ansible.cfg")
            }
            if fm.fileExists(atPath: path) { return path }
        }
        let local = (directory as NSString).appendingPathComponent("ansible.cfg")
        if fm.fileExists(atPath: local) {
            let mode = ((try? fm.attributesOfItem(atPath: directory))?[.posixPermissions] as? Int) ?? 0
            if mode & 0o002 != 0 {
                warnings.append(.warning("Ansible is being run in a world writable directory (\(directory)), ignoring it as an ansible.cfg source. For more information see https://docs.ansible.com/ansible/devel/reference_appendices/config.html#cfg-in-world-writable-dir"))
            } else {
                return local
            }
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        for path in [(home as NSString).appendingPathComponent(".ansible.cfg"), "/etc/ansible/ansible.cfg"] where fm.fileExists(atPath: path) {
            return path
        }
        return nil
    }

    /// INI as Python's configparser reads ansible.cfg: `key = value` or `key: value`, `#` and
    /// `;` comment lines, section names case-sensitive, keys lower-cased.
    static func parse(_ file: String) -> [String: [String: String]] {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return [:] }
        var out: [String: [String: String]] = [:]
        var section = ""
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = line[..<separator].trimmingCharacters(in: .whitespaces).lowercased()
            var value = line[line.index(after: separator)...].trimmingCharacters(in: .whitespaces)
            // An inline comment needs whitespace before its `;` or `#` (configparser's inline prefixes).
            if let comment = value.range(of: #"\s[;#]"#, options: .regularExpression) {
                value = value[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            out[section, default: [:]][key] = value
        }
        return out
    }

    static func resolve(_ raw: String, kind: PathKind, base: String, home: String) -> String {
        func one(_ path: String) -> String {
            var p = path.trimmingCharacters(in: .whitespaces)
            if p.hasPrefix("~") { p = home + p.dropFirst() }
            if !p.hasPrefix("/") && !p.isEmpty { p = (base as NSString).appendingPathComponent(p) }
            return p
        }
        switch kind {
        case .none: return raw
        case .single: return one(raw)
        case .list(let separator):
            return raw.split(separator: separator).map { one(String($0)) }.joined(separator: String(separator))
        }
    }
}
