import Connection
import Core
import Foundation
import Inventory
import Jinja
import Modules
import Output
import Playbook
import Vault

/// Runs plays on hosts with the linear strategy: each task on every host of the play (in
/// inventory order) before the next task, failed hosts leaving the play, handlers flushed
/// after each section, and a recap at the end. A task runs on up to `forks` hosts at once
/// (see HostConcurrency.swift); results are reported in inventory order. A play's hosts are
/// taken in its `order` and run in `serial` batches (see PlaybookExecutor+Batches.swift);
/// `strategy: free` lets each host go through its tasks on its own.
public final class PlaybookExecutor: @unchecked Sendable {
    /// Changed at run time by `add_host` and `group_by`.
    var inventory: Inventory
    let options: RunOptions
    let callback: any Callback
    let engine = TemplateEngine()
    var loader: PlaybookLoader
    var hosts: [String: HostState] = [:]
    /// Hosts in inventory order of first appearance, for the recap.
    var hostOrder: [String] = []
    /// The play being run.
    var play: Play!
    var playRoles: [RoleInfo] = []
    var playVars = PyDict()
    /// The hosts of the running batch (all the play's hosts without `serial`).
    var playHosts: [String] = []
    /// Every host the play matched, in its `order` (`ansible_play_hosts_all`).
    var playHostsAll: [String] = []
    /// Hosts already failed when the batch started (not counted by `max_fail_percentage`).
    var batchStartFailed: Set<String> = []
    /// Set by `max_fail_percentage` or `meta: end_play`: no further batch of the play runs;
    /// `max_fail_percentage` also ends the playbook.
    var breakPlaybook = false
    var endPlay = false
    /// `set_stats` data: per host, and for the whole run under nil.
    var customStats: [(host: String?, data: PyDict)] = []
    /// `strategy: free`: task banners are printed with the results that follow them.
    var freeStrategy = false
    var lastBanner: String?
    var interrupted = false
    var inventoryVarsCache: [String: PyDict] = [:]
    var varsFilesCache: [String: PyDict] = [:]
    /// The last `magicVars` built, with what it was built for.
    var magicVarsCache: MagicVarsCache?
    /// Set when a play could not start (a broken `vars_files` file): the run stops with
    /// ansible-playbook's exit code for it, 4.
    var playLoadFailed = false
    /// How many `include_tasks`/`include_role` levels the running task sits under.
    var includeDepth = 0
    /// Deeper includes fail: a file that includes itself would otherwise recurse until the
    /// stack runs out (ansible-playbook loops forever).
    static let maxIncludeDepth = 64
    /// Each `vars_files` file parsed once per play, whatever the number of hosts (by path).
    var parsedVarsFiles: [String: Value] = [:]
    /// `vars_prompt` answers; without a terminal each prompt takes its default, as in ansible.
    var promptVars = PyDict()
    /// Set by `any_errors_fatal`: no further task or play runs.
    var abortPlaybook = false
    /// A failure that ends the run before a play starts (a vaulted vars file that cannot be
    /// decrypted): exit 1 with no play banner and no recap, as ansible-playbook does.
    var loadFailure: Diagnostic?
    /// The exit code of a `loadFailure`: 1, or 5 for a bad option value.
    var loadFailureCode: Int32 = 1
    /// Play `order` values, as ansible-core accepts them.
    static let hostOrders = ["inventory", "reverse_inventory", "sorted", "reverse_sorted", "shuffle"]
    /// Play `strategy` values runner runs (`host_pinned` as `free` less the pinning; `debug` as
    /// `linear`, without the interactive debugger).
    static let strategies: Set<String> = ["linear", "free", "host_pinned", "debug", "ansible.builtin.linear", "ansible.builtin.free",
                                          "ansible.builtin.host_pinned", "ansible.builtin.debug"]
    /// `--start-at-task`: tasks are skipped until one of this name is met.
    var startAtTask: String?
    /// One connection per host for the run, with the settings it was made from.
    var connections: [String: (key: String, connection: any Connection)] = [:]
    /// Keywords of the blocks the running task sits in, innermost last (`become` on a block
    /// applies to its tasks).
    var blockKeywords: [PyDict] {
        get { blockKeywordsByThread[ObjectIdentifier(Thread.current)] ?? [] }
        set { blockKeywordsByThread[ObjectIdentifier(Thread.current)] = newValue.isEmpty ? nil : newValue }
    }
    /// Per worker thread, since hosts of a `strategy: free` play walk their blocks at once.
    var blockKeywordsByThread: [ObjectIdentifier: [PyDict]] = [:]
    /// Held by whichever thread touches executor state; see HostConcurrency.swift.
    let executionLock = ExecutionLock()
    /// True while a task runs on several hosts at once: connections then release the lock.
    var wasConcurrent = false
    /// Under the free strategy, the `forks` slots each host's task waits for.
    var taskSlots: TaskSlots?

    public init(inventory: Inventory, options: RunOptions, callback: any Callback, loader: PlaybookLoader) {
        self.inventory = inventory
        self.options = options
        self.callback = callback
        self.loader = loader
        self.startAtTask = options.startAtTask
    }

    /// Runs every play and returns ansible-playbook's exit code.
    public func run(_ plays: [Play]) -> Int32 {
        run(playbooks: [(nil, plays, [])])
    }

    /// Runs each playbook's plays in turn, announcing each playbook that has a path (with the
    /// files its `import_tasks` read).
    public func run(playbooks: [(path: String?, plays: [Play], imports: [String])]) -> Int32 {
        defer { RunInterruption.waitIfInterrupted() }
        RunInterruption.install()
        OpenFileLimit.raiseToHardLimit()
        if let dir = options.environment["ANSIBLE_SSH_CONTROL_PATH_DIR"] { SSHControlDirectory.shared.useBaseDirectory(dir) }
        executionLock.lock_()
        defer { executionLock.unlock() }
        playbooks: for (path, plays, imports) in playbooks {
            if let path { callback.playbookStart(path: path, playCount: plays.count, imports: imports) }
            for play in plays {
                if !runPlay(play) || abortPlaybook { break playbooks }
            }
        }
        if loadFailure != nil {
            closeConnections()
            return loadFailureCode
        }
        if let name = startAtTask {
            callback.error(.error("No matching task \"\(name)\" found. Note: --start-at-task can only follow static includes."))
        }
        // The recap lists hosts sorted by name, as ansible's callbacks do.
        var stats: [(host: String, stats: HostRecap)] = []
        for name in hostOrder.sorted() { stats.append((name, hosts[name]!.stats)) }
        let showStats = Self.truthy(options.environment["ANSIBLE_SHOW_CUSTOM_STATS"])
        if showStats && callback.customStatsBeforeRecap { showCustomStats() }
        callback.recap(stats)
        if showStats && !callback.customStatsBeforeRecap { showCustomStats() }
        closeConnections()
        if playLoadFailed { return 4 }
        if hostOrder.contains(where: { hosts[$0]!.stats.unreachable > 0 }) { return 4 }
        // A host still failed at the end (`meta: clear_host_errors` forgives), as ansible's
        // failed-hosts list decides, not the recap's counts.
        if hostOrder.contains(where: { hosts[$0]!.failed }) { return 2 }
        return 0
    }

    /// Runs one play, batch by batch; false stops the playbook (every host of a batch failed,
    /// `max_fail_percentage` exceeded, `any_errors_fatal`).
    func runPlay(_ play: Play) -> Bool {
        self.play = play
        playRoles = play.roles
        magicVarsCache = nil
        let pattern: String
        do {
            let hostsValue = try engine.template(play.hosts, vars: DictVariables(options.extraVars.stringKeyed), origin: play.location)
            pattern = Self.patternText(hostsValue)
        } catch {
            // A play whose hosts cannot be templated stops the run before its banner (exit 4).
            callback.error(error.diagnostic)
            loadFailure = error.diagnostic
            loadFailureCode = 4
            return false
        }
        if let order = templatedPlayKeyword("order")?.pythonString, !Self.hostOrders.contains(order) {
            // ansible-playbook stops before the play's banner: an options error (exit 5).
            let failure = Diagnostic.error("Invalid 'order' specified for inventory hosts: \(order)", at: play.location,
                                           hint: "Use one of: \(Self.hostOrders.joined(separator: ", ")).")
            callback.error(failure)
            loadFailure = failure
            loadFailureCode = 5
            return false
        }
        let matched: [String]
        do {
            let match = try inventory.hosts(matching: pattern, limit: options.limit)
            for w in match.warnings { callback.warning(w) }
            matched = ordered(match.hosts)
        } catch {
            // A pattern no host can match (`web[99]`) ends the run with exit 1, as in ansible-playbook.
            var failure = error
            if failure.location == nil { failure.location = play.location }
            callback.error(failure)
            loadFailure = failure
            return false
        }
        playHostsAll = matched
        for h in matched where hosts[h] == nil { hosts[h] = HostState() }
        if matched.isEmpty {
            callback.playStart(name: play.name, location: play.location)
            callback.noHostsMatched()
            return true
        }
        playVars = play.keywords["vars"]?.dictValue ?? PyDict()
        do {
            promptVars = try prompt(play.keywords["vars_prompt"], location: play.location)
        } catch {
            callback.error(error)
            loadFailure = error
            return false
        }
        do {
            // Templated tags (`tags: "{{ x }}"`) select tasks by what they render to.
            let vars = VariableScope(layers: [playVars, promptVars, options.extraVars], lazy: { _ in nil })
            try self.play.renderTags { (text, location) throws(Diagnostic) in try renderTag(text, vars: vars, at: location) }
        } catch {
            callback.error(error)
            loadFailure = error
            return false
        }
        let strategy = templatedPlayKeyword("strategy")?.pythonString ?? "linear"
        guard Self.strategies.contains(strategy) else {
            // After the play's banner, located at the play, exit 1, as ansible-playbook.
            callback.playStart(name: play.name, location: play.location)
            let failure = Diagnostic.error("Invalid play strategy specified: \(strategy)", at: play.location,
                                           hint: "runner runs the linear (default) and free strategies.")
            callback.error(failure)
            loadFailure = failure
            return false
        }
        freeStrategy = ["free", "host_pinned"].contains(strategy.replacingOccurrences(of: "ansible.builtin.", with: ""))
        endPlay = false
        // vars_files that cannot be found, read or decrypted stop the run before the play starts.
        playHosts = matched
        varsFilesCache = [:]
        parsedVarsFiles = [:]
        if let failure = checkVarsFiles() {
            callback.error(failure)
            if failure.message.hasPrefix(Self.undecryptableVarsFile) { loadFailure = failure } else { playLoadFailed = true }
            return false
        }
        for batch in serialBatches(matched) {
            playHosts = batch
            // The recap lists the hosts that had a turn (not those of batches never run).
            for h in batch where !hostOrder.contains(h) { hostOrder.append(h) }
            // Hosts that failed in an earlier play stay out of later ones, as in ansible-playbook.
            for h in batch { hosts[h]!.ended = false }
            batchStartFailed = Set(batch.filter { hosts[$0]!.failed })
            callback.playStart(name: play.name, location: play.location)
            // A host's group_vars/host_vars that cannot be read stop the run after the play's
            // banner (exit 4), as ansible's vars plugins fail when the play gets its hosts' vars.
            for h in batch where inventoryVarsCache[h] == nil {
                do {
                    inventoryVarsCache[h] = try inventory.hostVariables(h)
                } catch {
                    callback.error(error)
                    loadFailure = error
                    loadFailureCode = 4
                    return false
                }
            }
            gatherFactsForPlay()
            for section in self.play.sections {
                if freeStrategy {
                    runFree(section.items, flush: section.name != "roles")
                } else {
                    runItems(section.items, hosts: activeHosts())
                    if section.name != "roles" {
                        for h in playHosts { announceNotified(h) }
                        flushHandlers()
                    }
                }
            }
            if abortPlaybook || breakPlaybook { return false }
            if endPlay { break }
            // A batch whose every host failed ends the playbook, as in ansible-playbook.
            if batch.allSatisfy({ hosts[$0]!.failed || hosts[$0]!.unreachable }) { return false }
        }
        return true
    }

    func renderTag(_ text: String, vars: VariableScope, at location: SourceLocation) throws(Diagnostic) -> Value {
        do {
            return try engine.template(.string(text), vars: vars, origin: location)
        } catch {
            throw Diagnostic.error(error.message, at: location, hint: "Define the variable (for example with -e) or fix the template.")
        }
    }

    /// `vars_prompt`, as ansible's `do_var_prompt`: each variable not given as an extra var is
    /// asked for when standard input is a terminal (`prompt [default]: `; a private one with
    /// echo off on the terminal, `confirm` asks twice), an empty answer taking the `default`.
    /// Without a terminal nothing is asked: one warning, and each variable takes its default
    /// (the text "None" when it has none, as ansible's to_text(None)).
    /// With `asking` false (explaining a variable) nothing is asked nor warned about.
    func prompt(_ prompts: Value?, location: SourceLocation, asking: Bool = true) throws(Diagnostic) -> PyDict {
        var out = PyDict()
        let interactive = asking && isatty(0) != 0
        var warned = false
        for entry in prompts?.listValue ?? [] {
            guard let d = entry.dictValue, let name = d["name"] else { continue }
            if options.extraVars.contains(name) { continue }
            if d["encrypt"].map({ !$0.isNone }) ?? false {
                throw Diagnostic.error("vars_prompt with encrypt (for \(name.pythonString)) is not implemented in this version of runner yet",
                                       at: location, hint: "Pass the hashed value with -e instead, or use ansible-playbook for this play.")
            }
            let defaultValue = d["default"].flatMap { $0.isNone ? nil : $0 }
            var answer: String?
            if interactive {
                let text = d["prompt"].map(\.pythonString) ?? name.pythonString
                let message = text.isEmpty ? "input for \(name.pythonString): "
                    : defaultValue.map { "\(text) [\($0.pythonString)]: " } ?? "\(text): "
                let hidden = d["private"].flatMap { ModuleContext.boolean($0) } ?? true
                let confirm = d["confirm"].flatMap { ModuleContext.boolean($0) } ?? false
                while true {
                    answer = Self.ask(message, hidden: hidden)
                    guard confirm else { break }
                    if Self.ask("confirm " + message, hidden: hidden) == answer { break }
                    Self.writeOutput("***** VALUES ENTERED DO NOT MATCH ****\n")
                }
            } else if asking && !warned {
                callback.warning(.warning("Not prompting as we are not in interactive mode"))
                warned = true
            }
            if (answer ?? "").isEmpty, let defaultValue {
                out[name] = defaultValue
            } else {
                out[name] = .string(answer ?? "None")
            }
        }
        return out
    }

    /// One answer: hidden ones on the terminal with echo off (getpass), others after the
    /// message on standard output, read from standard input (input()).
    static func ask(_ message: String, hidden: Bool) -> String? {
        if hidden { return VaultPasswordLoader.terminalPrompt(message) }
        writeOutput(message)
        return readLine(strippingNewline: true)
    }

    static func writeOutput(_ text: String) {
        OutputGate.pass { FileHandle.standardOutput.write(Data(text.utf8)) }
    }

    public static func truthy(_ text: String?) -> Bool {
        guard let text else { return false }
        return ["1", "true", "yes", "on", "y", "t"].contains(text.lowercased())
    }

    public static func patternText(_ value: Value) -> String {
        switch value {
        case .list(let items): return items.map(\.pythonString).joined(separator: ",")
        default: return value.pythonString
        }
    }

    /// Hosts still in the play: not failed, unreachable or ended.
    func activeHosts() -> [String] {
        if abortPlaybook { return [] }
        return playHosts.filter { !(hosts[$0]!.failed || hosts[$0]!.unreachable || hosts[$0]!.ended) }
    }
}

extension PyDict {
    /// The dict with string keys, for templating contexts.
    var stringKeyed: [String: Value] {
        var out: [String: Value] = [:]
        for (k, v) in items { out[k.pythonString] = v }
        return out
    }
}
