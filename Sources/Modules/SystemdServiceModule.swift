import Connection
import Core
import Foundation

/// `systemd_service` (alias `systemd`): a unit started, stopped, restarted or reloaded,
/// enabled or masked, and `daemon-reload`/`daemon-reexec`, all through `systemctl` on the
/// target, deciding as Ansible's module does from `systemctl show` (returned as `status`).
/// Where systemd is not the init, the bare `systemctl` call's failure is reported with its
/// `cmd`, `rc`, `stdout` and `stderr`, as Ansible's `check_rc` does.
struct SystemdServiceModule: Module {
    static let options: Set<String> = [
        "name", "service", "unit", "state", "enabled", "force", "masked", "daemon_reload", "daemon-reload",
        "daemon_reexec", "daemon-reexec", "scope", "no_block",
    ]

    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(Self.options, module: "systemd_service") { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in try systemd(context) }
    }

    /// The result of one systemctl call.
    struct Call {
        var rc: Int32
        var out: String
        var err: String
    }

    func systemd(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        let unit = context.string(anyOf: ["name", "service", "unit"])
        let state = try context.choice("state", ["reloaded", "restarted", "started", "stopped"], default: nil)
        let enabled = context.args["enabled"].flatMap { $0.isNone ? nil : ModuleContext.boolean($0) }
        let masked = context.args["masked"].flatMap { $0.isNone ? nil : ModuleContext.boolean($0) }
        let reload = context.bool("daemon_reload", default: context.bool("daemon-reload", default: false))
        let reexec = context.bool("daemon_reexec", default: context.bool("daemon-reexec", default: false))
        let scope = try context.choice("scope", ["system", "user", "global"], default: "system")!
        if state == nil && enabled == nil && masked == nil && !reload && !reexec {
            return .failed("one of the following is required: state, enabled, masked, daemon_reload, daemon_reexec")
        }
        if unit == nil {
            for (key, given) in [("state", state != nil), ("enabled", enabled != nil), ("masked", masked != nil)] where given {
                return .failed("missing parameter(s) required by '\(key)': name")
            }
        }
        if let unit {
            for glob in ["*", "?", "["] where unit.contains(glob) {
                return .failed("This module does not currently support using glob patterns, found '\(glob)' in service name: \(unit)")
            }
        }
        let found = try context.remote("command -v systemctl").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !found.isEmpty else {
            return .failed("Failed to find required executable \"systemctl\" in paths: /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        }
        var base = [found]
        if scope != "system" { base.append("--\(scope)") }
        if context.bool("no_block", default: false) { base.append("--no-block") }
        if context.bool("force", default: false) { base.append("--force") }
        func call(_ words: [String]) throws(ModuleFailure) -> Call {
            let line = (base + words).map(ShellQuote.quote).joined(separator: " ")
            let o = try context.remote("XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/run/user/$(id -u)} \(line) </dev/null")
            return Call(rc: o.rc, out: o.stdout, err: o.stderr)
        }
        var result = PyDict()
        result["name"] = unit.map(Value.string) ?? Value.none
        result["changed"] = false
        result["status"] = .dict(PyDict())
        for (flag, verb) in [(reload, "daemon-reload"), (reexec, "daemon-reexec")] where flag && !context.checkMode {
            let c = try call([verb])
            if c.rc != 0 { return .failed("failure \(c.rc) during \(verb): \(c.err)") }
        }
        guard let unit else { return TaskResult(result) }
        let sysv = try context.remote("[ -x /etc/init.d/\(ShellQuote.quote(unit)) ] && echo yes").stdout.hasPrefix("yes")
        var isSystemd = false
        var status = PyDict()
        let show = try call(["show", unit])
        let ignored = { (s: String) in s.contains("ignoring request") || s.contains("ignoring command") }
        if show.rc == 0 && !ignored(show.out) && !ignored(show.err) {
            status = Self.parseShow(show.out)
            let load = status["LoadState"]?.pythonString
            isSystemd = load != nil && load != "not-found"
            if isSystemd, load != "masked", let error = status["LoadError"] {
                return .failed("Error loading unit file '\(unit)': \(error.pythonString)")
            }
        } else {
            let valid: Set<String> = ["enabled", "enabled-runtime", "linked", "linked-runtime", "masked", "masked-runtime",
                                      "static", "indirect", "disabled", "generated", "transient"]
            if valid.contains(try call(["is-enabled", unit]).out.trimmingCharacters(in: .whitespacesAndNewlines)) {
                isSystemd = true
            } else if try call(["list-unit-files", unit]).rc == 0 {
                isSystemd = true
            } else {
                let bare = try call([])
                if bare.rc != 0 {
                    var v = PyDict()
                    v["cmd"] = .string(base.joined(separator: " "))
                    v["rc"] = .int(Int(bare.rc))
                    v["stdout"] = .string(bare.out)
                    v["stderr"] = .string(bare.err)
                    v["stdout_lines"] = .list(CommandModule.splitLines(bare.out).map(Value.string))
                    v["stderr_lines"] = .list(CommandModule.splitLines(bare.err).map(Value.string))
                    let text = bare.err.isEmpty ? bare.out : bare.err
                    return .failed(CommandModule.stripNewlines(text.trimmingCharacters(in: .whitespaces)), v)
                }
            }
        }
        result["status"] = .dict(status)
        let exists = isSystemd || sysv
        func missing() -> TaskResult { .failed("Could not find the requested service \(unit): host") }
        if let masked {
            let now = try call(["is-enabled", unit]).out.trimmingCharacters(in: .whitespacesAndNewlines) == "masked"
            if now != masked {
                result["changed"] = true
                let action = masked ? "mask" : "unmask"
                if !context.checkMode {
                    let c = try call([action, unit])
                    if c.rc != 0 {
                        if !exists { return missing() }
                        return .failed("Failed to \(action) the service (\(unit)): \(c.err.trimmingCharacters(in: .whitespacesAndNewlines))")
                    }
                }
            }
        }
        if let enabled {
            if !exists { return missing() }
            let c = try call(["is-enabled", unit, "-l"])
            var now = false
            if c.rc == 0 {
                now = !["enabled-runtime", "indirect", "alias"].contains(c.out.trimmingCharacters(in: .whitespacesAndNewlines))
            } else if c.rc == 1, scope == "system", sysv, !c.out.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("disabled") {
                now = try context.remote("ls /etc/rc?.d/S??\(ShellQuote.quote(unit)) >/dev/null 2>&1 && echo yes").stdout.hasPrefix("yes")
            }
            result["enabled"] = .bool(now)
            if now != enabled {
                result["changed"] = true
                let action = enabled ? "enable" : "disable"
                if !context.checkMode {
                    let c = try call([action, unit])
                    if c.rc != 0 { return .failed("Unable to \(action) service \(unit): \(c.out + c.err)") }
                }
                result["enabled"] = .bool(!now)
            }
        }
        if let state {
            if !exists { return missing() }
            result["state"] = .string(state)
            guard let active = status["ActiveState"]?.pythonString else {
                return .failed("Service is in unknown state", PyDict([("status", .dict(status))]))
            }
            let running = active == "active" || active == "activating"
            var action: String? = nil
            switch state {
            case "started": if !running { action = "start" }
            case "stopped": if running || active == "deactivating" { action = "stop" }
            default:
                action = running ? String(state.dropLast(2)) : "start"
                result["state"] = "started"
            }
            if let action {
                result["changed"] = true
                if !context.checkMode {
                    let c = try call([action, unit])
                    if c.rc != 0 { return .failed("Unable to \(action) service \(unit): \(c.err)") }
                }
            }
        }
        return TaskResult(result)
    }

    /// `systemctl show` output as a dict; a value opening with `{` runs until a line ending in `}`.
    static func parseShow(_ text: String) -> PyDict {
        var d = PyDict()
        var pending: (String, [String])? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if var p = pending {
                p.1.append(line)
                if line.hasSuffix("}") { d[.string(p.0)] = .string(p.1.joined(separator: "\n")); pending = nil } else { pending = p }
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<eq]), value = String(line[line.index(after: eq)...])
            if value.hasPrefix("{") && !value.hasSuffix("}") { pending = (key, [value]) } else { d[.string(key)] = .string(value.trimmingCharacters(in: .whitespaces)) }
        }
        return d
    }
}
