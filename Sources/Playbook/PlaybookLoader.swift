import Core
import Foundation
import YAML

/// Reads playbooks into `Play`s: plays, `import_playbook`, roles (with `meta` dependencies),
/// blocks, `import_tasks` (expanded here, statically) and `include_*` (kept as tasks, expanded
/// at run time), validating every keyword with its file, line and column.
public struct PlaybookLoader {
    /// Extra role directories (`ANSIBLE_ROLES_PATH`, `roles_path`), searched after the
    /// playbook's own `roles/` and before the playbook directory itself.
    public var rolesPath: [String]
    public internal(set) var warnings: [Diagnostic] = []
    /// The files `import_tasks` read, as absolute paths in the order they were read (ansible
    /// names each at -vv: "statically imported: FILE").
    public internal(set) var staticImports: [String] = []
    /// Roles met while loading the current play.
    var roles: [RoleInfo] = []
    /// The `handlers/main.yml` handlers of those roles, each role's once, dependencies first.
    var roleHandlers: [TaskItem] = []
    /// The role handler files already read for the current play.
    var roleHandlerFiles: Set<String> = []
    /// The roles being loaded, outermost first (folder and tasks file), with where each was
    /// named: a role met again in its own chain is a recursion loop.
    var roleChain: [(role: String, location: SourceLocation)] = []
    static let roleRecursion = "A recursion loop was detected with the roles specified. Make sure child roles do not have dependencies on parent roles"

    public init(rolesPath: [String] = []) { self.rolesPath = rolesPath }

    /// Loads a playbook file and everything it imports.
    public mutating func load(_ path: String) throws(Diagnostic) -> [Play] {
        try load(path, depth: 0, tags: [], importers: [])
    }

    /// `tags` are those of the `import_playbook` entries above: they apply to every imported play;
    /// `importers` the playbooks importing this one, outermost first.
    private mutating func load(_ path: String, depth: Int, tags: [String], importers: [String]) throws(Diagnostic) -> [Play] {
        guard depth < 50 else {
            throw Diagnostic.error("import_playbook nests more than 50 levels deep", at: SourceLocation(file: path), kind: .parse)
        }
        let loaded = try YAMLLoader.loadFile(path)
        warnings += loaded.warnings
        let doc = Located(value: loaded.value, node: loaded.root, file: path)
        if case .none = doc.value {
            throw Diagnostic.error("Empty playbook, nothing to do: \(path)", at: SourceLocation(file: path), kind: .parse)
        }
        guard doc.value.listValue != nil else {
            throw Diagnostic.error("A playbook must be a list of plays, got a \(doc.value.pythonTypeName) instead", at: doc.location,
                                   hint: "Start each play with `- hosts: ...`.", kind: .parse)
        }
        if doc.value.listValue?.isEmpty == true {
            throw Diagnostic.error("A playbook must contain at least one play: \(path)", at: doc.location,
                                   hint: "Add a play such as `- hosts: all`.", kind: .parse)
        }
        let directory = (path as NSString).deletingLastPathComponent
        var plays: [Play] = []
        for entry in doc.items {
            guard entry.dict != nil else {
                throw Diagnostic.error("A playbook must be a list of plays; this entry is a \(entry.value.pythonTypeName)", at: entry.location,
                                       hint: "Each play is a mapping with `hosts:` and tasks.", kind: .parse)
            }
            if let imported = entry.child("import_playbook") ?? entry.child("ansible.builtin.import_playbook")
                ?? entry.child("ansible.legacy.import_playbook") {
                try Self.validateImport(entry, imported)
                let target = imported.value.pythonString
                let file = target.hasPrefix("/") ? target : (directory as NSString).appendingPathComponent(target)
                guard FileManager.default.fileExists(atPath: file) else {
                    throw Diagnostic.error("Unable to retrieve file contents: could not find or access '\(target)'", at: imported.location,
                                           hint: "import_playbook paths are relative to the importing playbook.", kind: .general)
                }
                let standard = (file as NSString).standardizingPath
                if standard == (path as NSString).standardizingPath || importers.contains(standard) {
                    // ansible-core overflows its stack and crashes (exit 250); runner names the loop.
                    throw Diagnostic.error("A recursion loop was detected: \(target) imports itself through import_playbook", at: imported.location,
                                           hint: "Remove the import_playbook that leads back to this playbook.", kind: .parse)
                }
                var imported = try load(file, depth: depth + 1, tags: tags + TagList.parse(entry.dict?["tags"] ?? .none),
                                        importers: importers + [(path as NSString).standardizingPath])
                for i in imported.indices { Self.applyImport(entry, to: &imported[i]) }
                plays += imported
                continue
            }
            plays.append(try loadPlay(entry, directory: directory, importTags: tags))
        }
        return plays
    }

    private mutating func loadPlay(_ entry: Located, directory: String, importTags: [String]) throws(Diagnostic) -> Play {
        for (key, loc) in entry.keys where !TaskKeywords.play.contains(key) {
            throw Diagnostic.error("'\(key)' is not a valid attribute for a Play", at: loc,
                                   hint: "Check the spelling; play keywords are listed in Ansible's playbook keyword reference.", kind: .parse)
        }
        try KeywordTypes.validate(entry, kind: "Play")
        try KeywordTypes.validatePlay(entry)
        guard let hosts = entry.child("hosts") else {
            throw Diagnostic.error("the field 'hosts' is required but was not set", at: entry.location,
                                   hint: "Add `hosts: all` (or a pattern) to the play.", kind: .parse)
        }
        roles = []
        roleHandlers = []
        roleHandlerFiles = []
        let tags = (TagList.parse(entry.dict?["tags"] ?? .none) + importTags).uniqued()
        var context = TaskContext(file: entry.file, directory: directory, tags: tags, roleName: nil, roleDirectory: nil,
                                  playDirectory: directory)
        var sections: [(String, [TaskItem])] = []
        sections.append(("pre_tasks", try taskList(entry.child("pre_tasks"), context)))
        var roleItems: [TaskItem] = []
        for role in entry.child("roles")?.items ?? [] {
            roleItems += try roleTasks(role, playDirectory: directory, inherited: tags)
        }
        sections.append(("roles", roleItems))
        sections.append(("tasks", try taskList(entry.child("tasks"), context)))
        sections.append(("post_tasks", try taskList(entry.child("post_tasks"), context)))
        context.isHandler = true
        let handlers = try taskList(entry.child("handlers"), context)
        var keywords = entry.dict ?? PyDict()
        for k in ["pre_tasks", "tasks", "post_tasks", "handlers", "roles"] { keywords[k] = nil }
        let name = entry.dict?["name"].map(\.pythonString) ?? hostsName(hosts.value)
        // Roles' handlers come before the play's own, as ansible-core's compile_roles_handlers.
        var play = Play(name: name, hosts: hosts.value, tags: tags, keywords: keywords, sections: sections,
                        handlers: roleHandlers + handlers, location: entry.location)
        play.roles = roles
        play.directory = directory
        return play
    }

    /// What an `import_playbook` entry gives each play it imports, as ansible's PlaybookInclude:
    /// its `vars` over the play's own, and its `when` in front of the conditions of every
    /// top-level block and task (handlers excepted) and of the fact gathering.
    static func applyImport(_ entry: Located, to play: inout Play) {
        if case .dict(let vars)? = entry.dict?["vars"] {
            var merged = play.keywords["vars"]?.dictValue ?? PyDict()
            merged.merge(vars)
            play.keywords["vars"] = .dict(merged)
        }
        guard let when = entry.dict?["when"], !when.isNone else { return }
        let conditions = when.listValue ?? [when]
        func prepend(_ keywords: inout PyDict) {
            let own = keywords["when"].map { $0.listValue ?? [$0] } ?? []
            keywords["when"] = .list(conditions + own)
        }
        play.keywords[.string(Play.includedConditionalKey)] = .list(conditions + (play.keywords[.string(Play.includedConditionalKey)]?.listValue ?? []))
        for s in play.sections.indices {
            for i in play.sections[s].items.indices {
                switch play.sections[s].items[i] {
                case .task(var task):
                    prepend(&task.keywords)
                    play.sections[s].items[i] = .task(task)
                case .block(var block):
                    prepend(&block.keywords)
                    play.sections[s].items[i] = .block(block)
                }
            }
        }
    }

    /// An `import_playbook` entry: a file name as a string, and only `PlaybookInclude` keys
    /// beside it (exit 4 otherwise, as in ansible-core).
    static func validateImport(_ entry: Located, _ imported: Located) throws(Diagnostic) {
        for (key, loc) in entry.keys where !TaskKeywords.playbookInclude.contains(key) {
            throw Diagnostic.error("'\(key)' is not a valid attribute for a PlaybookInclude", at: loc,
                                   hint: "An import_playbook entry takes the file name and vars, tags, when; put plays in the imported file.",
                                   kind: .parse)
        }
        switch imported.value {
        case .none:
            throw Diagnostic.error("The field 'import_playbook' is required but was not set.", at: imported.location,
                                   hint: "Name the playbook file to import.", kind: .parse)
        case .list, .dict:
            throw Diagnostic.error("The field 'import_playbook' is supposed to be a string type, however the incoming data structure is a \(imported.value.pythonTypeName)",
                                   at: imported.location, hint: "Name one playbook file: `import_playbook: other.yml`.", kind: .parse)
        default: break
        }
    }

    /// An unnamed play is named after its hosts, as ansible-core does.
    private func hostsName(_ hosts: Value) -> String {
        if case .list(let items) = hosts { return items.map(\.pythonString).joined(separator: ",") }
        return hosts.pythonString
    }
}
