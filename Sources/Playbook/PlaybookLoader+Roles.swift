import Core
import Foundation
import YAML

extension PlaybookLoader {
    /// `import_tasks`: the file's tasks, read now, inheriting the import's tags.
    mutating func importTasks(_ task: Task, _ entry: Located, _ context: TaskContext) throws(Diagnostic) -> [TaskItem] {
        let target = Self.rawParams(task.args)
        guard let target, !target.isEmpty else {
            throw Diagnostic.error("import_tasks needs a file name", at: entry.location, kind: .parse)
        }
        guard context.depth < 40 else {
            throw Diagnostic.error("import_tasks nests more than 40 levels deep (does a file import itself?)", at: entry.location, kind: .parse)
        }
        var candidates = [target.hasPrefix("/") ? target : (context.directory as NSString).appendingPathComponent(target)]
        if let roleDirectory = context.roleDirectory, !target.hasPrefix("/") {
            candidates.append(((roleDirectory as NSString).appendingPathComponent("tasks") as NSString).appendingPathComponent(target))
        }
        guard let file = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw Diagnostic.error("Could not find or access '\(target)' (import_tasks)", at: entry.keyLocation(task.action),
                                   hint: "import_tasks paths are relative to the file that imports them (or the role's tasks/ folder).",
                                   kind: .general)
        }
        if file == context.file || context.importers.contains(file) {
            // ansible-core overflows its stack here: a role's tasks report a role recursion loop
            // (exit 1), plain playbook tasks crash (exit 250); runner names the loop instead.
            if let role = roleChain.last {
                throw Diagnostic.error(Self.roleRecursion + ": \((file as NSString).lastPathComponent) imports itself", at: role.location,
                                       hint: "Remove the import_tasks that imports its own file (or one importing it).")
            }
            throw Diagnostic.error("A recursion loop was detected: \(file) imports itself through import_tasks", at: entry.location,
                                   hint: "Remove the import_tasks that imports its own file (or one importing it); use include_tasks with a when condition to recurse.",
                                   kind: .parse)
        }
        let loaded = try YAMLLoader.loadFile(file)
        warnings += loaded.warnings
        staticImports.append(URL(fileURLWithPath: file).standardizedFileURL.path)
        var inner = context
        inner.importers.append(context.file)
        inner.file = file
        inner.directory = (file as NSString).deletingLastPathComponent
        inner.tags = task.tags
        inner.depth += 1
        if case .dict(let vars)? = task.keywords["vars"] { inner.importVars.merge(vars) }
        return try taskList(Located(value: loaded.value, node: loaded.root, file: file), inner)
    }

    /// `import_role`: the role's tasks, read now, inheriting the import's tags.
    mutating func importRole(_ task: Task, _ entry: Located, _ context: TaskContext) throws(Diagnostic) -> [TaskItem] {
        guard case .dict(let args) = task.args, let name = (args["name"] ?? args["role"])?.pythonString else {
            throw Diagnostic.error("import_role needs `name:`", at: entry.location, kind: .parse)
        }
        let tasksFrom = args["tasks_from"]?.pythonString ?? "main"
        return try roleTaskItems(named: name, tasksFrom: tasksFrom, playDirectory: context.playDirectory,
                                 tags: task.tags, at: entry.location, includeDependencies: true, depth: context.depth + 1,
                                 params: PyDict())
    }

    /// A `roles:` entry: dependencies first, then the role's tasks, all tagged with the entry's tags.
    mutating func roleTasks(_ entry: Located, playDirectory: String, inherited: [String]) throws(Diagnostic) -> [TaskItem] {
        let name: String
        var tags = inherited
        var params = PyDict()
        switch entry.value {
        case .string(let s), .unsafe(let s): name = s
        case .dict(let d):
            guard let role = d["role"] ?? d["name"] else {
                // ansible-core's RoleDefinition: an error, not a parse error (exit 1).
                throw Diagnostic.error("role definitions must contain a role name", at: entry.location,
                                       hint: "Name the role with `role:` (or `name:`) in the entry.")
            }
            name = role.pythonString
            try KeywordTypes.validate(entry, kind: "RoleInclude")
            tags += TagList.parse(d["tags"] ?? .none)
            for (k, v) in d.items where !TaskKeywords.roleEntry.contains(k.pythonString) || k.pythonString == "vars" {
                if k.pythonString == "vars", case .dict(let vars) = v { params.merge(vars) } else { params[k] = v }
            }
        default:
            throw Diagnostic.error("a roles: entry must be a role name or a mapping", at: entry.location, kind: .parse)
        }
        return try roleTaskItems(named: name, tasksFrom: "main", playDirectory: playDirectory, tags: tags,
                                 at: entry.location, includeDependencies: true, depth: 0, params: params)
    }

    mutating func roleTaskItems(named name: String, tasksFrom: String, playDirectory: String, tags: [String],
                                at loc: SourceLocation, includeDependencies: Bool, depth: Int, params: PyDict) throws(Diagnostic) -> [TaskItem] {
        guard depth < 30 else {
            throw Diagnostic.error("role '\(name)' depends on itself (dependency chain deeper than 30)", at: loc, kind: .parse)
        }
        let directory = try findRole(name, playDirectory: playDirectory, at: loc)
        let key = directory + "\u{0}" + tasksFrom
        if let first = roleChain.firstIndex(where: { $0.role == key }) {
            // Located where ansible-core reports it: the reference made by the role the loop
            // starts from (its own name, when it names itself).
            let at = first + 1 < roleChain.count ? roleChain[first + 1].location : loc
            throw Diagnostic.error(Self.roleRecursion + ": role '\(name)' is reached again from itself", at: at,
                                   hint: "Remove the dependency (or import_role) that leads back to '\(name)'.")
        }
        roleChain.append((key, loc))
        defer { roleChain.removeLast() }
        var items: [TaskItem] = []
        if includeDependencies {
            for dep in try dependencies(of: directory) {
                items += try roleTaskItems(named: dep.name, tasksFrom: "main", playDirectory: playDirectory,
                                           tags: tags + dep.tags, at: dep.location, includeDependencies: true, depth: depth + 1,
                                           params: dep.params)
            }
        }
        let roleIndex = roles.count
        roles.append(RoleInfo(name: name, directory: directory, defaults: try varsFile(directory, "defaults"),
                              vars: try varsFile(directory, "vars"), params: params))
        try loadRoleHandlers(name: name, directory: directory, roleIndex: roleIndex, tags: tags, playDirectory: playDirectory)
        guard let file = Self.mainFile(in: (directory as NSString).appendingPathComponent("tasks"), named: tasksFrom) else {
            // A role without tasks/main.yml is fine; a `tasks_from` file that is not there is not.
            guard tasksFrom == "main" else {
                throw Diagnostic.error("Could not find specified file in role: tasks/\(tasksFrom)", at: loc,
                                       hint: "tasks_from names a file of the role's tasks/ folder, with or without .yml.")
            }
            return items
        }
        let loaded = try YAMLLoader.loadFile(file)
        warnings += loaded.warnings
        let context = TaskContext(file: file, directory: (file as NSString).deletingLastPathComponent, tags: tags,
                                  roleName: name, roleDirectory: directory, roleIndex: roleIndex,
                                  playDirectory: playDirectory, depth: depth)
        items += try taskList(Located(value: loaded.value, node: loaded.root, file: file), context)
        return items
    }

    /// A role's `handlers/main.yml`, read once per play into `roleHandlers`; a file that is not
    /// a list of tasks stops the load (exit 4), as in ansible-core.
    mutating func loadRoleHandlers(name: String, directory: String, roleIndex: Int, tags: [String],
                                   playDirectory: String) throws(Diagnostic) {
        guard let file = Self.mainFile(in: (directory as NSString).appendingPathComponent("handlers"), named: "main"),
              roleHandlerFiles.insert(file).inserted else { return }
        let loaded = try YAMLLoader.loadFile(file)
        warnings += loaded.warnings
        let list = Located(value: loaded.value, node: loaded.root, file: file)
        if !list.value.isNone, list.value.listValue == nil {
            throw Diagnostic.error("The handlers/main.yml file for role '\(name)' must contain a list of tasks: \(list.value.pythonString.prefix(80)) should be a list or None but is a \(list.value.pythonTypeName)",
                                   at: list.location, hint: "Write the role's handlers as a YAML list (`- name: ...`).", kind: .parse)
        }
        var context = TaskContext(file: file, directory: (file as NSString).deletingLastPathComponent, tags: tags,
                                  roleName: name, roleDirectory: directory, roleIndex: roleIndex, playDirectory: playDirectory)
        context.isHandler = true
        roleHandlers += try taskList(list, context)
    }

    /// `defaults/main.yml` or `vars/main.yml` of a role, as a dict (empty when absent).
    mutating func varsFile(_ roleDirectory: String, _ folder: String) throws(Diagnostic) -> PyDict {
        guard let file = Self.mainFile(in: (roleDirectory as NSString).appendingPathComponent(folder), named: "main") else {
            return PyDict()
        }
        let loaded = try YAMLLoader.loadFile(file)
        warnings += loaded.warnings
        switch loaded.value {
        case .none: return PyDict()
        case .dict(let d): return d
        default:
            throw Diagnostic.error("\(folder)/main.yml of a role must be a mapping of variables", at: SourceLocation(file: file), kind: .parse)
        }
    }

    /// `tasks/main.yml`, `main.yaml`, `main` (or the `tasks_from` name with those extensions).
    static func mainFile(in directory: String, named name: String) -> String? {
        for candidate in [name, name + ".yml", name + ".yaml"] {
            let path = (directory as NSString).appendingPathComponent(candidate)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue { return path }
        }
        return nil
    }

    /// Role search order: the playbook's `roles/`, the configured roles path, the playbook dir.
    func findRole(_ name: String, playDirectory: String, at loc: SourceLocation) throws(Diagnostic) -> String {
        var searched: [String] = []
        if name.hasPrefix("/") {
            searched = [name]
        } else {
            searched.append(((playDirectory as NSString).appendingPathComponent("roles") as NSString).appendingPathComponent(name))
            for dir in rolesPath { searched.append((dir as NSString).appendingPathComponent(name)) }
            searched.append((playDirectory as NSString).appendingPathComponent(name))
        }
        for dir in searched {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue { return dir }
        }
        throw Diagnostic(.error, kind: .general,
                         "the role '\(name)' was not found in \(searched.map { ($0 as NSString).deletingLastPathComponent }.joined(separator: ":"))",
                         at: loc, hint: "Put the role under roles/ beside the playbook or set ANSIBLE_ROLES_PATH.")
    }

    /// `meta/main.yml` `dependencies:`, as names with their own tags.
    mutating func dependencies(of roleDirectory: String) throws(Diagnostic) -> [(name: String, tags: [String], location: SourceLocation, params: PyDict)] {
        guard let file = Self.mainFile(in: (roleDirectory as NSString).appendingPathComponent("meta"), named: "main") else { return [] }
        let loaded = try YAMLLoader.loadFile(file)
        warnings += loaded.warnings
        let meta = Located(value: loaded.value, node: loaded.root, file: file)
        if !meta.value.isNone, meta.dict == nil {
            let role = (roleDirectory as NSString).lastPathComponent
            throw Diagnostic.error("the 'meta/main.yml' for role \(role) is not a dictionary", at: meta.location,
                                   hint: "Write meta/main.yml as a mapping such as `dependencies: []`.", kind: .parse)
        }
        guard let deps = meta.child("dependencies"), !deps.value.isNone else { return [] }
        guard deps.value.listValue != nil else {
            throw Diagnostic.error("Expected role dependencies to be a list.", at: deps.location,
                                   hint: "Write `dependencies:` as a list of role names or mappings.", kind: .parse)
        }
        var out: [(String, [String], SourceLocation, PyDict)] = []
        for dep in deps.items {
            switch dep.value {
            case .string(let s), .unsafe(let s): out.append((s, [], dep.location, PyDict()))
            case .dict(let d):
                guard let name = (d["role"] ?? d["name"])?.pythonString else {
                    throw Diagnostic.error("a role dependency needs `role:`", at: dep.location, kind: .parse)
                }
                var params = PyDict()
                for (k, v) in d.items where !TaskKeywords.roleEntry.contains(k.pythonString) || k.pythonString == "vars" {
                    if k.pythonString == "vars", case .dict(let vars) = v { params.merge(vars) } else { params[k] = v }
                }
                out.append((name, TagList.parse(d["tags"] ?? .none), dep.location, params))
            default:
                throw Diagnostic.error("a role dependency must be a name or a mapping", at: dep.location, kind: .parse)
            }
        }
        return out
    }

    /// The file argument of `import_tasks: file.yml` or `import_tasks: {file: x}`.
    static func rawParams(_ args: Value) -> String? {
        guard case .dict(let d) = args else { return nil }
        return (d["_raw_params"] ?? d["file"])?.pythonString
    }
}
