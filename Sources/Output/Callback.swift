import Core
import Modules

/// Receives the events of a run and prints them (ansible's stdout callback plugins).
public protocol Callback: AnyObject, Sendable {
    /// A playbook file's plays are about to run, after `imports` (the files its `import_tasks`
    /// read) were loaded: at -vv "statically imported: F", `PLAYBOOK: site.yml`, "N plays in".
    func playbookStart(path: String, playCount: Int, imports: [String])
    /// At -vv: a handler a host's notifications wake, announced before handlers run.
    func notifiedHandler(_ name: String, host: String)
    func playStart(name: String, location: SourceLocation)
    func noHostsMatched()
    func taskStart(name: String, location: SourceLocation, isHandler: Bool)
    /// A host's result. `ignored` is true when `ignore_errors` turned a failure into `...ignoring`;
    /// `diff` says whether the result's (or its loop items') `diff` is shown.
    func taskResult(host: String, result: TaskResult, taskName: String, location: SourceLocation, ignored: Bool,
                    diff: DiffDisplay)
    /// `include_tasks`/`include_role` done for these hosts: `file` is the included file's path
    /// or the role's name; `item` the loop item's label.
    func included(_ file: String, hosts: [String], item: String?)
    func warning(_ diagnostic: Diagnostic)
    func error(_ diagnostic: Diagnostic)
    func recap(_ stats: [(host: String, stats: HostRecap)])
    /// `max_fail_percentage` ended the play: "NO MORE HOSTS LEFT".
    func noHostsRemaining()
    /// An `until` attempt that failed: `FAILED - RETRYING: [host]: task (N retries left).`
    func retrying(host: String, taskName: String, retriesLeft: Int, result: TaskResult)
    /// A line the executor says at a verbosity it has checked (ansible's `display.vv`).
    func verbose(_ text: String)
    /// A line an action prints itself (`pause`'s "Pausing for N seconds").
    func display(_ text: String)
    /// `set_stats` data after the recap (ANSIBLE_SHOW_CUSTOM_STATS): per host, then the run's.
    func customStats(perHost: [(String, PyDict)], run: PyDict?)
    /// Whether `customStats` must come before `recap` (a callback that writes one document at
    /// the recap), instead of after it.
    var customStatsBeforeRecap: Bool { get }
}

extension Callback {
    public func playbookStart(path: String, playCount: Int, imports: [String]) {}
    public func notifiedHandler(_ name: String, host: String) {}
    public func verbose(_ text: String) {}
    public func retrying(host: String, taskName: String, retriesLeft: Int, result: TaskResult) {}
    public func noHostsRemaining() {}
    public func display(_ text: String) {}
    public func customStats(perHost: [(String, PyDict)], run: PyDict?) {}
    public var customStatsBeforeRecap: Bool { false }
}

/// Whether a result's file differences are printed, as ansible decides it: a task's own result
/// with `--diff` or the task's `diff`, each loop item's with the task's `diff` (which `--diff`
/// sets unless the task says otherwise).
public struct DiffDisplay: Sendable {
    public var result: Bool
    public var items: Bool
    public init(result: Bool, items: Bool) {
        self.result = result
        self.items = items
    }
    public static let none = DiffDisplay(result: false, items: false)
}

/// The counters of one host in the recap.
public struct HostRecap: Sendable {
    public var ok = 0, changed = 0, failures = 0, skipped = 0, unreachable = 0, rescued = 0, ignored = 0
    public init() {}
    public init(ok: Int, changed: Int, failures: Int, skipped: Int, unreachable: Int, rescued: Int, ignored: Int) {
        self.ok = ok; self.changed = changed; self.failures = failures; self.skipped = skipped
        self.unreachable = unreachable; self.rescued = rescued; self.ignored = ignored
    }
}
