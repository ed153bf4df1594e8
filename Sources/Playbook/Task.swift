import Core

/// One task as written: its module (action) and arguments, its keywords, and where it came from.
public struct Task: Sendable {
    public var name: String?
    /// The module or action as written (`debug`, `ansible.builtin.include_tasks`).
    public var action: String
    public var args: Value
    /// Every keyword other than the module, raw (templates are not rendered at load time).
    public var keywords: PyDict
    /// Tags of the task and of everything it sits in (play, role, blocks, imports): ansible-core
    /// extends tags from parents.
    public var tags: [String]
    /// The tags the task inherits from where it sits (play, role, blocks, imports), without its
    /// own: what an `include_*` passes to the tasks it includes.
    public var inheritedTags: [String] = []
    /// The role the task came from, for `role : name` display.
    public var roleName: String?
    /// Index into `Play.roles` of the role the task came from.
    public var roleIndex: Int?
    public var location: SourceLocation
    /// Where the module key is written, and each dict argument's value: the origins ansible's
    /// error report walks through when an argument cannot be templated.
    public var actionLocation: SourceLocation?
    public var argLocations: [String: SourceLocation] = [:]

    public init(name: String?, action: String, args: Value, keywords: PyDict, tags: [String], roleName: String? = nil,
                roleIndex: Int? = nil, location: SourceLocation) {
        self.name = name
        self.action = action
        self.args = args
        self.keywords = keywords
        self.tags = tags
        self.roleName = roleName
        self.roleIndex = roleIndex
        self.location = location
    }

    /// The name as ansible-playbook lists it: `role : name`, or the action when unnamed.
    public var displayName: String {
        if shortAction == "include_role" {
            // ansible-core names an include_role task after itself, never with the role prefix;
            // unnamed, it lists as its action alone (the role is named once it runs).
            if let name, !name.isEmpty { return name }
            return action
        }
        guard let name, !name.isEmpty else { return action }
        if let roleName { return "\(roleName) : \(name)" }
        return name
    }

    /// The name callbacks show while running: `role : name`, the role prefix kept for unnamed
    /// tasks too (`svc : ansible.builtin.include_tasks`).
    public var callbackName: String {
        let base = (name?.isEmpty == false) ? name! : action
        if shortAction == "include_role" {
            if name?.isEmpty == false { return displayName }
            if case .dict(let d) = args, let role = d["name"] { return "\(action) : \(role.pythonString)" }
            return action
        }
        if let roleName { return "\(roleName) : \(base)" }
        return base
    }

    /// The action without the `ansible.builtin.`/`ansible.legacy.` prefix.
    public var shortAction: String {
        for prefix in ["ansible.builtin.", "ansible.legacy."] where action.hasPrefix(prefix) {
            return String(action.dropFirst(prefix.count))
        }
        return action
    }
}

/// A block with its `block`/`rescue`/`always` sections.
public struct Block: Sendable {
    public var name: String?
    public var roleIndex: Int?
    public var block: [TaskItem]
    public var rescue: [TaskItem]
    public var always: [TaskItem]
    public var keywords: PyDict
    public var tags: [String]
    public var location: SourceLocation
}

/// An entry of a task list: a task or a block.
public indirect enum TaskItem: Sendable {
    case task(Task)
    case block(Block)

    public var location: SourceLocation {
        switch self {
        case .task(let task): return task.location
        case .block(let block): return block.location
        }
    }
}

/// A play: its hosts, keywords and task lists, roles already expanded into blocks.
public struct Play: Sendable {
    public var name: String
    public var hosts: Value
    public var tags: [String]
    public var keywords: PyDict
    /// Blocks in run order: pre_tasks, each role's tasks (dependencies first), tasks, post_tasks.
    public var sections: [(name: String, items: [TaskItem])]
    public var handlers: [TaskItem]
    public var location: SourceLocation
    /// Every role the play uses (entries, dependencies, imports), with their defaults and vars.
    public var roles: [RoleInfo] = []
    /// The playbook file's directory (`playbook_dir`).
    public var directory: String = "."
    /// Where an imported play keeps the `when` of its `import_playbook` (ansible's
    /// `_included_conditional`), which also decides its fact gathering.
    public static let includedConditionalKey = "_included_conditional"

    /// The play's `hosts` as ansible-playbook's `pattern:` line prints it (a Python list repr).
    public var hostsPatternRepr: String {
        switch hosts {
        case .list: return hosts.pythonRepr
        default: return Value.list([.string(hosts.pythonString)]).pythonRepr
        }
    }

    /// The hosts as ansible-playbook's listings print them (`web,db`).
    public var hostsText: String {
        switch hosts {
        case .list(let items): return items.map(\.pythonString).joined(separator: ",")
        case .none: return ""
        default: return hosts.pythonString
        }
    }
}

/// A role as a play uses it: where it lives and its `defaults/` and `vars/`.
public struct RoleInfo: Sendable {
    public var name: String
    public var directory: String
    public var defaults: PyDict
    public var vars: PyDict
    /// `vars:` and parameters given on the role entry (`- role: x` with `port: 80`).
    public var params: PyDict
    /// Whether the role's defaults and vars are visible to the rest of the play (roles:
    /// entries and import_role; include_role only with `public: true`).
    public var isPublic = true
}
