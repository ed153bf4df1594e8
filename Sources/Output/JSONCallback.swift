import Core
import Foundation
import Modules

/// `ANSIBLE_STDOUT_CALLBACK=json` (ansible.posix.json): one JSON document at the end with
/// plays → tasks → hosts → result, and `stats`.
public final class JSONCallback: Callback, @unchecked Sendable {
    var plays: [Value] = []
    var tasks: [Value] = []
    var currentPlay: PyDict?
    var currentTask: PyDict?
    var currentHosts = PyDict()
    /// `set_stats` data (ANSIBLE_SHOW_CUSTOM_STATS): the document's `custom_stats` (per host)
    /// and `global_custom_stats`, as the json callback fills them.
    var customStatsPerHost = PyDict()
    var globalCustomStats = PyDict()
    let write: (String) -> Void
    let writeError: (String) -> Void

    public init(write: @escaping (String) -> Void, writeError: @escaping (String) -> Void) {
        self.write = write
        self.writeError = writeError
    }

    func closeTask() {
        guard let task = currentTask else { return }
        tasks.append(.dict(PyDict([("hosts", .dict(currentHosts)), ("task", .dict(task))])))
        currentTask = nil
        currentHosts = PyDict()
    }

    func closePlay() {
        closeTask()
        guard let play = currentPlay else { return }
        plays.append(.dict(PyDict([("play", .dict(play)), ("tasks", .list(tasks))])))
        currentPlay = nil
        tasks = []
    }

    public func playStart(name: String, location: SourceLocation) {
        closePlay()
        currentPlay = PyDict([("id", .string(UUID().uuidString)), ("name", .string(name)), ("path", .string(location.description))])
    }

    public func noHostsMatched() {}

    public func taskStart(name: String, location: SourceLocation, isHandler: Bool) {
        closeTask()
        currentTask = PyDict([("id", .string(UUID().uuidString)), ("name", .string(name)), ("path", .string(location.description))])
    }

    public func taskResult(host: String, result: TaskResult, taskName: String, location: SourceLocation, ignored: Bool,
                           diff: DiffDisplay) {
        if currentTask == nil {
            currentTask = PyDict([("id", .string(UUID().uuidString)), ("name", .string(taskName))])
        }
        // runner's own report details (`_ansible_error_*`) are for the default callback only.
        var values = result.values
        for key in values.keys where key.pythonString.hasPrefix("_ansible_error_") { values[key] = nil }
        if let items = values["results"]?.listValue {
            values["results"] = .list(items.map { item in item.dictValue.map { .dict(Self.loopItem($0)) } ?? item })
        }
        currentHosts[.string(host)] = .dict(values)
    }

    /// A loop item as ansible-core's callbacks get it: its `failed` and `skipped` flags stay
    /// with the task's result (and in `register`), and it always carries its label.
    static func loopItem(_ item: PyDict) -> PyDict {
        var out = item
        out["failed"] = nil
        out["skipped"] = nil
        if out["_ansible_item_label"] == nil, let value = item["item"] { out["_ansible_item_label"] = value }
        return out
    }

    /// The json callback has no include event; the include's own result is in the document.
    public func included(_ file: String, hosts: [String], item: String?) {}

    public func warning(_ diagnostic: Diagnostic) {
        writeError(DiagnosticRenderer().render(diagnostic) + "\n")
    }

    public func error(_ diagnostic: Diagnostic) {
        writeError(DiagnosticRenderer().render(diagnostic) + "\n")
    }

    public var customStatsBeforeRecap: Bool { true }

    public func customStats(perHost: [(String, PyDict)], run: PyDict?) {
        for (host, data) in perHost { customStatsPerHost[.string(host)] = .dict(data) }
        globalCustomStats = run ?? PyDict()
    }

    public func recap(_ stats: [(host: String, stats: HostRecap)]) {
        closePlay()
        var s = PyDict()
        for (host, r) in stats {
            s[.string(host)] = .dict(PyDict([
                ("changed", .int(r.changed)), ("failures", .int(r.failures)), ("ignored", .int(r.ignored)), ("ok", .int(r.ok)),
                ("rescued", .int(r.rescued)), ("skipped", .int(r.skipped)), ("unreachable", .int(r.unreachable)),
            ]))
        }
        let doc = PyDict([("custom_stats", .dict(customStatsPerHost)), ("global_custom_stats", .dict(globalCustomStats)),
                          ("plays", .list(plays)), ("stats", .dict(s))])
        write(JSONText.encode(.dict(doc), indent: 4) + "\n")
    }
}
