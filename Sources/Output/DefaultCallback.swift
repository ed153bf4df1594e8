import Core
import Foundation
import Modules

/// ansible-core's default stdout callback: banners padded with `*`, one line per host result,
/// `=> {...}` for failures and debug output, and the aligned PLAY RECAP.
public final class DefaultCallback: Callback, @unchecked Sendable {
    let write: (String) -> Void
    let writeError: (String) -> Void
    let verbosity: Int
    let columns = 79

    public init(verbosity: Int, write: @escaping (String) -> Void, writeError: @escaping (String) -> Void) {
        self.verbosity = verbosity
        self.write = write
        self.writeError = writeError
    }

    func banner(_ text: String) {
        let stars = max(3, columns - text.count)
        write("\n\(text) \(String(repeating: "*", count: stars))\n")
    }

    public func playStart(name: String, location: SourceLocation) { banner("PLAY [\(name)]") }

    public func noHostsMatched() { write("skipping: no hosts matched\n") }

    public func taskStart(name: String, location: SourceLocation, isHandler: Bool) {
        banner(isHandler ? "RUNNING HANDLER [\(name)]" : "TASK [\(name)]")
    }

    public func taskResult(host: String, result: TaskResult, taskName: String) {
        var shown = result.values
        let action = shown["action"]?.pythonString ?? ""
        for k in shown.keys where k.pythonString.hasPrefix("_ansible") || ["invocation", "action"].contains(k.pythonString) { shown[k] = nil }
        let debug = ["debug", "ansible.builtin.debug", "ansible.legacy.debug"].contains(action)
        let verbose = verbosity > 0 || result.values["_ansible_verbose_always"] != nil
        switch result.status {
        case .failed:
            write("fatal: [\(host)]: FAILED! => \(JSONText.encode(.dict(shown)))\n")
        case .unreachable:
            write("fatal: [\(host)]: UNREACHABLE! => \(JSONText.encode(.dict(shown)))\n")
        case .skipped:
            write("skipping: [\(host)]\n")
        case .changed, .ok:
            let word = result.status == .changed ? "changed" : "ok"
            if verbose || debug {
                var body = shown
                if debug { body["changed"] = nil }
                write("\(word): [\(host)] => \(JSONText.encode(.dict(sorted(body)), indent: 4))\n")
            } else {
                write("\(word): [\(host)]\n")
            }
        }
    }

    func sorted(_ d: PyDict) -> PyDict {
        PyDict(d.items.sorted { $0.key.pythonString < $1.key.pythonString }.map { ($0.key, $0.value) })
    }

    public func warning(_ diagnostic: Diagnostic) { writeError(DiagnosticRenderer().render(diagnostic) + "\n") }
    public func error(_ diagnostic: Diagnostic) { writeError(DiagnosticRenderer().render(diagnostic) + "\n") }

    public func recap(_ stats: [(host: String, stats: HostRecap)]) {
        banner("PLAY RECAP")
        for (host, s) in stats {
            func field(_ lead: String, _ n: Int) -> String {
                let v = String(n)
                return "\(lead)=\(v)\(String(repeating: " ", count: max(0, 4 - v.count)))"
            }
            let padded = host + String(repeating: " ", count: max(0, 26 - host.count))
            write("\(padded) : \(field("ok", s.ok)) \(field("changed", s.changed)) \(field("unreachable", s.unreachable)) \(field("failed", s.failures)) \(field("skipped", s.skipped)) \(field("rescued", s.rescued)) \(field("ignored", s.ignored))\n")
        }
        write("\n")
    }
}
