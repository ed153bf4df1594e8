import Connection
import Core
import Foundation
import Inventory
import Jinja
import Modules
import Playbook

extension PlaybookExecutor {
    /// One execution of a task on a host (one loop item): `when`, the action, then
    /// `until`, `changed_when` and `failed_when`.
    func runOnce(_ task: Task, host: String, scope: VariableScope, extra: PyDict) -> HostOutcome {
        var outcome = runOnceUnmarked(task, host: host, scope: scope, extra: extra)
        // ansible-core 2.21 gives every failed result (and failed loop item) the text that
        // stands for its traceback when tracebacks are off; callbacks and `register` see it.
        if outcome.result.isFailed, outcome.result.status != .unreachable, outcome.result.values["exception"] == nil {
            outcome.result.values["exception"] = "(traceback unavailable)"
        }
        return outcome
    }

    private func runOnceUnmarked(_ task: Task, host: String, scope: VariableScope, extra: PyDict) -> HostOutcome {
        // The enclosing blocks' `when` come first: a task inherits them (ansible's `when` is
        // extended from its parents), so each task of a block that does not apply is skipped.
        // `delegate_to` is templated before `when`, as ansible-core resolves the delegated host first.
        if let raw = task.keywords["delegate_to"] {
            do {
                _ = try engine.template(raw, vars: scope, origin: task.location)
            } catch {
                // The report names the delegated host as written: `[web1 -> {{ nobody }}]`.
                var result = Self.taskFailure(error.message)
                result.values["_ansible_delegated_vars"] = .dict(PyDict([("ansible_delegated_host", .string(raw.pythonString)),
                                                                         ("ansible_host", .string(raw.pythonString))]))
                return HostOutcome(result: result, included: nil)
            }
        }
        let conditions = blockKeywords.compactMap { $0["when"] } + (task.keywords["when"].map { [$0] } ?? [])
        for when in conditions {
            do {
                if let falseCondition = try firstFalseCondition(when, scope: scope, origin: task.location) {
                    var v = PyDict()
                    v["changed"] = false
                    v["false_condition"] = falseCondition
                    v["skip_reason"] = "Conditional result was False"
                    v["skipped"] = true
                    return HostOutcome(result: TaskResult(v), included: nil)
                }
            } catch {
                return HostOutcome(result: .failed(error.message), included: nil)
            }
        }
        if let invalid = postValidate(task, scope: scope) { return HostOutcome(result: invalid, included: nil) }
        // ansible-core 2.21 makes `retries` the total number of attempts (at least one).
        let retries = task.keywords["until"] != nil ? max(1, task.keywords["retries"].flatMap { Int($0.pythonString) } ?? 3) : 1
        let delay = task.keywords["delay"].flatMap { Double($0.pythonString) } ?? 5
        var outcome = HostOutcome(result: .failed("not run"), included: nil)
        for attempt in 1...retries {
            outcome = runAction(task, host: host, scope: scope)
            outcome.result = applyConditions(task, outcome.result, scope: scope)
            guard let until = task.keywords["until"] else { break }
            outcome.result.values["attempts"] = .int(attempt)
            let view = scope.overlay(registerView(task, outcome.result))
            let done: Bool
            do {
                done = try engine.evaluateConditional(until, vars: view, origin: task.location)
            } catch {
                // A broken `until` fails the task at once, reported as ansible reports it.
                outcome.result = TaskResult(PyDict([("failed", true), ("msg", .string("Task failed: An 'until' expression failed: \(error.message)"))]))
                break
            }
            if done { break }
            // ansible announces every attempt that did not meet `until`, the last one included.
            var shown = outcome.result
            shown.values["retries"] = .int(retries)
            callback.retrying(host: host, taskName: task.callbackName, retriesLeft: retries - attempt,
                              result: noLog(task, host: host) ? TaskResult(Self.censored(shown.values)) : shown)
            if attempt == retries {
                // Failed by the executor, not by an error: ansible reports no error for it.
                outcome.result.values["failed"] = true
                outcome.result.values["_ansible_error_none"] = true
                break
            }
            if delay > 0 {
                if wasConcurrent { executionLock.releasedSleep(min(delay, 60)) } else { Thread.sleep(forTimeInterval: min(delay, 60)) }
            }
        }
        return outcome
    }

    /// The registered variable as `changed_when`/`failed_when`/`until` see it.
    func registerView(_ task: Task, _ result: TaskResult) -> PyDict {
        var view = PyDict()
        if let name = task.keywords["register"]?.pythonString { view[.string(name)] = .dict(result.values) }
        return view
    }

    func applyConditions(_ task: Task, _ result: TaskResult, scope: VariableScope) -> TaskResult {
        var result = result
        guard result.status != .skipped, result.status != .unreachable else { return result }
        let view = scope.overlay(registerView(task, result))
        if let changedWhen = task.keywords["changed_when"] {
            do {
                let changed = try allTrue(changedWhen, scope: view, origin: task.location)
                result.values["changed"] = .bool(changed)
                result.values["changed_when_result"] = .bool(changed)
            } catch {
                return .failed(error.message)
            }
        }
        if let failedWhen = task.keywords["failed_when"] {
            do {
                let failed = try allTrue(failedWhen, scope: scope.overlay(registerView(task, result)), origin: task.location)
                let moduleFailed = result.isFailed
                // ansible's callbacks never see a false `failed` (its task result exports the
                // field to registered variables only, which get `failed: false` when they register).
                result.values["failed"] = failed ? true : nil
                result.values["failed_when_result"] = .bool(failed)
                if moduleFailed && !failed { result.values["failed_when_suppressed_exception"] = "(traceback unavailable)" }
                if failed && !moduleFailed {
                    result.values["msg"] = "Task failed: Action failed: A 'failed_when' expression evaluated to 'True'."
                }
            } catch {
                return .failed(error.message)
            }
        }
        return result
    }

    /// A `when` list is true when every condition is; returns the first false one.
    func firstFalseCondition(_ when: Value, scope: VariableScope, origin: SourceLocation) throws(TemplateError) -> Value? {
        for condition in when.listValue ?? [when] {
            if !(try engine.evaluateConditional(condition, vars: scope, origin: origin)) { return condition }
        }
        return nil
    }

    func allTrue(_ conditions: Value, scope: VariableScope, origin: SourceLocation) throws(TemplateError) -> Bool {
        try firstFalseCondition(conditions, scope: scope, origin: origin) == nil
    }

    func evaluateWhen(_ when: Value, host: String, task: Task?, extra: PyDict) throws(TemplateError) -> Bool {
        let s = scope(for: host, task: task, extra: extra)
        return try firstFalseCondition(when, scope: s, origin: task?.location ?? play.location) == nil
    }

    /// Templates the arguments and runs the action: executor-level ones here, modules through
    /// the registry.
    func runAction(_ task: Task, host: String, scope: VariableScope) -> HostOutcome {
        let short = ModuleRegistry.shortName(task.action)
        if !ModuleCatalog.isKnown(task.action) {
            // Only an `action:`/`local_action:` module name gets here unresolved (the loader refuses the others).
            let shown = (try? engine.template(.string(task.action), vars: scope, origin: task.location))?.pythonString ?? task.action
            let message = ModuleCatalog.isKnown(shown)
                ? "runner does not run a module named by a template yet ('\(task.action)' is '\(shown)'); name the module in the task"
                : nil
            return HostOutcome(result: message.map { .failed($0) } ?? Self.taskFailure("Cannot resolve '\(shown)' to an action or module."),
                               included: nil)
        }
        // Arguments are templated one by one; an argument that renders to `omit` is dropped.
        var args = PyDict()
        for (key, raw) in task.args.dictValue?.items ?? [] {
            do {
                args[key] = try engine.template(raw, vars: scope, origin: task.location)
            } catch where error.kind == .valueOmitted {
                continue
            } catch {
                return HostOutcome(result: Self.argumentFailure(task, key: key.pythonString, error.message), included: nil)
            }
        }
        // Free-form text left over for an action that takes none (`debug: msg=a b` leaves `b`),
        // as ansible's task post-validation rejects it.
        if let raw = args["_raw_params"]?.pythonString, !raw.isEmpty, !Self.rawParamActions.contains(short),
           !(raw.hasPrefix("{{") && raw.hasSuffix("}}")) {
            let fqcn = task.action.contains(".") ? task.action : "ansible.builtin." + short
            return HostOutcome(result: TaskResult(PyDict([("failed", true), ("msg", .string("Task failed: Action '\(fqcn)' does not support raw params."))])),
                               included: nil)
        }
        switch short {
        case "set_fact":
            var result = setFact(args, host: factHost(task, host: host, scope: scope))
            markDelegated(&result, host: host, task: task, scope: scope)
            return HostOutcome(result: result, included: nil)
        case "include_vars":
            return HostOutcome(result: includeVars(args, host: host, task: task), included: nil)
        case "include_tasks":
            return includeTasks(args, host: host, task: task)
        case "include_role":
            return includeRole(args, host: host, task: task)
        case "pause":
            return HostOutcome(result: pause(args, task: task), included: nil)
        case "add_host":
            return HostOutcome(result: addHost(args), included: nil)
        case "group_by":
            return HostOutcome(result: groupBy(args, host: host), included: nil)
        case "set_stats":
            return HostOutcome(result: setStats(args), included: nil)
        default:
            break
        }
        guard let module = ModuleRegistry.module(named: task.action) else {
            return HostOutcome(result: .failed("The module \(task.action) is not implemented in this version of runner yet."), included: nil)
        }
        var connection = delegatedConnection(host: host, task: task, scope: scope)
        var timeout: TaskTimeout?
        if let raw = task.keywords["timeout"], let value = try? engine.template(raw, vars: scope, origin: task.location),
           let seconds = Self.wholeNumber(value), seconds > 0 {
            timeout = TaskTimeout(base: connection, seconds: seconds)
            connection = timeout!
        }
        if wasConcurrent { connection = ReleasingConnection(base: connection, lock: executionLock) }
        // `check_mode` and `diff` on the task (or its block or play) override --check and --diff.
        let context = ModuleContext(args: args, host: host, vars: scope, engine: engine, connection: connection,
                                    checkMode: inheritedFlag("check_mode", task: task, scope: scope) ?? options.checkMode,
                                    diffMode: inheritedFlag("diff", task: task, scope: scope) ?? options.diffMode,
                                    verbosity: options.verbosity,
                                    environment: environment(task, scope: scope), origin: task.location,
                                    searchPaths: searchPaths(for: task))
        var result = module.run(context)
        if let timeout, timeout.timedOut {
            return HostOutcome(result: TaskResult(TaskTimeout.result(timeout.seconds)), included: nil)
        }
        if short == "gather_facts", case .dict(var facts)? = result.values["ansible_facts"], !result.isFailed {
            // The gather_facts action marks the facts as gathered and keeps its result quiet at -v.
            facts["_ansible_facts_gathered"] = true
            result.values["ansible_facts"] = .dict(facts)
            result.values["_ansible_verbose_override"] = true
        }
        markDelegated(&result, host: host, task: task, scope: scope)
        return HostOutcome(result: result, included: nil)
    }

    /// An argument that cannot be templated, as ansible-core 2.21 reports it: the task failed,
    /// caused by the finalization of its arguments at the module key, caused by the value.
    static func argumentFailure(_ task: Task, key: String, _ message: String) -> TaskResult {
        let short = ModuleRegistry.shortName(task.action)
        let fqcn = task.action.contains(".") ? task.action : "ansible.builtin." + short
        let finalization = "Finalization of task args for '\(fqcn)' failed"
        let resolving = "Error while resolving value for '\(key)': \(message)"
        var v = PyDict()
        v["changed"] = false
        v["failed"] = true
        v["msg"] = .string("Task failed: \(finalization): \(resolving)")
        func cause(_ text: String, _ location: SourceLocation?) -> Value {
            .dict(PyDict([("msg", .string(text)), ("file", .string(location?.file ?? "")),
                          ("line", .int(location?.line ?? 0)), ("column", .int(location?.column ?? 0))]))
        }
        v["_ansible_error_causes"] = .list([cause(finalization + ".", task.actionLocation), cause(resolving, task.argLocations[key])])
        return TaskResult(v)
    }

    /// Actions that take free-form text (`_raw_params`), as ansible's RAW_PARAM_MODULES.
    static let rawParamActions: Set<String> = [
        "include_vars", "include_tasks", "include_role", "import_tasks", "import_role", "add_host", "group_by", "set_fact", "meta",
        "command", "shell", "raw", "script", "win_command", "win_shell",
    ]

    /// A delegated task's result names where it ran (`[web1 -> db1]`).
    func markDelegated(_ result: inout TaskResult, host: String, task: Task, scope: VariableScope) {
        guard let target = delegateTarget(host: host, task: task, scope: scope) else { return }
        result.values["_ansible_delegated_vars"] = .dict(PyDict([("ansible_delegated_host", .string(target)),
                                                                 ("ansible_host", .string(target))]))
    }

    /// The host a task's facts belong to: the delegated host with `delegate_facts: true`,
    /// else the host the task ran for.
    func factHost(_ task: Task, host: String, scope: VariableScope) -> String {
        guard inheritedFlag("delegate_facts", task: task, scope: scope) == true,
              let target = delegateTarget(host: host, task: task, scope: scope) else { return host }
        if hosts[target] == nil { hosts[target] = HostState() }
        return target
    }

    /// `factHost` from a finished result, which names the delegated host.
    func factHost(_ task: Task, host: String, result: TaskResult) -> String {
        guard let target = result.values["_ansible_delegated_vars"]?.dictValue?["ansible_delegated_host"]?.pythonString,
              inheritedFlag("delegate_facts", task: task, scope: scope(for: host, task: task, extra: PyDict())) == true else { return host }
        if hosts[target] == nil { hosts[target] = HostState() }
        return target
    }

    /// Where a module looks for a relative `src` on the controller, most specific first: the
    /// task's role, the folder of the task's file, the playbook's folder (Ansible's search path).
    /// The task's folder and the playbook's stay both listed when they are the same, as in
    /// ansible's "Searched in:" messages.
    func searchPaths(for task: Task) -> [String] {
        var paths: [String] = []
        if let roleIndex = task.roleIndex, roleIndex < playRoles.count { paths.append(playRoles[roleIndex].directory) }
        let taskDir = (task.location.file as NSString).deletingLastPathComponent
        if task.roleIndex == nil { paths.append(taskDir.isEmpty ? FileManager.default.currentDirectoryPath : taskDir) }
        if !paths.contains(play.directory) || task.roleIndex == nil { paths.append(play.directory) }
        return paths.map { $0.hasPrefix("/") ? $0 : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent($0) }
    }

    /// The connection for the host a task runs on: its own, or with `delegate_to` (and
    /// `local_action`, which delegates to localhost) the delegated host's, set up from that
    /// host's variables. The result is still reported for the original host, as in ansible.
    func delegatedConnection(host: String, task: Task, scope: VariableScope) -> any Connection {
        guard let target = delegateTarget(host: host, task: task, scope: scope) else {
            return connection(for: host, task: task, scope: scope)
        }
        if inventory.host(named: target) == nil && Inventory.localhostNames.contains(target) {
            return LocalConnection()
        }
        if hosts[target] == nil { hosts[target] = HostState() }
        let targetScope = self.scope(for: target, task: task, extra: PyDict())
        return connection(for: target, task: task, scope: targetScope)
    }

    /// The host named by `delegate_to` (templated) or `localhost` for `local_action`; nil when
    /// the task runs on its own host.
    func delegateTarget(host: String, task: Task, scope: VariableScope) -> String? {
        var target: String? = task.keywords["local_action"] != nil ? "localhost" : nil
        if let raw = task.keywords["delegate_to"], let value = try? engine.template(raw, vars: scope, origin: task.location) {
            target = value.pythonString
        }
        guard let target, target != host else { return nil }
        return target
    }

    func environment(_ task: Task, scope: VariableScope) -> [String: String] {
        guard let env = task.keywords["environment"] ?? play.keywords["environment"],
              let templated = try? engine.template(env, vars: scope, origin: task.location),
              case .dict(let d) = templated else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in d.items { out[k.pythonString] = v.pythonString }
        return out
    }
}
