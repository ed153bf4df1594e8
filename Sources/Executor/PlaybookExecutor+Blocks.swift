import Core
import Modules
import Playbook

extension PlaybookExecutor {
    /// Runs a list of tasks and blocks on hosts; returns the hosts that failed (not rescued)
    /// inside it, so an enclosing block can send them to its `rescue`.
    @discardableResult
    func runItems(_ items: [TaskItem], hosts entering: [String], blockVars: PyDict = PyDict()) -> Set<String> {
        var failed = Set<String>()
        for item in items {
            let live = entering.filter { !failed.contains($0) && isActive($0) }
            if live.isEmpty { break }
            switch item {
            case .task(let task):
                failed.formUnion(runTask(task, on: live, blockVars: blockVars))
            case .block(let block):
                failed.formUnion(runBlock(block, on: live, blockVars: blockVars))
            }
        }
        return failed
    }

    func isActive(_ host: String) -> Bool {
        if abortPlaybook { return false }
        let s = hosts[host]!
        return !(s.failed || s.unreachable || s.ended)
    }

    /// `block`/`rescue`/`always`: hosts failing in `block` run `rescue`; a successful rescue
    /// clears the failure and counts as `rescued`; `always` runs for every host that entered.
    func runBlock(_ block: Block, on entering: [String], blockVars: PyDict) -> Set<String> {
        guard anyTaskSelected(block) else { return [] }
        blockKeywords.append(block.keywords)
        defer { blockKeywords.removeLast() }
        var vars = blockVars
        if let own = block.keywords["vars"]?.dictValue { vars.merge(own) }
        // The block's `when` is not a gate here: each task inherits it (runOnce).
        let selected = entering
        let failedInBlock = runItems(block.block, hosts: selected, blockVars: vars)
        var stillFailed = failedInBlock
        if !failedInBlock.isEmpty && !block.rescue.isEmpty {
            let rescuers = selected.filter { failedInBlock.contains($0) }
            for h in rescuers {
                // A failure that a rescue handles is counted as rescued, not as a failure.
                hosts[h]!.failed = false
                hosts[h]!.stats.rescued += 1
                hosts[h]!.stats.failures -= 1
            }
            let failedInRescue = runItems(block.rescue, hosts: rescuers, blockVars: vars)
            stillFailed = failedInRescue
            for h in rescuers where !failedInRescue.contains(h) {
                hosts[h]!.failed = false
            }
        }
        if !block.always.isEmpty {
            let everyone = selected.filter { !hosts[$0]!.unreachable && !hosts[$0]!.ended }
            var wasFailed: [String: Bool] = [:]
            for h in everyone { wasFailed[h] = hosts[h]!.failed; hosts[h]!.failed = false }
            let failedInAlways = runItems(block.always, hosts: everyone, blockVars: vars)
            for h in everyone where wasFailed[h] == true && stillFailed.contains(h) { hosts[h]!.failed = true }
            stillFailed.formUnion(failedInAlways)
        }
        for h in stillFailed { hosts[h]!.failed = true }
        return stillFailed
    }

    /// Whether any task in the block passes the tag filter (ansible skips the rest untouched).
    func anyTaskSelected(_ block: Block) -> Bool {
        (block.block + block.rescue + block.always).contains { item in
            switch item {
            case .task(let t): return options.tags.shouldRun(Set(t.tags))
            case .block(let b): return anyTaskSelected(b)
            }
        }
    }

    /// Runs notified handlers, in the order they are written, for the hosts that notified them
    /// (by name or by a `listen` topic; one notification can wake several handlers). Handlers
    /// notified by handlers run in a further pass.
    func flushHandlers(only: Set<String>? = nil) {
        var passes = 0
        while passes <= play.handlers.count {
            passes += 1
            var pending: [String: Set<String>] = [:]
            for h in playHosts where !hosts[h]!.notified.isEmpty && only.map({ $0.contains(h) }) ?? true {
                pending[h] = Set(hosts[h]!.notified)
                hosts[h]!.notified.removeAll()
            }
            if pending.isEmpty { return }
            if passes > 1 {
                // Handlers that notified handlers: announced as their pass begins.
                for h in playHosts where pending[h] != nil { announceNotified(h, notified: pending[h]!.sorted()) }
            }
            for item in play.handlers {
                guard case .task(let handler) = item else { continue }
                let names = handlerNames(handler)
                let notifiedHosts = playHosts.filter { h in
                    (isActive(h) || options.forceHandlers) && !(pending[h] ?? []).isDisjoint(with: names)
                }
                guard !notifiedHosts.isEmpty else { continue }
                runTask(handler, on: notifiedHosts, blockVars: PyDict(), isHandler: true)
            }
        }
    }

    /// At -vv, ansible's "NOTIFIED HANDLER h for host" for each handler a host's pending
    /// notifications wake, in the order they were notified, each handler once.
    func announceNotified(_ host: String, notified: [String]? = nil) {
        guard options.verbosity >= 2, let notified = notified ?? hosts[host]?.notified, !notified.isEmpty else { return }
        var seen = Set<Int>()
        for name in notified {
            for (index, item) in play.handlers.enumerated() {
                guard case .task(let handler) = item, handlerNames(handler).contains(name), seen.insert(index).inserted else { continue }
                callback.notifiedHandler(handler.callbackName, host: host)
            }
        }
    }

    /// What a notification can name a handler by: its name, `role : name` for a role's, and its
    /// `listen` topics.
    func handlerNames(_ handler: Task) -> Set<String> {
        var names = Set<String>()
        if let name = handler.name {
            names.insert(name)
            if let role = handler.roleName { names.insert("\(role) : \(name)") }
        }
        if let listen = handler.keywords["listen"] {
            for v in listen.listValue ?? [listen] { names.insert(v.pythonString) }
        }
        return names
    }

    /// The first name a task notifies that no handler of the play answers to, which ends the
    /// run in ansible-core ("The requested handler ... was not found"). Templated names, on
    /// either side, are given the benefit of the doubt.
    func unknownHandler(notifiedBy task: Task) -> String? {
        guard let notify = task.keywords["notify"] else { return nil }
        var known = Set<String>()
        for case .task(let handler) in play.handlers {
            if handler.name?.contains("{{") == true { return nil }
            known.formUnion(handlerNames(handler))
        }
        for value in notify.listValue ?? [notify] {
            let name = value.pythonString
            if !name.contains("{{"), !known.contains(name) { return name }
        }
        return nil
    }
}
