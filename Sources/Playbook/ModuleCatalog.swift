/// The modules and actions runner knows, by short name and by `ansible.builtin.`/
/// `ansible.legacy.` FQCN. A task naming anything else is rejected when the playbook is read,
/// as ansible-core rejects a module it cannot resolve (exit 4).
public enum ModuleCatalog {
    static let builtin: Set<String> = [
        "add_host", "apt", "apt_key", "apt_repository", "assemble", "assert", "async_status", "blockinfile",
        "command", "copy", "cron", "deb822_repository", "debconf", "debug", "dnf", "dnf5", "dpkg_selections",
        "expect", "fail", "fetch", "file", "find", "gather_facts", "get_url", "getent", "git", "group", "group_by",
        "hostname", "import_playbook", "import_role", "import_tasks", "include_role", "include_tasks",
        "include_vars", "iptables", "known_hosts", "lineinfile", "meta", "mount_facts", "package",
        "package_facts", "pause", "ping", "pip", "raw", "reboot", "replace", "rpm_key", "script", "service",
        "service_facts", "set_fact", "set_stats", "setup", "shell", "slurp", "stat", "subversion", "systemd",
        "systemd_service", "sysvinit", "tempfile", "template", "unarchive", "uri", "user",
        "validate_argument_spec", "wait_for", "wait_for_connection", "yum_repository",
    ]

    public static func isKnown(_ action: String) -> Bool {
        builtin.contains(shortName(action))
    }

    /// `ansible.builtin.copy` and `ansible.legacy.copy` are `copy`; other FQCNs stay as they are.
    public static func shortName(_ action: String) -> String {
        for prefix in ["ansible.builtin.", "ansible.legacy."] where action.hasPrefix(prefix) {
            return String(action.dropFirst(prefix.count))
        }
        return action
    }
}
