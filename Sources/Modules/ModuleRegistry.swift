/// The modules runner runs, by short name. `ansible.builtin.x` and `ansible.legacy.x` resolve
/// to `x`.
public enum ModuleRegistry {
    static let modules: [String: any Module] = [
        "debug": DebugModule(),
        "assert": AssertModule(),
        "fail": FailModule(),
        "command": CommandModule(shell: false),
        "shell": CommandModule(shell: true),
        "ping": PingModule(),
        "copy": CopyModule(),
        "file": FileModule(),
        "template": TemplateModule(),
        "stat": StatModule(),
        "lineinfile": LineInFileModule(),
        "blockinfile": BlockInFileModule(),
        "replace": ReplaceModule(),
        "slurp": SlurpModule(),
        "tempfile": TempFileModule(),
        "setup": SetupModule(),
        "gather_facts": SetupModule(name: "gather_facts"),
        "group": GroupModule(),
        "user": UserModule(),
        "wait_for": WaitForModule(),
        "service": ServiceModule(),
        "systemd_service": SystemdServiceModule(),
        "systemd": SystemdServiceModule(),
        "raw": RawModule(),
        "script": ScriptModule(),
        "fetch": FetchModule(),
        "find": FindModule(),
        "get_url": GetURLModule(),
        "uri": URIModule(),
        "git": GitModule(),
        "unarchive": UnarchiveModule(),
        "apt": AptModule(),
        "package": PackageModule(),
    ]

    public static func module(named name: String) -> (any Module)? {
        modules[shortName(name)]
    }

    public static func shortName(_ action: String) -> String {
        for prefix in ["ansible.builtin.", "ansible.legacy."] where action.hasPrefix(prefix) {
            return String(action.dropFirst(prefix.count))
        }
        return action
    }
}
