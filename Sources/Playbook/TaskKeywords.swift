/// The keywords ansible-core 2.21 accepts on plays, blocks and tasks. Any other key on a task
/// is its module (exactly one); any other key on a play or block is an error.
public enum TaskKeywords {
    /// Keywords every playbook object takes (ansible-core's `Base`).
    static let base: Set<String> = [
        "name", "connection", "port", "remote_user", "vars", "module_defaults", "environment", "no_log",
        "run_once", "ignore_errors", "ignore_unreachable", "check_mode", "diff", "any_errors_fatal",
        "throttle", "timeout", "debugger", "become", "become_method", "become_user", "become_flags", "become_exe",
        "tags", "when", "collections", "delegate_to", "delegate_facts",
    ]
    public static let task: Set<String> = base.union([
        "async", "changed_when", "delay", "failed_when", "loop", "loop_control", "poll", "register", "retries",
        "until", "notify", "action", "local_action", "args",
    ])
    public static let handler: Set<String> = task.union(["listen"])
    public static let block: Set<String> = base.union(["block", "rescue", "always", "notify"])
    /// Plays take no `when` (ansible-core's `Play` is not `Conditional`).
    public static let play: Set<String> = base.subtracting(["when"]).union([
        "hosts", "gather_facts", "gather_subset", "gather_timeout", "fact_path", "vars_files", "vars_prompt",
        "validate_argspec", "roles", "handlers", "pre_tasks", "post_tasks", "tasks", "force_handlers",
        "max_fail_percentage", "serial", "strategy", "order",
    ])
    /// Keys an `import_playbook` entry takes (ansible-core's `PlaybookInclude`: `Base`,
    /// `Conditional` and `Taggable`, no collections or delegation).
    public static let playbookInclude: Set<String> = base.subtracting(["collections", "delegate_to", "delegate_facts"])
        .union(importPlaybook)
    /// The spellings of `import_playbook`.
    public static let importPlaybook: Set<String> = ["import_playbook", "ansible.builtin.import_playbook", "ansible.legacy.import_playbook"]
    /// Keys of a `roles:` entry besides the role's own parameters.
    public static let roleEntry: Set<String> = base.union(["role"])

    /// The lookup plugins ansible-core ships: `with_<name>` for any other name is not a task
    /// keyword but an unknown attribute, refused at load.
    public static let lookups: Set<String> = [
        "config", "csvfile", "dict", "env", "file", "fileglob", "first_found", "indexed_items", "ini",
        "inventory_hostnames", "items", "lines", "list", "nested", "password", "pipe", "random_choice", "sequence",
        "subelements", "template", "together", "unvault", "url", "varnames", "vars",
    ]

    /// `with_items`, `with_dict`, ... (`loop_with` in ansible-core).
    public static func isLoopWith(_ key: String) -> Bool { key.hasPrefix("with_") && key.count > 5 }
}
