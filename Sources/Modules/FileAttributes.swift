import Connection
import Core

/// The file-common arguments `mode`, `owner` and `group`, and what it takes to give a path
/// those attributes. As in Ansible, an owner or group matches by name or by numeric id, and
/// a change is only made (and reported) when the present value differs.
public struct FileAttributes: Sendable {
    public var mode: FileMode?
    public var owner: String?
    public var group: String?

    public init(mode: FileMode? = nil, owner: String? = nil, group: String? = nil) {
        self.mode = mode
        self.owner = owner
        self.group = group
    }

    public init(_ context: ModuleContext) {
        mode = FileMode(context.args["mode"])
        owner = context.string("owner").flatMap { $0.isEmpty ? nil : $0 }
        group = context.string("group").flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The changes `path`, now as `current` says, needs. Fails on a malformed symbolic mode
    /// with Ansible's message, naming the clause it could not read and the path.
    public func plan(for current: RemoteStat, umask: Int, path: String? = nil) throws(ModuleFailure) -> AttributeChange {
        var change = AttributeChange()
        if let mode {
            guard let bits = mode.resolve(current: current.permissions, isDirectory: current.isDirectory, umask: umask) else {
                var details = PyDict()
                if case .symbolic(let spec) = mode, let clause = FileMode.malformedClause(spec) {
                    details["details"] = .string("bad symbolic permission for mode: \(clause)")
                }
                if let path { details["path"] = .string(path) }
                throw ModuleFailure(.failed("mode must be in octal or symbolic form", details))
            }
            if bits != current.permissions { change.permissions = bits }
        }
        if let owner, owner != current.owner, owner != String(current.uid) { change.owner = owner }
        if let group, group != current.group, group != String(current.gid) { change.group = group }
        return change
    }
}

/// Attribute fixes for one path: chmod and chown/chgrp, each only when needed.
public struct AttributeChange: Sendable {
    public var permissions: Int?
    public var owner: String?
    public var group: String?

    public init() {}

    public var isEmpty: Bool { permissions == nil && owner == nil && group == nil }

    /// sh applying the changes to `path` (exit status non-zero on failure).
    public func commands(_ path: String) -> String { commands(word: ShellQuote.quote(path)) }

    /// As `commands(_:)`, for a path given as a ready sh word (`"$1"`).
    public func commands(word p: String) -> String {
        var lines: [String] = []
        if let owner { lines.append("chown \(ShellQuote.quote(owner)) \(p)") }
        if let group { lines.append("chgrp \(ShellQuote.quote(group)) \(p)") }
        // chmod after chown: chown may clear setuid/setgid bits.
        if let permissions { lines.append("chmod \(String(permissions, radix: 8)) \(p)") }
        return lines.joined(separator: " && ")
    }

    /// `current` as it will be once the changes are made (names given as ids stay as given).
    public func applied(to current: RemoteStat) -> RemoteStat {
        var s = current
        if let permissions { s.rawMode = (s.rawMode & ~0o7777) | permissions }
        if let owner {
            if let id = Int(owner) { s.uid = id } else { s.owner = owner }
        }
        if let group {
            if let id = Int(group) { s.gid = id } else { s.group = group }
        }
        return s
    }
}

/// A module run cut short: the result to report (a failure, or unreachable).
public struct ModuleFailure: Error, Sendable {
    public var result: TaskResult
    public init(_ result: TaskResult) { self.result = result }
}

extension RemoteStat {
    /// The keys Ansible's file modules add about a path: uid, gid, owner, group, mode, state,
    /// size.
    public var resultKeys: PyDict {
        var v = PyDict()
        v["uid"] = .int(uid)
        v["gid"] = .int(gid)
        v["owner"] = .string(owner)
        v["group"] = .string(group)
        v["mode"] = .string(FileMode.text(permissions))
        v["state"] = .string(state)
        v["size"] = .int(size)
        return v
    }

    /// A stat for a file that does not exist yet, as the remote user would create it.
    public static func newFile(_ identity: RemoteIdentity, directory: Bool = false) -> RemoteStat {
        RemoteStat(rawMode: (directory ? 0o040000 : 0o100000) | identity.newPermissions(directory: directory),
                   uid: identity.uid, gid: identity.gid, owner: identity.user, group: identity.group,
                   size: directory ? 4096 : 0, nlink: 1, inode: 0, dev: 0, atime: 0, mtime: 0, ctime: 0, linkTarget: nil)
    }
}
