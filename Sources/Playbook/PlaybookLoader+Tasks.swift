import Core
import Foundation
import YAML

/// What a task list inherits from where it sits.
struct TaskContext {
    var file: String
    /// Where relative `import_tasks` paths are looked up.
    var directory: String
    var tags: [String]
    var roleName: String?
    var roleDirectory: String?
    var roleIndex: Int?
    /// `vars:` of enclosing `import_tasks`: task vars of every imported task (its own win).
    var importVars = PyDict()
    /// The playbook's directory, where roles are looked up.
    var playDirectory: String
    var isHandler = false
    var depth = 0
    /// The files that `import_tasks` this one, outermost first: importing one of them again
    /// would never end.
    var importers: [String] = []
}

extension PlaybookLoader {
    /// Modules whose string arguments are a command line (`_raw_params`), not `k=v` pairs.
    static let freeFormModules: Set<String> = ["command", "shell", "raw", "script", "win_command", "win_shell"]

    mutating func taskList(_ list: Located?, _ context: TaskContext) throws(Diagnostic) -> [TaskItem] {
        guard let list, !list.value.isNone else { return [] }
        guard list.value.listValue != nil else {
            throw Diagnostic.error("A list of tasks was expected here, but found a \(list.value.pythonTypeName)", at: list.location,
                                   hint: "Write tasks as a YAML list (`- name: ...`).", kind: .parse)
        }
        var items: [TaskItem] = []
        // An empty entry (`-` alone) is skipped, as ansible-core skips None in a task list.
        for entry in list.items where !entry.value.isNone {
            items += try taskItem(entry, context)
        }
        return items
    }

    mutating func taskItem(_ entry: Located, _ context: TaskContext) throws(Diagnostic) -> [TaskItem] {
        guard let dict = entry.dict else {
            throw Diagnostic.error("A task must be a mapping, but found a \(entry.value.pythonTypeName): \(entry.value.pythonRepr.prefix(80))",
                                   at: entry.location, hint: "Each task is a mapping such as `- name: ...` with one module.", kind: .parse)
        }
        let ownTags = TagList.parse(dict["tags"] ?? .none)
        if dict.contains("block") {
            for (key, loc) in entry.keys where !TaskKeywords.block.contains(key) {
                throw Diagnostic.error("'\(key)' is not a valid attribute for a Block", at: loc,
                                       hint: "A block takes block/rescue/always and task keywords, not a module.", kind: .parse)
            }
            try KeywordTypes.validate(entry, kind: "Block")
            if dict["block"]?.isNone == true {
                throw Diagnostic.error("A malformed block was encountered while loading block: the block is empty (None)", at: entry.location,
                                       hint: "Give `block:` a list of tasks.", kind: .parse)
            }
            var inner = context
            inner.tags = context.tags + ownTags
            var keywords = dict
            if !context.importVars.isEmpty {
                var vars = context.importVars
                if case .dict(let own)? = dict["vars"] { vars.merge(own) }
                keywords["vars"] = .dict(vars)
            }
            let block = Block(name: dict["name"]?.pythonString, roleIndex: context.roleIndex,
                              block: try taskList(entry.child("block"), inner),
                              rescue: try taskList(entry.child("rescue"), inner),
                              always: try taskList(entry.child("always"), inner),
                              keywords: keywords, tags: inner.tags, location: entry.location)
            return [.block(block)]
        }
        let task = try makeTask(entry, dict, context, ownTags: ownTags)
        if task.shortAction == "import_tasks" || task.shortAction == "import_role",
           dict.contains("loop") || dict.keys.contains(where: { TaskKeywords.isLoopWith($0.pythonString) }) {
            let include = task.shortAction == "import_tasks" ? "include_tasks" : "include_role"
            throw Diagnostic.error("You cannot use loops on '\(task.shortAction)' statements. You should use '\(include)' instead.",
                                   at: entry.location, hint: "Imports are static; loop over an `\(include)` instead.", kind: .parse)
        }
        if task.shortAction == "import_role" || task.shortAction == "include_role" {
            try Self.validateRoleArguments(task, at: entry.location)
        }
        switch task.shortAction {
        case "import_tasks":
            return try importTasks(task, entry, context)
        case "import_role":
            return try importRole(task, entry, context)
        default:
            return [.task(task)]
        }
    }

    func makeTask(_ entry: Located, _ dict: PyDict, _ context: TaskContext, ownTags: [String]) throws(Diagnostic) -> Task {
        try KeywordTypes.validate(entry, kind: context.isHandler ? "Handler" : "Task")
        let allowed = context.isHandler ? TaskKeywords.handler : TaskKeywords.task
        var candidates: [(String, SourceLocation)] = []
        for (key, loc) in entry.keys where !allowed.contains(key) && !TaskKeywords.isLoopWith(key) {
            candidates.append((key, loc))
        }
        for (key, loc) in entry.keys where TaskKeywords.isLoopWith(key) && !TaskKeywords.lookups.contains(String(key.dropFirst(5))) {
            throw Diagnostic.error("'\(key)' is not a valid attribute for a \(context.isHandler ? "Handler" : "Task")", at: loc,
                                   hint: "with_<name> loops over a lookup plugin; ansible-core has no lookup named '\(key.dropFirst(5))'.",
                                   kind: .parse)
        }
        var action: String
        var rawArgs: Value
        if dict["action"] != nil && dict["local_action"] != nil {
            throw Diagnostic.error("action and local_action are mutually exclusive", at: entry.location,
                                   hint: "Keep one: local_action is action with delegate_to: localhost.", kind: .parse)
        }
        if let spec = dict["action"] ?? dict["local_action"] {
            guard candidates.isEmpty else {
                throw Diagnostic.error("conflicting action statements: action, \(candidates[0].0)", at: candidates[0].1,
                                       hint: "A task runs one module: keep either `action:` or the module key.", kind: .parse)
            }
            (action, rawArgs) = try Self.actionSpec(spec, at: entry.keyLocation(dict["action"] != nil ? "action" : "local_action"))
        } else {
            guard let first = candidates.first else {
                throw Diagnostic.error("no module/action detected in task", at: entry.location,
                                       hint: "Add a module such as `ansible.builtin.debug:` to the task.", kind: .parse)
            }
            guard candidates.count == 1 else {
                throw Diagnostic.error("conflicting action statements: \(candidates.map(\.0).joined(separator: ", "))", at: candidates[1].1,
                                       hint: "A task runs exactly one module; unknown task keywords are read as modules too, so check the spelling.",
                                       kind: .parse)
            }
            action = first.0
            rawArgs = dict[first.0] ?? .none
        }
        // A module named through `action:`/`local_action:` is resolved when the task runs, as in
        // ansible-core ("Cannot resolve ... to an action or module", a failed host).
        if ["include", "ansible.builtin.include", "ansible.legacy.include"].contains(action) {
            throw Diagnostic.error("The 'ansible.builtin.include' action plugin has been removed. Use include_tasks or import_tasks instead. "
                                   + "This feature was removed from ansible-core in a release after 2023-05-16.", at: entry.location,
                                   hint: "Use include_tasks (dynamic) or import_tasks (static) with the same file.", kind: .general)
        }
        guard ModuleCatalog.isKnown(action) || dict["action"] != nil || dict["local_action"] != nil else {
            throw Diagnostic.error("couldn't resolve module/action '\(action)'. This often indicates a misspelling, missing collection, or incorrect module path.",
                                   at: entry.keyLocation(action), hint: "Check the module name; runner knows ansible.builtin modules by short name and FQCN.",
                                   kind: .parse)
        }
        var args = try Self.arguments(rawArgs, action: action, at: entry.keyLocation(action))
        if case .dict(let extra)? = dict["args"], case .dict(var merged) = args {
            merged.merge(extra)
            args = .dict(merged)
        }
        var keywords = dict
        keywords[.string(action)] = nil
        if !context.importVars.isEmpty {
            var vars = context.importVars
            if case .dict(let own)? = dict["vars"] { vars.merge(own) }
            keywords["vars"] = .dict(vars)
        }
        let name: String? = dict["name"].flatMap { $0.isNone ? nil : $0.pythonString }
        var task = Task(name: name, action: action, args: args, keywords: keywords,
                        tags: context.tags + ownTags, roleName: context.roleName, roleIndex: context.roleIndex,
                        location: entry.location)
        task.inheritedTags = context.tags
        if dict["action"] == nil && dict["local_action"] == nil {
            task.actionLocation = entry.keyLocation(action)
            if let node = entry.child(action), case .dict(let given) = node.value {
                for key in given.keys { task.argLocations[key.pythonString] = node.child(key.pythonString)?.location }
            } else if let node = entry.child(action), case .string = node.value {
                // Free-form text (`command: echo x`, `copy: src=a dest=b`): every argument parsed
                // from it has the text's origin, as in ansible.
                if case .dict(let parsed) = args { for key in parsed.keys { task.argLocations[key.pythonString] = node.location } }
            }
        }
        return task
    }

    /// Options `import_role` and `include_role` take (ansible-core's IncludeRole.VALID_ARGS).
    static let roleIncludeOptions: Set<String> = ["name", "role", "tasks_from", "vars_from", "defaults_from", "handlers_from",
                                                  "apply", "public", "allow_duplicates", "rolespec_validate"]

    /// `import_role`/`include_role` need a role name and take only their own options, checked
    /// when the playbook is loaded (exit 4), as ansible-core does for both.
    static func validateRoleArguments(_ task: Task, at location: SourceLocation) throws(Diagnostic) {
        let args = task.args.dictValue ?? PyDict()
        guard let name = args["name"] ?? args["role"], !name.isNone else {
            throw Diagnostic.error("'name' is a required field for \(task.action).", at: location,
                                   hint: "Name the role: `\(task.action): {name: my_role}`.", kind: .parse)
        }
        let unknown = args.keys.map(\.pythonString).filter { !roleIncludeOptions.contains($0) }
        if !unknown.isEmpty {
            throw Diagnostic.error("Invalid options for \(task.action): \(unknown.joined(separator: ","))", at: location,
                                   hint: "\(task.action) takes \(roleIncludeOptions.sorted().joined(separator: ", ")).", kind: .parse)
        }
    }

    /// `action: module k=v` or `action: {module: x, k: v}`.
    static func actionSpec(_ spec: Value, at loc: SourceLocation) throws(Diagnostic) -> (String, Value) {
        switch spec {
        case .string(let s), .unsafe(let s):
            // A templated module name (`action: "{{ m }} a=1"`) is kept whole, to be rendered at run time.
            if s.hasPrefix("{{"), let end = s.range(of: "}}") {
                let rest = s[end.upperBound...].trimmingCharacters(in: .whitespaces)
                return (String(s[..<end.upperBound]), rest.isEmpty ? .none : .string(rest))
            }
            let parts = s.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard let module = parts.first else {
                throw Diagnostic.error("an action is empty", at: loc, kind: .parse)
            }
            return (String(module), parts.count > 1 ? .string(String(parts[1])) : .none)
        case .dict(var d):
            guard let module = d["module"]?.pythonString else {
                throw Diagnostic.error("an action mapping needs a `module:` key", at: loc, kind: .parse)
            }
            d["module"] = nil
            return (module, .dict(d))
        default:
            throw Diagnostic.error("an action must be a string or a mapping", at: loc, kind: .parse)
        }
    }

    /// Module arguments as a dict: a mapping as is, a string split like ansible-core's
    /// `parse_kv` (free-form modules keep the command in `_raw_params`).
    static func arguments(_ raw: Value, action: String, at loc: SourceLocation) throws(Diagnostic) -> Value {
        switch raw {
        case .none: return .dict(PyDict())
        case .dict: return raw
        case .string(let s), .unsafe(let s):
            let short = action.split(separator: ".").last.map(String.init) ?? action
            do {
                return .dict(try KeyValueArguments.parse(s, checkRaw: freeFormModules.contains(short)))
            } catch {
                throw Diagnostic.error(error.description, at: loc, hint: "Balance the quotes and Jinja braces in the arguments.", kind: .parse)
            }
        case .list:
            throw Diagnostic.error("unexpected parameter type in action: list", at: loc,
                                   hint: "Give module options as a mapping or as `key=value` text.", kind: .parse)
        default:
            var d = PyDict()
            d["_raw_params"] = raw
            return .dict(d)
        }
    }
}
