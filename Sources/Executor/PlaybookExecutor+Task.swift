import Connection
import Core
import Foundation
import Jinja
import Modules
import Output
import Playbook

extension PlaybookExecutor {
    /// Runs one task on every host; returns the hosts on which it failed (errors not ignored).
    @discardableResult
    func runTask(_ task: Task, on targets: [String], blockVars: PyDict, isHandler: Bool = false) -> Set<String> {
        guard isHandler || options.tags.shouldRun(Set(task.tags)) else { return [] }
        if let start = startAtTask, !isHandler {
            // --start-at-task: shell-style match on the task's name, with or without its role.
            guard Glob.matches(start, task.name ?? "") || Glob.matches(start, task.callbackName) else { return [] }
            startAtTask = nil
        }
        let short = ModuleRegistry.shortName(task.action)
        if short == "meta" { return runMeta(task, on: targets, blockVars: blockVars) }
        if !freeStrategy { callback.taskStart(name: task.callbackName, location: task.location, isHandler: isHandler) }
        var failed = Set<String>()
        var includes: [(host: String, batch: IncludedBatch)] = []
        // `pause` and `add_host` bypass the host loop: they run once, for the first host.
        let bypass = Self.bypassesHostLoop.contains(short)
        let runOnce = (task.keywords["run_once"].flatMap { ModuleContext.boolean($0) } ?? false) || bypass
        let runHosts = runOnce ? Array(targets.filter { isActive($0) || isHandler }.prefix(1)) : targets
        let active = runHosts.filter { isActive($0) || isHandler }
        let outcomes = concurrently(active, limit: concurrency(task, hosts: active)) { host in
            guard let slots = taskSlots else { return runOnHost(task, host: host, blockVars: blockVars) }
            slots.acquire(host, releasing: executionLock)
            defer { slots.release() }
            return runOnHost(task, host: host, blockVars: blockVars)
        }
        for (host, outcome) in zip(active, outcomes) {
            if let abort = outcome.abort {
                callback.error(abort)
                loadFailure = abort
                loadFailureCode = 4
                abortPlaybook = true
                return failed
            }
            if outcome.result.isChanged, !outcome.result.isFailed, outcome.result.status != .unreachable,
               let missing = unknownHandler(notifiedBy: task) {
                // ansible-playbook stops the whole run here, before reporting the result (exit 1).
                let failure = Diagnostic.error("The requested handler '\(missing)' was not found in either the main handlers list nor in the listening handlers list",
                                               at: task.location, hint: "Name a handler of the play (or one of its `listen` topics) in `notify:`.")
                callback.error(failure)
                loadFailure = failure
                abortPlaybook = true
                return failed
            }
            if freeStrategy { announce(task, isHandler: isHandler) }
            if options.verbosity >= 2, !isHandler, outcome.result.isChanged, !outcome.result.isFailed, outcome.result.status != .unreachable,
               let notify = task.keywords["notify"] {
                // ansible-core's strategy, at -vv, as it saves each notification for the flush.
                for name in notify.listValue ?? [notify] { callback.verbose("Notification for handler \(name.pythonString) has been saved.") }
            }
            record(outcome.result, task: task, host: host, blockVars: blockVars)
            if short == "set_stats", !outcome.result.isFailed { recordStats(outcome.result, host: host) }
            cacheFacts(outcome.result, action: task.action, host: factHost(task, host: host, result: outcome.result))
            if runOnce && !bypass {
                // run_once: the one result (its register and facts) holds for every host.
                for other in targets where other != host && isActive(other) {
                    if let name = task.keywords["register"]?.pythonString { hosts[other]!.facts[.string(name)] = hosts[host]!.facts[.string(name)] }
                    if case .dict(let facts)? = outcome.result.values["ansible_facts"] { hosts[other]!.facts.merge(facts) }
                }
            }
            if outcome.result.isFailed {
                if ignoreErrors(task, host: host, blockVars: blockVars) {
                    // ansible counts an ignored failure as ok (and changed when it changed).
                    hosts[host]!.stats.ignored += 1
                    hosts[host]!.stats.ok += 1
                    if outcome.result.isChanged { hosts[host]!.stats.changed += 1 }
                } else {
                    hosts[host]!.stats.failures += 1
                    hosts[host]!.failed = true
                    hosts[host]!.failure = PyDict([("ansible_failed_task", .dict(PyDict([("name", .string(task.name ?? task.action)),
                                                                                            ("action", .string(task.action))]))),
                                                   ("ansible_failed_result", .dict(outcome.result.values))])
                    failed.insert(host)
                    if anyErrorsFatal(task) { abortPlaybook = true }
                }
            } else if outcome.result.status == .unreachable {
                if ignoreUnreachable(task, host: host, blockVars: blockVars) {
                    // ansible counts an ignored unreachable as ok and ignored; the host goes on.
                    hosts[host]!.stats.ok += 1
                    hosts[host]!.stats.ignored += 1
                } else {
                    hosts[host]!.stats.unreachable += 1
                    hosts[host]!.unreachable = true
                    failed.insert(host)
                }
            } else if outcome.result.status == .skipped {
                hosts[host]!.stats.skipped += 1
            } else {
                hosts[host]!.stats.ok += 1
                // Each item of a looped include counts as one include in ansible's recap.
                if short == "include_tasks" || short == "include_role", let items = outcome.result.values["results"]?.listValue, items.count > 1 {
                    hosts[host]!.stats.ok += items.count - 1
                }
                if outcome.result.isChanged {
                    hosts[host]!.stats.changed += 1
                    notify(task, host: host)
                }
            }
            for batch in outcome.included ?? [] { includes.append((host, batch)) }
        }
        // `included: FILE for h1, h2 => (item=x)`: one line per file and loop item, as ansible prints.
        var announced: [(shown: String, item: String?, hosts: [String])] = []
        for (host, batch) in includes {
            if let i = announced.firstIndex(where: { $0.shown == batch.shown && $0.item == batch.itemLabel }) {
                announced[i].hosts.append(host)
            } else {
                announced.append((batch.shown, batch.itemLabel, [host]))
            }
        }
        for line in announced { callback.included(line.shown, hosts: line.hosts, item: line.item) }
        if !active.isEmpty { checkMaxFailPercentage() }
        // Included tasks run after the include; hosts that included the same file with the same
        // parameters run them together, as ansible groups identical includes. The include's
        // `vars` (and its loop variables) are include params, above set_fact.
        var groups: [(key: String, batch: IncludedBatch, hosts: [String])] = []
        for (host, batch) in includes {
            var params = includeParams(task, host: host, blockVars: blockVars)
            params.merge(batch.vars)
            let key = batch.target + "\u{0}" + Value.dict(params).pythonRepr
            if let i = groups.firstIndex(where: { $0.key == key }) {
                groups[i].hosts.append(host)
            } else {
                groups.append((key, IncludedBatch(target: batch.target, items: batch.items, vars: params, shown: batch.shown), [host]))
            }
        }
        for group in groups {
            var inner = blockVars
            var merged = inner[IncludeParams.key]?.dictValue ?? PyDict()
            merged.merge(group.batch.vars)
            inner[IncludeParams.key] = .dict(merged)
            includeDepth += 1
            defer { includeDepth -= 1 }
            failed.formUnion(runItems(group.batch.items, hosts: group.hosts.filter { isActive($0) }, blockVars: inner))
        }
        return failed
    }

    /// Actions ansible runs once per task rather than per host (BYPASS_HOST_LOOP).
    static let bypassesHostLoop: Set<String> = ["pause", "add_host"]

    /// How many hosts run the task at once: `forks`, lowered by the task's `throttle`.
    func concurrency(_ task: Task, hosts: [String]) -> Int {
        var limit = options.forks
        if let raw = task.keywords["throttle"], let host = hosts.first,
           let value = try? engine.template(raw, vars: scope(for: host, task: task, extra: PyDict()), origin: task.location),
           let throttle = Int(value.pythonString), throttle > 0 {
            limit = min(limit, throttle)
        }
        return limit
    }

    func includeParams(_ task: Task, host: String, blockVars: PyDict) -> PyDict {
        guard let vars = task.keywords["vars"] else { return PyDict() }
        return vars.dictValue ?? PyDict()
    }

    func anyErrorsFatal(_ task: Task) -> Bool {
        let value = task.keywords["any_errors_fatal"] ?? play.keywords["any_errors_fatal"]
        return value.flatMap { ModuleContext.boolean($0) } ?? false
    }

    static let censoredMessage = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"

    /// `no_log: true`: what callbacks see of a result. Only the bookkeeping keys stay (as
    /// ansible-core's PRESERVE set, plus the status flags); loop items are censored one by one.
    /// The registered variable keeps the real values.
    static func censored(_ values: PyDict) -> PyDict {
        var out = PyDict()
        for key in ["_ansible_no_log", "attempts", "changed", "deprecations", "exception", "retries", "warnings",
                    "failed", "skipped", "unreachable"] {
            if let v = values[.string(key)] { out[.string(key)] = v }
        }
        out["censored"] = .string(censoredMessage)
        if let items = values["results"]?.listValue {
            out["results"] = .list(items.map { item in item.dictValue.map { .dict(censored($0)) } ?? item })
        }
        return out
    }

    /// `no_log` from the task, its blocks or the play.
    func noLog(_ task: Task, host: String) -> Bool {
        inheritedFlag("no_log", task: task, scope: scope(for: host, task: task, extra: PyDict())) ?? false
    }

    func ignoreErrors(_ task: Task, host: String, blockVars: PyDict) -> Bool {
        guard let v = task.keywords["ignore_errors"] else { return false }
        let templated = (try? engine.template(v, vars: scope(for: host, task: task, extra: blockVars), origin: task.location)) ?? v
        return ModuleContext.boolean(templated) ?? false
    }

    func ignoreUnreachable(_ task: Task, host: String, blockVars: PyDict) -> Bool {
        inheritedFlag("ignore_unreachable", task: task, scope: scope(for: host, task: task, extra: blockVars)) ?? false
    }

    func notify(_ task: Task, host: String) {
        guard let n = task.keywords["notify"] else { return }
        for v in n.listValue ?? [n] { hosts[host]!.notified.append(v.pythonString) }
    }

    /// Records a result on the callback and into `register`.
    func record(_ result: TaskResult, task: Task, host: String, blockVars: PyDict = PyDict()) {
        var shown = result
        if noLog(task, host: host) { shown.values = Self.censored(result.values) }
        shown.values["action"] = .string(task.action)
        let ignored = (result.isFailed && ignoreErrors(task, host: host, blockVars: blockVars))
            || (result.status == .unreachable && ignoreUnreachable(task, host: host, blockVars: blockVars))
        // A module only returns `diff` in diff mode; the task's own `diff` decides for its loop
        // items, `--diff` or the task's for the whole result (ansible's strategy and executor).
        let taskDiff = inheritedFlag("diff", task: task, scope: scope(for: host, task: task, extra: blockVars)) ?? options.diffMode
        callback.taskResult(host: host, result: shown, taskName: task.displayName, location: task.location, ignored: ignored,
                            diff: DiffDisplay(result: options.diffMode || taskDiff, items: taskDiff))
        if let name = task.keywords["register"]?.pythonString {
            var registered = result.values
            if registered["failed"] == nil { registered["failed"] = false }
            for k in registered.keys where k.pythonString.hasPrefix("_ansible") { registered[k] = nil }
            hosts[host]!.facts[.string(name)] = .dict(registered)
        }
    }

    struct HostOutcome {
        var result: TaskResult
        var included: [IncludedBatch]?
        /// A parse error in a file an include brought in: ansible-playbook ends the whole run
        /// there (exit 4) instead of failing the host.
        var abort: Diagnostic? = nil
    }

    /// Tasks an include brought in for one host (one per loop item), with the variables they see.
    struct IncludedBatch {
        var target: String
        var items: [TaskItem]
        var vars: PyDict
        /// What the `included:` line names: the included file's path, or the role's name.
        var shown: String
        /// The loop item's label, for `=> (item=...)`.
        var itemLabel: String? = nil
    }

    /// `when`, loops, the module, `changed_when`/`failed_when`, `until` on one host.
    func runOnHost(_ task: Task, host: String, blockVars: PyDict) -> HostOutcome {
        let base = scope(for: host, task: task, extra: blockVars)
        guard let loopValue = task.keywords["loop"] ?? task.keywords.items.first(where: { $0.key.pythonString.hasPrefix("with_") })?.value else {
            return runOnce(task, host: host, scope: base, extra: blockVars)
        }
        let items: [Value]
        do {
            items = try loopItems(task, loopValue, scope: base)
        } catch {
            return HostOutcome(result: .failed(error.message), included: nil)
        }
        let control = task.keywords["loop_control"]?.dictValue ?? PyDict()
        let loopVar = control["loop_var"]?.pythonString ?? "item"
        let indexVar = control["index_var"]?.pythonString
        if items.isEmpty {
            var v = PyDict()
            v["changed"] = false
            v["results"] = .list([])
            v["skipped"] = true
            v["skip_reason"] = "No items in the list"
            v["skipped_reason"] = "No items in the list"
            return HostOutcome(result: TaskResult(v), included: nil)
        }
        var results: [Value] = []
        var anyChanged = false, anyFailed = false, allSkipped = true
        var included: [IncludedBatch] = []
        for (i, item) in items.enumerated() {
            var loopVars = PyDict()
            loopVars[.string(loopVar)] = item
            if let indexVar { loopVars[.string(indexVar)] = .int(i) }
            if control["extended"].map({ ModuleContext.boolean($0) ?? false }) == true {
                loopVars["ansible_loop"] = Self.extendedLoop(items, i)
            }
            var extra = blockVars
            extra.merge(loopVars)
            let outcome = runOnce(task, host: host, scope: base.overlay(loopVars), extra: extra)
            if outcome.abort != nil { return outcome }
            var r = outcome.result.values
            for (k, v) in loopVars.items { r[k] = v }
            r["ansible_loop_var"] = .string(loopVar)
            if let indexVar { r["ansible_index_var"] = .string(indexVar) }
            if let label = control["label"] {
                r["_ansible_item_label"] = (try? engine.template(label, vars: base.overlay(loopVars), origin: task.location)) ?? label
            }
            anyChanged = anyChanged || outcome.result.isChanged
            anyFailed = anyFailed || outcome.result.isFailed
            allSkipped = allSkipped && outcome.result.status == .skipped
            results.append(.dict(r))
            for var batch in outcome.included ?? [] {
                batch.vars.merge(loopVars)
                batch.itemLabel = (r["_ansible_item_label"] ?? item).pythonString
                included.append(batch)
            }
        }
        var v = PyDict()
        v["changed"] = .bool(anyChanged)
        v["msg"] = .string(anyFailed ? "One or more items failed" : allSkipped ? "All items skipped" : "All items completed")
        if anyFailed { v["failed"] = true }
        if allSkipped { v["skipped"] = true }
        v["results"] = .list(results)
        return HostOutcome(result: TaskResult(v), included: included.isEmpty ? nil : included)
    }

    static func extendedLoop(_ items: [Value], _ i: Int) -> Value {
        var d = PyDict()
        d["allitems"] = .list(items)
        d["index"] = .int(i + 1)
        d["index0"] = .int(i)
        d["revindex"] = .int(items.count - i)
        d["revindex0"] = .int(items.count - i - 1)
        d["first"] = .bool(i == 0)
        d["last"] = .bool(i == items.count - 1)
        d["length"] = .int(items.count)
        if i > 0 { d["previtem"] = items[i - 1] }
        if i + 1 < items.count { d["nextitem"] = items[i + 1] }
        return .dict(d)
    }

    /// `loop:` templated to a list, or `with_<lookup>:` through the lookup of that name.
    func loopItems(_ task: Task, _ raw: Value, scope: VariableScope) throws(TemplateError) -> [Value] {
        let value = try engine.template(raw, vars: scope, origin: task.location)
        if task.keywords["loop"] != nil {
            guard let list = value.listValue else {
                throw TemplateError(.template, "Invalid data passed to 'loop', it requires a list, got this instead: \(value.pythonString). Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.", origin: task.location)
            }
            return list
        }
        let key = task.keywords.keys.first { $0.pythonString.hasPrefix("with_") }!.pythonString
        let lookup = String(key.dropFirst(5))
        switch lookup {
        case "items":
            let terms = value.listValue ?? [value]
            return terms.flatMap { $0.listValue ?? [$0] }
        case "list":
            return value.listValue ?? [value]
        case "dict":
            guard case .dict(let d) = value else { return [] }
            return d.items.map { .dict(PyDict([("key", $0.key), ("value", $0.value)])) }
        default:
            // with_<lookup>: TERMS is query('<lookup>', *TERMS) when TERMS is a list.
            let terms = scope.overlay(PyDict([("__runner_terms", value)]))
            let call = value.listValue != nil ? "*__runner_terms" : "__runner_terms"
            let result = try engine.template(.string("{{ query('\(lookup)', \(call)) }}"), vars: terms, origin: task.location)
            return result.listValue ?? [result]
        }
    }
}
