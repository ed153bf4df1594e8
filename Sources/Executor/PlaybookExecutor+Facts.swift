import Core
import Jinja
import Modules
import Playbook

/// Gathered facts: the play's implicit `Gathering Facts` task and the host's fact cache.
extension PlaybookExecutor {
    /// Whether a play gathers facts first: `gather_facts` when the play says, else by
    /// `ANSIBLE_GATHERING` (`implicit`, the default, gathers; `explicit` does not; `smart`
    /// gathers for hosts whose facts were not gathered yet in this run).
    func gathersFacts() -> Bool {
        if let raw = play.keywords["gather_facts"], !raw.isNone {
            let value = (try? engine.template(raw, vars: DictVariables(options.extraVars.stringKeyed), origin: play.location)) ?? raw
            return ModuleContext.boolean(value) ?? value.isTruthy
        }
        return (options.environment["ANSIBLE_GATHERING"] ?? "implicit").lowercased() != "explicit"
    }

    /// The implicit `Gathering Facts` task (action `gather_facts`, tagged `always`, written at the
    /// play), run on the play's hosts before `pre_tasks`, as ansible-playbook does; it runs even
    /// before `--start-at-task` finds its task.
    func gatherFactsForPlay() {
        guard gathersFacts() else { return }
        var targets = activeHosts()
        if (options.environment["ANSIBLE_GATHERING"] ?? "").lowercased() == "smart" && play.keywords["gather_facts"] == nil {
            targets = targets.filter { hosts[$0]!.cachedFacts["_ansible_facts_gathered"] == nil }
            if targets.isEmpty { return }
        }
        var args = PyDict()
        for key in ["gather_subset", "gather_timeout", "fact_path"] {
            if let v = play.keywords[key], !v.isNone { args[.string(key)] = v }
        }
        var keywords = PyDict()
        if let when = play.keywords[.string(Play.includedConditionalKey)] { keywords["when"] = when }
        let task = Task(name: "Gathering Facts", action: "gather_facts", args: .dict(args), keywords: keywords,
                        tags: ["always"], location: play.location)
        let start = startAtTask
        startAtTask = nil
        runTask(task, on: targets, blockVars: PyDict())
        startAtTask = start
    }

    /// Stores the `ansible_facts` a module returned (setup, gather_facts, ...) in the host's
    /// fact cache, as ansible's strategy does for every action but set_fact and include_vars.
    func cacheFacts(_ result: TaskResult, action: String, host: String) {
        guard !["set_fact", "include_vars", "debug"].contains(ModuleRegistry.shortName(action)),
              result.status != .failed, result.status != .unreachable,
              case .dict(let facts)? = result.values["ansible_facts"] else { return }
        hosts[host]!.cachedFacts.merge(facts)
    }

    /// `ansible_facts` as templates see it: the fact cache with the `ansible_` prefix dropped
    /// (ansible-core's `namespace_facts`).
    static func namespacedFacts(_ cache: PyDict) -> PyDict {
        var out = PyDict()
        for (k, v) in cache.items {
            let name = k.pythonString
            out[.string(name.hasPrefix("ansible_") && name != "ansible_local" ? String(name.dropFirst(8)) : name)] = v
        }
        return out
    }

    /// Names a fact never takes as a top-level variable (ansible-core's `clean_facts`): the
    /// connection variables, `ansible_<connection>_*` and `ansible_become_*`, reserved names.
    static func injectableFacts(_ cache: PyDict) -> PyDict {
        let common: Set<String> = ["ansible_connection", "ansible_host", "ansible_user", "ansible_shell_executable", "ansible_port",
                                   "ansible_pipelining", "ansible_password", "ansible_timeout", "ansible_shell_type",
                                   "ansible_module_compression", "ansible_private_key_file", "ansible_rsync_path",
                                   "ansible_playbook_python", "ansible_facts"]
        var out = PyDict()
        for (k, v) in cache.items {
            let name = k.pythonString
            if common.contains(name) || name.hasPrefix("_ansible") || name.hasPrefix("ansible_become_") { continue }
            let connectionSpecific = ["ssh", "local", "paramiko_ssh", "psrp", "winrm"].contains { name.hasPrefix("ansible_\($0)_") }
            if connectionSpecific && !name.hasSuffix("_bridge") && !name.hasSuffix("_gwbridge") { continue }
            out[k] = v
        }
        return out
    }
}
