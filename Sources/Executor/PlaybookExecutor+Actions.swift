import Core
import Foundation
import Jinja
import Modules
import Playbook
import YAML

/// Actions the executor itself performs: facts, included variables and tasks, `meta`.
extension PlaybookExecutor {
    /// `set_fact`: `key: value` pairs (or `k=v` strings, which stay strings) become host facts.
    func setFact(_ args: PyDict, host: String) -> TaskResult {
        var facts = PyDict()
        for (k, v) in args.items where k.pythonString != "cacheable" && k.pythonString != "_raw_params" {
            // A templated name is checked by ansible-core once rendered; runner does not render names.
            guard KeywordTypes.isIdentifier(k.pythonString) || k.pythonString.contains("{{") else {
                return Self.taskFailure("Invalid variable name '\(k.pythonString)'.")
            }
            facts[k] = v
        }
        if facts.isEmpty { return .failed("No key/value pairs provided, at least one is required for this action to succeed") }
        hosts[host]!.facts.merge(facts)
        if args["cacheable"].flatMap({ ModuleContext.boolean($0) }) == true { hosts[host]!.cachedFacts.merge(facts) }
        var v = PyDict()
        v["ansible_facts"] = .dict(facts)
        v["changed"] = false
        return TaskResult(v)
    }

    /// `include_vars`: a YAML/JSON file (relative to the role's `vars/`, the task's folder or
    /// the playbook) becomes host variables above play and task vars.
    /// Options `include_vars` takes (ansible-core's action: file, dir and common arguments).
    static let includeVarsOptions: Set<String> = ["_raw_params", "file", "dir", "depth", "files_matching", "ignore_files",
                                                  "extensions", "ignore_unknown_extensions", "name", "hash_behaviour"]

    func includeVars(_ args: PyDict, host: String, task: Task) -> TaskResult {
        if let unknown = args.keys.first(where: { !Self.includeVarsOptions.contains($0.pythonString) }) {
            return Self.taskFailure("\(unknown.pythonString) is not a valid option in include_vars")
        }
        guard let target = (args["_raw_params"] ?? args["file"])?.pythonString else {
            return .failed("include_vars needs a file name (dir is not supported yet)")
        }
        var candidates: [String] = []
        if target.hasPrefix("/") {
            candidates = [target]
        } else {
            if let roleIndex = task.roleIndex, roleIndex < playRoles.count {
                candidates.append(((playRoles[roleIndex].directory as NSString).appendingPathComponent("vars") as NSString).appendingPathComponent(target))
            }
            let taskDir = (task.location.file as NSString).deletingLastPathComponent
            candidates.append(((taskDir as NSString).appendingPathComponent("vars") as NSString).appendingPathComponent(target))
            candidates.append((taskDir as NSString).appendingPathComponent(target))
            candidates.append(((play.directory as NSString).appendingPathComponent("vars") as NSString).appendingPathComponent(target))
            candidates.append((play.directory as NSString).appendingPathComponent(target))
        }
        guard let file = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            return .failed("Could not find or access '\(target)'")
        }
        let loaded: YAMLLoader.Loaded
        do {
            loaded = try YAMLLoader.loadFile(file)
        } catch {
            return .failed(error.message)
        }
        var facts = PyDict()
        switch loaded.value {
        case .none: break
        case .dict(let d): facts = d
        default: return .failed("\(file) must be stored as a dictionary/hash")
        }
        if let name = args["name"]?.pythonString {
            var wrapped = PyDict()
            wrapped[.string(name)] = .dict(facts)
            facts = wrapped
        }
        hosts[host]!.includedVars.merge(facts)
        var v = PyDict()
        v["ansible_facts"] = .dict(facts)
        v["ansible_included_var_files"] = .list([.string(URL(fileURLWithPath: file).standardizedFileURL.path)])
        v["changed"] = false
        return TaskResult(v)
    }

    /// A failure when includes nest deeper than `maxIncludeDepth` (an include of itself).
    func includeTooDeep(_ target: String) -> HostOutcome? {
        guard includeDepth >= Self.maxIncludeDepth else { return nil }
        return HostOutcome(result: .failed("Includes nested \(Self.maxIncludeDepth) levels deep at \(target): "
                                           + "it probably includes itself; stop the recursion with a 'when' condition"), included: nil)
    }

    /// `include_tasks`: the file's tasks run on this host right after the include.
    func includeTasks(_ args: PyDict, host: String, task: Task) -> HostOutcome {
        guard let target = (args["_raw_params"] ?? args["file"])?.pythonString else {
            return HostOutcome(result: .failed("No file specified for include_tasks"), included: nil)
        }
        if let tooDeep = includeTooDeep(target) { return tooDeep }
        let roleDirectory = task.roleIndex.flatMap { $0 < playRoles.count ? playRoles[$0].directory : nil }
        let applyTags = task.inheritedTags + TagListValue.tags(args["apply"]?.dictValue?["tags"])
        do {
            let (file, items) = try loader.includeTasks(target, from: task, playDirectory: play.directory, roleDirectory: roleDirectory,
                                                inheritedTags: applyTags)
            var v = PyDict()
            v["changed"] = false
            v["include"] = .string(target)
            return HostOutcome(result: TaskResult(v), included: [IncludedBatch(target: target, items: items, vars: PyDict(),
                                                                                        shown: URL(fileURLWithPath: file).standardizedFileURL.path)])
        } catch where error.message.hasPrefix("Unable to retrieve file contents.") {
            // Reported in ansible's words for a missing controller file (with the remote_src
            // advice); runner keeps the task's origin under it, which ansible leaves out.
            var v = PyDict()
            v["changed"] = false
            v["failed"] = true
            v["msg"] = .string(error.message)
            v["_ansible_error_summary"] = .string(error.message + " If you are using a module and expect the file to exist on the remote, see the remote_src option.")
            v["_ansible_error_own_words"] = true
            return HostOutcome(result: TaskResult(v), included: nil)
        } catch where error.kind != .parse && error.location.map({ $0.file != task.location.file && $0.line > 0 }) == true {
            // A fault inside the included file (not a list of tasks): reported where it is.
            var v = PyDict()
            v["changed"] = false
            v["failed"] = true
            v["msg"] = .string(error.message)
            v["_ansible_error_own_words"] = true
            let at = error.location!
            v["_ansible_error_origin"] = .dict(PyDict([("file", .string(at.file)), ("line", .int(at.line)), ("column", .int(at.column))]))
            return HostOutcome(result: TaskResult(v), included: nil)
        } catch {
            return HostOutcome(result: .failed(error.message), included: nil, abort: error.kind == .parse ? error : nil)
        }
    }

    /// `include_role`: the role's tasks run on this host right after the include.
    func includeRole(_ args: PyDict, host: String, task: Task) -> HostOutcome {
        guard let name = (args["name"] ?? args["role"])?.pythonString else {
            return HostOutcome(result: .failed("'name' is a required field for include_role."), included: nil)
        }
        if let tooDeep = includeTooDeep("role \(name)") { return tooDeep }
        let applyTags = task.inheritedTags + TagListValue.tags(args["apply"]?.dictValue?["tags"])
        do {
            let (roles, items, handlers) = try loader.includeRole(name, tasksFrom: args["tasks_from"]?.pythonString ?? "main",
                                                         playDirectory: play.directory, inheritedTags: applyTags, at: task.location)
            let offset = playRoles.count
            let isPublic = args["public"].flatMap { ModuleContext.boolean($0) } ?? false
            playRoles += roles.map { var r = $0; r.isPublic = isPublic; return r }
            // The role's handlers join the play's, once whatever the number of includes.
            for handler in handlers.map({ Self.shiftRoles($0, by: offset) }) where !play.handlers.contains(where: { $0.location == handler.location }) {
                play.handlers.append(handler)
            }
            var v = PyDict()
            v["changed"] = false
            v["include_args"] = .dict(args)
            return HostOutcome(result: TaskResult(v), included: [IncludedBatch(target: "role:" + name,
                                                                               items: items.map { Self.shiftRoles($0, by: offset) }, vars: PyDict(),
                                                                               shown: name)])
        } catch {
            return HostOutcome(result: .failed(error.message), included: nil, abort: error.kind == .parse ? error : nil)
        }
    }

    static func shiftRoles(_ item: TaskItem, by offset: Int) -> TaskItem {
        switch item {
        case .task(var t):
            t.roleIndex = t.roleIndex.map { $0 + offset }
            return .task(t)
        case .block(var b):
            b.roleIndex = b.roleIndex.map { $0 + offset }
            b.block = b.block.map { shiftRoles($0, by: offset) }
            b.rescue = b.rescue.map { shiftRoles($0, by: offset) }
            b.always = b.always.map { shiftRoles($0, by: offset) }
            return .block(b)
        }
    }

    /// `meta`: `flush_handlers`, `end_play`, `end_host`, `noop`, `clear_facts`,
    /// `clear_host_errors`, `refresh_inventory`, `reset_connection`. ansible's linear strategy
    /// runs a meta task host by host, so callbacks see one task start per host.
    func runMeta(_ task: Task, on targets: [String], blockVars: PyDict) -> Set<String> {
        let action = (task.args.dictValue?["_raw_params"])?.pythonString ?? ""
        func applies(_ host: String) -> Bool {
            let conditions = blockKeywords.compactMap { $0["when"] } + (task.keywords["when"].map { [$0] } ?? [])
            return conditions.allSatisfy { (try? evaluateWhen($0, host: host, task: task, extra: blockVars)) ?? false }
        }
        var flush = false
        for host in targets {
            callback.taskStart(name: task.callbackName, location: task.location, isHandler: false)
            if action == "flush_handlers", applies(host) { announceNotified(host) }
            if options.verbosity >= 2, let header = Self.metaHeader(action, applies: applies(host), host: host) {
                callback.verbose("META: \(header)")
            }
            switch action {
            case "flush_handlers":
                flush = true
            case "end_play", "end_batch":
                // Run once, for the first host: it ends the batch (and with end_play the play's
                // later batches) for every host, or is skipped.
                if applies(host) {
                    for h in playHosts { hosts[h]!.ended = true }
                    if action == "end_play" { endPlay = true }
                } else {
                    var v = PyDict()
                    v["changed"] = false
                    v["skip_reason"] = .string("\(action) conditional evaluated to False, " + (action == "end_play" ? "continuing play" : "continuing current batch"))
                    v["skipped"] = true
                    callback.taskResult(host: host, result: TaskResult(v), taskName: task.displayName, location: task.location, ignored: false,
                                        diff: .none)
                }
                return []
            case "end_host":
                if applies(host) {
                    hosts[host]!.ended = true
                } else {
                    var v = PyDict()
                    v["changed"] = false
                    v["msg"] = .string("end_host conditional evaluated to false, continuing execution for \(host)")
                    v["skip_reason"] = .string("end_host conditional evaluated to False, continuing execution for \(host)")
                    v["skipped"] = true
                    callback.taskResult(host: host, result: TaskResult(v), taskName: task.displayName, location: task.location, ignored: false,
                                        diff: .none)
                }
            case "clear_facts":
                // Empties the fact cache (ansible_facts); set_fact values stay, as in ansible-core.
                if applies(host) { hosts[host]!.cachedFacts = PyDict() }
            case "clear_host_errors":
                if applies(host) { for h in playHosts { hosts[h]!.failed = false } }
            default:
                break
            }
        }
        if flush { flushHandlers() }
        return []
    }
}

extension PlaybookExecutor {
    /// What ansible-core's strategy says of a meta task at -vv: its message when it acts, else
    /// why it was skipped.
    static func metaHeader(_ action: String, applies: Bool, host: String) -> String? {
        let skipped = "\(action) conditional evaluated to False"
        switch action {
        case "noop": return "noop"
        case "flush_handlers": return applies ? "triggered running handlers for \(host)" : skipped + ", not running handlers for \(host)"
        case "refresh_inventory": return "inventory successfully refreshed"
        case "clear_facts": return applies ? "facts cleared" : skipped + ", not clearing facts and fact cache for \(host)"
        case "clear_host_errors": return applies ? "cleared host errors" : skipped + ", not clearing host error state for \(host)"
        case "end_batch": return applies ? "ending batch" : skipped + ", continuing current batch"
        case "end_play": return applies ? "ending play" : skipped + ", continuing play"
        case "end_host": return applies ? "ending play for \(host)" : skipped + ", continuing execution for \(host)"
        case "reset_connection": return "reset connection"
        default: return nil
        }
    }
}

/// Tags given as a value (a list or a comma-separated string).
enum TagListValue {
    static func tags(_ value: Value?) -> [String] {
        guard let value else { return [] }
        switch value {
        case .list(let items): return items.map(\.pythonString)
        case .string(let s): return s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        default: return [value.pythonString]
        }
    }
}
