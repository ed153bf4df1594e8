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
    /// The role the task came from, for `role : name` display.
    public var roleName: String?
    public var location: SourceLocation

    /// The name as ansible-playbook lists it: `role : name`, or the action when unnamed.
    public var displayName: String {
        if shortAction == "include_role" {
            // ansible-core names an include_role task after itself, never with the role prefix.
            if let name, !name.isEmpty { return name }
            if case .dict(let d) = args, let role = d["name"] { return "\(action) : \(role.pythonString)" }
            return action
        }
        guard let name, !name.isEmpty else { return action }
        if let roleName { return "\(roleName) : \(name)" }
        return name
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

    /// The hosts as ansible-playbook's listings print them (`web,db`).
    public var hostsText: String {
        switch hosts {
        case .list(let items): return items.map(\.pythonString).joined(separator: ",")
        case .none: return ""
        default: return hosts.pythonString
        }
    }
}
