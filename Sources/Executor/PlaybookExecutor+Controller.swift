import Core
import Foundation
import Inventory
import Modules
import Playbook

/// Actions ansible runs on the controller that change the run itself: `pause`, `add_host`,
/// `group_by`, `set_stats`.
extension PlaybookExecutor {
    /// `pause`: `seconds` or `minutes` (less than a second waits one second), else a prompt.
    /// Without a terminal on stdin a prompt is not waited for: a warning says so, as in ansible.
    func pause(_ args: PyDict, task: Task) -> TaskResult {
        let echo = args["echo"].flatMap { ModuleContext.boolean($0) } ?? true
        let prompt = args["prompt"].map(\.pythonString)
        if args["minutes"] != nil && args["seconds"] != nil {
            return .failed("parameters are mutually exclusive: minutes|seconds")
        }
        var seconds: Int?
        var unit = "minutes"
        if let m = args["minutes"] {
            guard let n = Self.wholeNumber(m) else { return .failed("argument 'minutes' is of type \(m.pythonTypeName) and we were unable to convert to int") }
            seconds = n * 60
        } else if let s = args["seconds"] {
            guard let n = Self.wholeNumber(s) else { return .failed("argument 'seconds' is of type \(s.pythonTypeName) and we were unable to convert to int") }
            seconds = n
            unit = "seconds"
        }
        var v = PyDict()
        v["changed"] = false
        v["rc"] = 0
        v["stderr"] = ""
        v["stdout"] = ""
        v["start"] = .string(Self.pythonNow())
        v["echo"] = .bool(echo)
        let start = Date()
        var input = ""
        if var wait = seconds {
            wait = max(wait, 1)
            callback.display("Pausing for \(wait) seconds" + (echo ? "" : " (output is hidden)"))
            if prompt != nil { callback.display("(ctrl+C then 'C' = continue early, ctrl+C then 'A' = abort)\r") }
            if wasConcurrent { executionLock.releasedSleep(Double(wait)) } else { Thread.sleep(forTimeInterval: Double(wait)) }
        } else if isatty(0) != 0 {
            callback.display("[\(task.callbackName)]\n\(prompt ?? "Press enter to continue, Ctrl+C to interrupt")\(echo ? "" : " (output is hidden)"):")
            input = readLine(strippingNewline: true) ?? ""
        } else {
            let warning = "Not waiting for response to prompt as stdin is not interactive"
            callback.warning(.warning(warning))
            v["warnings"] = .list([.string(warning)])
        }
        let duration = Date().timeIntervalSince(start)
        v["stop"] = .string(Self.pythonNow())
        v["delta"] = .int(Int(duration))
        let shown = unit == "minutes" ? (duration / 60 * 100).rounded() / 100 : (duration * 100).rounded() / 100
        v["stdout"] = .string("Paused for \(Value.float(shown).pythonString) \(unit)")
        v["user_input"] = .string(input)
        v["stdout_lines"] = .list([v["stdout"]!])
        v["stderr_lines"] = .list([])
        return TaskResult(v)
    }

    /// An int argument as ansible's `int()` takes it: floats are truncated.
    static func wholeNumber(_ value: Value) -> Int? {
        switch value {
        case .int(let i): return i
        case .float(let f): return Int(f)
        case .bool(let b): return b ? 1 : 0
        default: return Int(value.pythonString.trimmingCharacters(in: .whitespaces))
        }
    }

    /// `datetime.now()` as Python prints it: `2026-01-02 03:04:05.123456`.
    static func pythonNow() -> String {
        let now = Date()
        var t = time_t(now.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&t, &parts)
        let micros = Int((now.timeIntervalSince1970 - Double(t)) * 1_000_000)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%06d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
    }

    /// `add_host`: `name` (or `host`, `hostname`; `name:port` sets the port), `groups` (or
    /// `group`, `groupname`; a list or comma-separated), every other argument a host variable.
    func addHost(_ args: PyDict) -> TaskResult {
        guard let raw = (args["name"] ?? args["host"] ?? args["hostname"])?.pythonString, !raw.isEmpty else {
            return .failed("name or hostname arg needs to be provided")
        }
        var name = raw
        var port: Int?
        if let colon = raw.lastIndex(of: ":"), raw.filter({ $0 == ":" }).count == 1, let p = Int(raw[raw.index(after: colon)...]) {
            name = String(raw[..<colon])
            port = p
        }
        var groups: [String] = []
        if let g = args["groups"] ?? args["group"] ?? args["groupname"] {
            groups = g.listValue?.map(\.pythonString) ?? g.pythonString.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        var vars = PyDict()
        let reserved: Set<String> = ["name", "host", "hostname", "groups", "group", "groupname"]
        for (k, v) in args.items where !reserved.contains(k.pythonString) && k.pythonString != "_raw_params" { vars[k] = v }
        do {
            try inventory.addRuntimeHost(name, port: port, groups: groups, vars: vars)
        } catch {
            return .failed(error.message)
        }
        inventoryVarsCache = [:]
        if hosts[name] == nil { hosts[name] = HostState() }
        var added = PyDict()
        added["host_name"] = .string(name)
        added["groups"] = .list(groups.map(Value.string))
        added["host_vars"] = .dict(vars)
        var v = PyDict()
        v["add_host"] = .dict(added)
        v["changed"] = true
        return TaskResult(v)
    }

    /// `group_by`: the host joins the group named by `key` (spaces become dashes), under
    /// `parents` (default `all`).
    func groupBy(_ args: PyDict, host: String) -> TaskResult {
        guard let key = args["key"]?.pythonString else { return .failed("the 'key' param is required when using group_by") }
        let group = key.replacingOccurrences(of: " ", with: "-")
        let parents = (args["parents"].map { $0.listValue?.map(\.pythonString) ?? [$0.pythonString] } ?? ["all"])
            .map { $0.replacingOccurrences(of: " ", with: "-") }
        do {
            try inventory.addHostToRuntimeGroup(host, group: group, parents: parents)
        } catch {
            return .failed(error.message)
        }
        inventoryVarsCache = [:]
        var v = PyDict()
        v["add_group"] = .string(group)
        v["changed"] = true
        v["parent_groups"] = .list(parents.map(Value.string))
        return TaskResult(v)
    }

    /// `set_stats`: `data` (a dict), `per_host` (false) and `aggregate` (true); the executor
    /// folds the result into the custom stats shown after the recap.
    func setStats(_ args: PyDict) -> TaskResult {
        var data = PyDict()
        if let d = args["data"] {
            guard case .dict(let dict) = d else { return .failed("The 'data' option needs to be a dictionary/hash") }
            data = dict
        }
        var stats = PyDict()
        stats["data"] = .dict(data)
        stats["per_host"] = .bool(args["per_host"].flatMap { ModuleContext.boolean($0) } ?? false)
        stats["aggregate"] = .bool(args["aggregate"].flatMap { ModuleContext.boolean($0) } ?? true)
        var v = PyDict()
        v["ansible_stats"] = .dict(stats)
        v["changed"] = false
        return TaskResult(v)
    }

    /// A task keyword that may also sit on an enclosing block or the play (`check_mode`,
    /// `diff`), templated for the host; nil when none sets it.
    func inheritedFlag(_ name: String, task: Task, scope: @autoclosure () -> VariableScope) -> Bool? {
        let key = Value.string(name)
        guard let raw = task.keywords[key] ?? blockKeywords.reversed().lazy.compactMap({ $0[key] }).first ?? play.keywords[key] else {
            return nil
        }
        // The scope is built only for a keyword that is there (most tasks set none).
        let value = (try? engine.template(raw, vars: scope(), origin: task.location)) ?? raw
        return ModuleContext.boolean(value) ?? value.isTruthy
    }
}
