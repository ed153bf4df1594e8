import Core
import Foundation
import YAML

/// Run-time loading for `include_tasks` and `include_role`: the included tasks do not inherit
/// the include's tags (ansible-core gives them only through `apply` or an enclosing block).
extension PlaybookLoader {
    /// The tasks of a file named by `include_tasks`, relative to the including file's folder,
    /// the role's `tasks/` folder, or the playbook folder.
    public mutating func includeTasks(_ target: String, from task: Task, playDirectory: String, roleDirectory: String?,
                                      inheritedTags: [String]) throws(Diagnostic) -> (file: String, items: [TaskItem]) {
        let including = (task.location.file as NSString).deletingLastPathComponent
        var candidates: [String] = []
        if target.hasPrefix("/") {
            candidates = [target]
        } else {
            if let roleDirectory {
                candidates.append(((roleDirectory as NSString).appendingPathComponent("tasks") as NSString).appendingPathComponent(target))
            }
            candidates.append((including as NSString).appendingPathComponent(target))
            candidates.append((playDirectory as NSString).appendingPathComponent(target))
        }
        guard let file = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            // ansible-core's AnsibleFileNotFound, naming the first place it looked.
            let path = URL(fileURLWithPath: candidates[0]).standardizedFileURL.path
            throw Diagnostic.error(Self.fileNotFound(path), at: task.location,
                                   hint: "include_tasks paths are relative to the including file, the role's tasks/ or the playbook folder.")
        }
        let loaded = try YAMLLoader.loadFile(file)
        warnings += loaded.warnings
        let list = Located(value: loaded.value, node: loaded.root, file: file)
        if !list.value.isNone, list.value.listValue == nil {
            // The host fails (not a parse error that ends the run), as in ansible-core.
            throw Diagnostic.error("included task files must contain a list of tasks", at: list.location,
                                   hint: "Write the included file as a YAML list of tasks (`- name: ...`).")
        }
        let context = TaskContext(file: file, directory: (file as NSString).deletingLastPathComponent, tags: inheritedTags,
                                  roleName: task.roleName, roleDirectory: roleDirectory, roleIndex: task.roleIndex,
                                  playDirectory: playDirectory)
        return (file, try taskList(list, context))
    }

    /// ansible-core's message for a controller file that is not there.
    public static func fileNotFound(_ path: String) -> String {
        "Unable to retrieve file contents. Could not find or access '\(path)' on the Ansible Controller: [Errno 2] No such file or directory: '\(path)'"
    }

    /// The role named by `include_role`, its tasks (dependencies first) and its handlers, which
    /// ansible-core adds to the play's handlers when the role is included.
    public mutating func includeRole(_ name: String, tasksFrom: String, playDirectory: String, inheritedTags: [String],
                                     at loc: SourceLocation) throws(Diagnostic) -> (roles: [RoleInfo], items: [TaskItem], handlers: [TaskItem]) {
        let saved = (roles, roleHandlers, roleHandlerFiles)
        roles = []
        roleHandlers = []
        roleHandlerFiles = []
        defer { (roles, roleHandlers, roleHandlerFiles) = saved }
        let items = try roleTaskItems(named: name, tasksFrom: tasksFrom, playDirectory: playDirectory, tags: inheritedTags,
                                      at: loc, includeDependencies: true, depth: 0, params: PyDict())
        return (roles, items, roleHandlers)
    }

    /// The folder of a role, searched as for `roles:` entries.
    public func roleDirectory(_ name: String, playDirectory: String, at loc: SourceLocation) throws(Diagnostic) -> String {
        try findRole(name, playDirectory: playDirectory, at: loc)
    }
}
