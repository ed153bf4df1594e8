import Connection
import Core
import Foundation

/// `raw`: the free-form text run as it is by the target's `/bin/sh` (or `executable`), with
/// no module wrapper. As in Ansible, output is not stripped, the result is always `changed`,
/// a non-zero status fails with `non-zero return code`, and check mode skips it without a
/// message. The text reaches an `executable` on a here-document descriptor, never in argv.
struct RawModule: Module {
    func run(_ context: ModuleContext) -> TaskResult {
        let command = context.string("_raw_params") ?? ""
        if context.checkMode {
            return TaskResult(PyDict([("changed", false), ("skipped", true)]))
        }
        var script: String
        if let executable = context.string("executable") {
            let fence = "__RUNNER_RAW_\(UInt64.random(in: 0..<UInt64.max))__"
            script = "\(ShellQuote.quote(executable)) /dev/fd/4 4<<'\(fence)'\n\(command)\n\(fence)\n"
        } else {
            script = "( \(command)\n)"
        }
        script = "{\n\(script)\n} </dev/null"
        let outcome: CommandOutcome
        do {
            outcome = try context.connection.run(script: script, input: nil, environment: context.environment)
        } catch {
            return TaskResult(connectionError: error)
        }
        return Self.result(outcome)
    }

    /// Ansible's result of a command run without a module: raw streams, their lines, `rc`.
    static func result(_ outcome: CommandOutcome) -> TaskResult {
        var v = PyDict()
        v["changed"] = true
        v["rc"] = .int(Int(outcome.rc))
        v["stdout"] = .string(outcome.stdout)
        v["stdout_lines"] = .list(CommandModule.splitLines(outcome.stdout).map(Value.string))
        v["stderr"] = .string(outcome.stderr)
        v["stderr_lines"] = .list(CommandModule.splitLines(outcome.stderr).map(Value.string))
        if outcome.rc != 0 {
            v["failed"] = true
            v["msg"] = "non-zero return code"
        }
        return TaskResult(v)
    }
}
