import Connection
import Core
import Foundation

/// `service`: where systemd runs the target (`/run/systemd/system` exists) it is
/// `systemd_service` with the SysV-only options dropped, as Ansible's service action picks by
/// the service manager; otherwise the unit's `/etc/init.d` script (through `service` when
/// present). Whether it runs is read from `status` with Ansible's rules (rc 1-4 or 69 is
/// stopped; else a one-line "stop"/"run"/"start" answer; else rc 0 is running).
/// The script's output goes to files, not the connection, so a daemon it leaves behind never
/// holds the channel open.
struct ServiceModule: Module {
    static let options: Set<String> = ["name", "state", "sleep", "pattern", "enabled", "runlevel", "arguments", "args", "use"]

    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(Self.options, module: "service") { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in try service(context) }
    }

    func service(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        let name = try context.required("name")
        let state = try context.choice("state", ["started", "stopped", "reloaded", "restarted"], default: nil)
        let enabled = context.args["enabled"].flatMap { $0.isNone ? nil : ModuleContext.boolean($0) }
        if state == nil && enabled == nil { return .failed("one of the following is required: state, enabled") }
        let use = context.string("use") ?? "auto"
        let probe = ProbeOutput(try context.remote("""
            [ -d /run/systemd/system ] && echo 'SYSTEMD|1'
            [ -x /etc/init.d/\(ShellQuote.quote(name)) ] && echo 'INITD|1'
            command -v service >/dev/null 2>&1 && printf 'SERVICE|%s\\n' "$(command -v service)"
            """).stdout)
        if (use == "auto" && probe["SYSTEMD"] != nil) || use == "systemd" {
            var c = context
            for key in ["sleep", "pattern", "runlevel", "arguments", "args", "use"] { c.args[.string(key)] = nil }
            return SystemdServiceModule().run(c)
        }
        if context.string("pattern") != nil { return .failed("runner's service module does not support 'pattern' yet") }
        if enabled != nil { return .failed("runner's service module does not support 'enabled' for init scripts yet") }
        guard probe["INITD"] != nil else { return .failed("Could not find the requested service \(name): host") }
        let arguments = context.string(anyOf: ["arguments", "args"]) ?? ""
        let command = probe["SERVICE"].map { "\(ShellQuote.quote($0)) \(ShellQuote.quote(name))" } ?? "/etc/init.d/\(ShellQuote.quote(name))"
        func control(_ action: String) throws(ModuleFailure) -> CommandOutcome {
            try context.remote("""
                rt_o=$(mktemp) && rt_e=$(mktemp) || exit 1
                \(Self.detached) \(command) \(action) \(arguments) >"$rt_o" 2>"$rt_e" </dev/null; rt_rc=$?
                cat "$rt_o"; cat "$rt_e" >&2; rm -f "$rt_o" "$rt_e"; exit $rt_rc
                """)
        }
        let status = try control("status")
        let running = Self.running(rc: status.rc, stdout: status.stdout, name: name)
        var action: String? = nil
        switch state {
        case "started": if !running { action = "start" }
        case "stopped": if running { action = "stop" }
        case "reloaded": action = running ? "reload" : "start"
        default: action = "restart"
        }
        if context.checkMode, action != nil {
            return .ok(PyDict([("msg", "service state changed")]), changed: true)
        }
        if let action {
            var outcome: CommandOutcome
            if action == "restart" {
                let stop = try control("stop")
                if let seconds = try context.int("sleep") { Thread.sleep(forTimeInterval: Double(seconds)) }
                let start = try control("start")
                outcome = stop.rc != 0 && start.rc == 0 ? start
                    : CommandOutcome(rc: stop.rc + start.rc, stdout: stop.stdout + start.stdout, stderr: stop.stderr + start.stderr)
            } else {
                outcome = try control(action)
            }
            if outcome.rc != 0 && !outcome.stderr.contains("Job is already running") {
                return .failed(outcome.stderr.isEmpty ? outcome.stdout : outcome.stderr)
            }
        }
        var v = PyDict()
        v["changed"] = .bool(action != nil)
        v["name"] = .string(name)
        v["state"] = state == "stopped" ? "stopped" : "started"
        return TaskResult(v)
    }

    /// A prefix running a command with every descriptor above 2 closed (through bash, as dash
    /// cannot name descriptors past 9), so a daemon an init script starts holds nothing of the
    /// connection's; Ansible's `daemonize` closes them the same way.
    static let detached = #"{ if command -v bash >/dev/null 2>&1; then set -- bash -c 'for f in /proc/$$/fd/*; do n=${f##*/}; case $n in 0|1|2) ;; *) eval "exec $n>&-" ;; esac; done; exec "$@"' rt; else set --; fi; }; "$@""#

    /// Ansible's reading of an init script's `status` answer.
    static func running(rc: Int32, stdout: String, name: String) -> Bool {
        if [1, 2, 3, 4, 69].contains(rc) { return false }
        if stdout.filter({ $0 == "\n" }).count <= 1 {
            let clean = stdout.lowercased().replacingOccurrences(of: name.lowercased(), with: "")
            if clean.contains("stop") { return false }
            if clean.contains("run") { return !clean.contains("not ") }
            if clean.contains("start") && !clean.contains("not ") { return true }
            for dead in ["could not access pid file", "is dead and pid file exists", "dead but subsys locked", "dead but pid file exists"]
            where clean.contains(dead) { return false }
        }
        return rc == 0
    }
}
