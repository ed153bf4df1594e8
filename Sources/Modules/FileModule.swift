import Connection
import Core
import Foundation

/// `file`: makes a path a file (existing only), directory (parents created, each given the
/// requested mode and owner, as Ansible does), symlink, hard link, touched file, or absent,
/// and fixes mode/owner/group. Without `state` the path keeps its present kind (`file` when
/// missing). `touch` is always `changed`; `absent` on a missing path is `ok`. Results name
/// the path `path`, except `touch`, `link` and `hard`, which name it `dest` (and `src`).
struct FileModule: Module {
    static let options: Set<String> = [
        "path", "dest", "name", "state", "src", "force", "follow", "recurse", "mode", "owner", "group",
        "modification_time", "modification_time_format", "access_time", "access_time_format",
        "unsafe_writes", "attributes", "setype", "seuser", "serole", "selevel", "_original_basename", "_diff_peek",
    ]
    static let states: Set<String> = ["file", "directory", "link", "hard", "touch", "absent"]

    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(Self.options, module: "file") { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in
            var task = FileTask(context: context)
            return try task.run()
        }
    }
}

/// One run of the `file` module.
struct FileTask {
    var context: ModuleContext
    var path = ""
    var attributes: FileAttributes
    var follow: Bool
    /// What changed, returned as `diff` in diff mode.
    var diff: FileDiff?
    var times = FileTimes()
    /// The owner or group the target's databases do not know, from the first probe.
    var unknownOwner = false, unknownGroup = false
    /// The requested times differ from the path's, as the first probe found them.
    var timesChange = false
    var warnings: [String] = []

    init(context: ModuleContext) {
        self.context = context
        attributes = FileAttributes(context)
        // `preserve` is copy's and template's; to file it is a malformed symbolic mode.
        if attributes.mode == .preserve { attributes.mode = .symbolic("preserve") }
        follow = context.bool("follow", default: true)
    }

    /// The result, with the warnings (check mode's unknown owner or group) added.
    mutating func run() throws(ModuleFailure) -> TaskResult {
        var outcome: TaskResult
        do { outcome = try dispatch() } catch { outcome = error.result }
        if !warnings.isEmpty { outcome.values["warnings"] = .list(warnings.map { .string($0) }) }
        return outcome
    }

    mutating func dispatch() throws(ModuleFailure) -> TaskResult {
        path = try context.required("path", aliases: ["dest", "name"])
        let requested = context.string("state")
        if let requested, !FileModule.states.contains(requested) {
            return .failed("value of state must be one of: absent, directory, file, hard, link, touch, got: \(requested)")
        }
        let src = context.string("src")
        if requested == "link" || requested == "hard", src == nil {
            return .failed("src is required for creating a \(requested!) link")
        }
        let srcPath = src.map { s in s.hasPrefix("/") ? s : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(s) }
        var script = RemoteIdentity.command + "\n" + RemoteStat.command(path, tag: "S") + "\n"
        script += "if [ -L \(ShellQuote.quote(path)) ]; then printf 'REAL|%s\\n' \"$(readlink -f \(ShellQuote.quote(path)))\"; fi\n"
        script += RemoteStat.command(path, tag: "T", follow: true) + "\n"
        if let srcPath { script += RemoteStat.command(srcPath, tag: "R", follow: true) + "\n" }
        if requested != "absent" {
            times = try FileTimes(context, state: requested ?? "file")
            script += times.probeCommand(path, follow: follow) + "\n" + lookupCommand()
        }
        let probe = try context.probe(script)
        let current = RemoteStat.parse(probe, tag: "S")
        let identity = RemoteIdentity.parse(probe)
        let state = requested ?? (current.map { $0.isLink && follow ? (RemoteStat.parse(probe, tag: "T")?.state ?? "file") : $0.state } ?? "file")
        if state != "absent" {
            times = try FileTimes(context, state: state)
            timesChange = times.changes(probe)
            unknownOwner = probe["NOUSER"] != nil
            unknownGroup = probe["NOGROUP"] != nil
            // In check mode ansible warns first, then fails as a real run would.
            if context.checkMode, unknownOwner, let owner = attributes.owner {
                warnings.append("failed to look up user \(owner). Create user up to this point in real play")
            }
            if context.checkMode, unknownGroup, let group = attributes.group {
                warnings.append("failed to look up group \(group). Create group up to this point in real play")
            }
        }
        switch state {
        case "absent": return try absent(current)
        case "directory": return try directory(current, target: RemoteStat.parse(probe, tag: "T"), real: probe["REAL"], identity: identity)
        case "touch": return try touch(current, identity: identity)
        case "link", "hard": return try link(current, hard: state == "hard", src: src!, srcStat: RemoteStat.parse(probe, tag: "R"), srcPath: srcPath!)
        default: return try file(current, target: RemoteStat.parse(probe, tag: "T"), real: probe["REAL"], identity: identity)
        }
    }

    /// Runs an action script ending with a stat of `statPath`; returns the stat.
    func act(_ script: String, statPath: String) throws(ModuleFailure) -> RemoteStat? {
        let outcome = try context.remote(script + "\n" + RemoteStat.command(statPath, tag: "S"))
        guard outcome.rc == 0 else {
            let after = RemoteStat.parse(ProbeOutput(outcome.stdout), tag: "S")
            throw ModuleFailure(Self.described(.failed(outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines), PyDict([("path", .string(path))])), after))
        }
        return RemoteStat.parse(ProbeOutput(outcome.stdout), tag: "S")
    }

    /// sh printing `NOUSER|` or `NOGROUP|` when the requested owner or group is a name the
    /// target does not know (numeric ids are taken as they are, as in ansible).
    func lookupCommand() -> String {
        var script = ""
        if let owner = attributes.owner, Int(owner) == nil {
            script += "id -u \(ShellQuote.quote(owner)) >/dev/null 2>&1 || echo 'NOUSER|'\n"
        }
        if let group = attributes.group, Int(group) == nil {
            let q = ShellQuote.quote(group)
            script += "getent group \(q) >/dev/null 2>&1 || awk -F: -v n=\(q) '$1 == n { f = 1 } END { exit !f }' /etc/group 2>/dev/null || echo 'NOGROUP|'\n"
        }
        return script
    }

    /// The attribute changes `stat` (of `target`) needs, failing as ansible does for an unknown
    /// owner or group (looked up first) or a malformed mode, with the path's attributes.
    func plan(_ stat: RemoteStat, at target: String, umask: Int, attributes wanted: FileAttributes? = nil) throws(ModuleFailure) -> AttributeChange {
        let wanted = wanted ?? attributes
        let base = PyDict([("path", .string(target))])
        if unknownOwner, let owner = wanted.owner {
            throw ModuleFailure(Self.described(.failed("chown failed: failed to look up user \(owner)", base), stat))
        }
        if unknownGroup, let group = wanted.group {
            throw ModuleFailure(Self.described(.failed("chgrp failed: failed to look up group \(group)", base), stat))
        }
        do {
            return try wanted.plan(for: stat, umask: umask, path: target)
        } catch {
            throw ModuleFailure(Self.described(error.result, stat))
        }
    }

    /// A failure with the attributes of the path it names, as ansible adds them to any result
    /// naming an existing `path` or `dest`.
    static func described(_ failure: TaskResult, _ stat: RemoteStat?) -> TaskResult {
        var r = failure
        if let stat { for (k, x) in stat.resultKeys.items where r.values[k] == nil { r.values[k] = x } }
        return r
    }

    /// A result naming `path` under `key`, with the attributes of `stat` (none when it is nil:
    /// ansible describes only a path that exists).
    func result(_ changed: Bool, _ stat: RemoteStat?, key: String = "path", extra: PyDict = PyDict()) -> TaskResult {
        var v = PyDict()
        v["changed"] = .bool(changed)
        v[.string(key)] = .string(path)
        for (k, x) in extra.items { v[k] = x }
        if let stat { for (k, x) in stat.resultKeys.items { v[k] = x } }
        if context.diffMode, let diff { v["diff"] = diff.value }
        return TaskResult(v)
    }

    /// Starts the diff of a change from `previous` to `state` (in diff mode only).
    mutating func beginDiff(_ state: String, previous: RemoteStat?, path diffPath: String? = nil) {
        if context.diffMode { diff = FileDiff(path: diffPath ?? path, state: state, previous: previous) }
    }

    mutating func absent(_ current: RemoteStat?) throws(ModuleFailure) -> TaskResult {
        let gone = PyDict([("state", "absent")])
        guard let current else { return result(false, nil, extra: gone) }
        beginDiff("absent", previous: current)
        if context.diffMode && current.isDirectory {
            // ansible lists what a removed directory held, as os.walk finds it.
            let listing = try context.remote(Self.walkCommand(path))
            diff?.before["path_content"] = Self.walkList(path, listing.stdout)
        }
        if !context.checkMode {
            let outcome = try context.remote("rm -rf \(ShellQuote.quote(path))")
            if outcome.rc != 0 { return .failed("rmtree failed: \(outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines))") }
            return result(true, nil, extra: gone)
        }
        // Check mode leaves the path, which the result then describes (its own state too).
        return result(true, current, extra: gone)
    }

    /// sh listing everything below `dir`, depth first, each line `d` (a directory, or a link to
    /// one) or `f` followed by the path.
    static func walkCommand(_ dir: String) -> String {
        "find \(ShellQuote.quote(dir)) -mindepth 1 -exec sh -c 'for p; do if [ -d \"$p\" ]; then printf \"d%s\\n\" \"$p\"; "
            + "else printf \"f%s\\n\" \"$p\"; fi; done' sh {} + 2>/dev/null"
    }

    /// `{"directories": [...], "files": [...]}` in os.walk's order: a directory's own
    /// subdirectories and files first, then each subdirectory's, in turn (links to directories
    /// listed as directories, not entered).
    static func walkList(_ root: String, _ listing: String) -> Value {
        var children: [String: [(isDir: Bool, path: String)]] = [:]
        for line in listing.split(separator: "\n") {
            let isDir = line.first == "d"
            let p = String(line.dropFirst())
            children[(p as NSString).deletingLastPathComponent, default: []].append((isDir, p))
        }
        var directories: [Value] = [], files: [Value] = []
        func walk(_ dir: String) {
            let entries = children[dir] ?? []
            for e in entries { if e.isDir { directories.append(.string(e.path)) } else { files.append(.string(e.path)) } }
            for e in entries where e.isDir && children[e.path] != nil { walk(e.path) }
        }
        walk(root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root)
        return .dict(PyDict([("directories", .list(directories)), ("files", .list(files))]))
    }

    /// Attribute fixes for an existing path (and, with `recurse`, everything below it).
    /// The path's own times are set after its attributes, when they differ.
    func fixAttributes(_ target: String, _ stat: RemoteStat, umask: Int, recurse: Bool = false) throws(ModuleFailure) -> (Bool, RemoteStat) {
        let change = try plan(stat, at: target, umask: umask)
        var changed = !change.isEmpty || timesChange
        var script = change.isEmpty ? ":" : change.commands(target) + " || exit 1"
        if timesChange { script += "\n" + times.command(target) + " || exit 1" }
        if recurse {
            let (check, apply) = recursiveCommands(target)
            if !check.isEmpty {
                let probe = try context.remote(check)
                var needed = !probe.stdout.isEmpty
                if !needed { needed = try symbolicModeChangesBelow(target, umask: umask) }
                if needed {
                    changed = true
                    script += "\n" + apply
                }
            }
        }
        guard changed else { return (false, stat) }
        if context.checkMode { return (true, change.applied(to: stat)) }
        return (true, try act(script, statPath: target) ?? change.applied(to: stat))
    }

    /// Whether a symbolic `mode` changes anything below `target`: the mode of every entry
    /// but symlinks (chmod passes them by) is read and the mode applied to it, so a second
    /// run is unchanged, as ansible's recursion is.
    func symbolicModeChangesBelow(_ target: String, umask: Int) throws(ModuleFailure) -> Bool {
        guard case .symbolic = attributes.mode else { return false }
        let listing = try context.remote("find \(ShellQuote.quote(target)) -mindepth 1 ! -type l -exec stat -c '%f' {} + 2>/dev/null").stdout
        return listing.split(separator: "\n").contains { line in
            guard let raw = Int(line, radix: 16) else { return false }
            let isDirectory = raw & 0o170000 == 0o040000
            return attributes.mode?.resolve(current: raw, isDirectory: isDirectory, umask: umask) != raw & 0o7777
        }
    }

    /// `find` tests printing a path below `target` that needs a change, and the fix.
    func recursiveCommands(_ target: String) -> (String, String) {
        let t = ShellQuote.quote(target)
        var tests: [String] = [], fixes: [String] = []
        if let owner = attributes.owner {
            let q = ShellQuote.quote(owner)
            tests.append(Int(owner) != nil ? "! -uid \(q)" : "! -user \(q)")
            fixes.append("chown -R \(q) \(t)")
        }
        if let group = attributes.group {
            let q = ShellQuote.quote(group)
            tests.append(Int(group) != nil ? "! -gid \(q)" : "! -group \(q)")
            fixes.append("chgrp -R \(q) \(t)")
        }
        if let mode = attributes.mode {
            switch mode {
            case .bits(let b):
                tests.append("! -perm \(String(b, radix: 8))")
                fixes.append("chmod -R \(String(b, radix: 8)) \(t)")
            case .symbolic(let s):
                // Which entries a symbolic mode changes is worked out from their modes.
                tests.append("-false")
                fixes.append("chmod -R \(ShellQuote.quote(s)) \(t)")
            case .preserve: break
            }
        }
        guard !tests.isEmpty else { return ("", "") }
        let check = "find \(t) -mindepth 1 \\( " + tests.map { "\\( \($0) \\)" }.joined(separator: " -o ") + " \\) -print 2>/dev/null | head -n 1"
        return (check, fixes.joined(separator: " && ") + " || exit 1")
    }

    mutating func directory(_ current: RemoteStat?, target: RemoteStat?, real: String?, identity: RemoteIdentity) throws(ModuleFailure) -> TaskResult {
        let recurse = context.bool("recurse", default: false)
        if let current {
            let effective = current.isLink && follow ? target : current
            guard let effective, effective.isDirectory else {
                return Self.described(.failed("\(path) already exists as a \(current.state)", PyDict([("path", .string(path))])), current)
            }
            let where_ = current.isLink && follow ? (real ?? path) : path
            beginDiff("directory", previous: effective, path: where_)
            let (changed, after) = try fixAttributes(where_, effective, umask: identity.umask, recurse: recurse)
            diff?.attributes(from: effective, to: after)
            return result(changed, after)
        }
        // Create each missing component, giving each the requested attributes.
        beginDiff("directory", previous: nil)
        if context.checkMode { return result(true, nil) }
        let newDir = RemoteStat.newFile(identity, directory: true)
        let change = try plan(newDir, at: path, umask: identity.umask)
        diff?.attributes(from: newDir, to: change.applied(to: newDir))
        var prefixes: [String] = []
        var walked = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            walked = walked.isEmpty || walked.hasSuffix("/") ? walked + part : walked + "/" + part
            prefixes.append(walked)
        }
        var script = ""
        for dir in prefixes {
            let d = ShellQuote.quote(dir)
            let fix = change.isEmpty ? "" : " && { \(change.commands(dir)); }"
            // A directory another process made meanwhile (hosts sharing a filesystem) is no
            // error, as in ansible's file module; the second mkdir reports any other reason.
            script += "if [ ! -d \(d) ]; then { mkdir \(d) 2>/dev/null || [ -d \(d) ] || mkdir \(d); }\(fix) || exit 1; fi\n"
        }
        if !times.preservesBoth { script += times.command(path) + " || exit 1\n" }
        return result(true, try act(script, statPath: path))
    }

    mutating func file(_ current: RemoteStat?, target: RemoteStat?, real: String?, identity: RemoteIdentity) throws(ModuleFailure) -> TaskResult {
        guard let current else {
            return .failed("file (\(path)) is absent, cannot continue", PyDict([("path", .string(path)), ("state", "absent")]))
        }
        let effective = current.isLink && follow ? (target ?? current) : current
        if effective.isDirectory {
            return Self.described(.failed("file (\(path)) is directory, cannot continue", PyDict([("path", .string(path)), ("state", "directory")])), effective)
        }
        let where_ = current.isLink && follow ? (real ?? path) : path
        beginDiff("file", previous: effective, path: where_)
        let (changed, after) = try fixAttributes(where_, effective, umask: identity.umask)
        diff?.attributes(from: effective, to: after)
        return result(changed, after)
    }

    /// Touching sets the times (`now` unless told otherwise), so it is a change unless both
    /// are `preserve` and the attributes already hold.
    mutating func touch(_ current: RemoteStat?, identity: RemoteIdentity) throws(ModuleFailure) -> TaskResult {
        let p = ShellQuote.quote(path)
        // Check mode stops before a new file, without a diff or attributes, as ansible's touch does.
        if context.checkMode && current == nil { return result(true, nil, key: "dest") }
        let base = current ?? RemoteStat.newFile(identity)
        let change = try plan(base, at: path, umask: identity.umask)
        let changed = current == nil || !change.isEmpty || timesChange
        beginDiff("touch", previous: current)
        diff?.attributes(from: base, to: change.applied(to: base))
        if context.checkMode {
            if let current, timesChange { timesDiff(from: current) }
            return result(changed, change.applied(to: base), key: "dest")
        }
        var script = current == nil ? ": >> \(p) || exit 1" : ":"
        if !change.isEmpty { script += "\n" + change.commands(path) + " || exit 1" }
        if timesChange { script += "\n" + times.command(path) + " || exit 1" }
        let after = try act(script, statPath: path)
        // Times set to "now": before is the file's last time (the new file's own), after the
        // moment of the touch.
        if timesChange, let old = current ?? after { timesDiff(from: old) }
        return result(changed, after, key: "dest")
    }

    /// The diff of times set to now.
    mutating func timesDiff(from old: RemoteStat) {
        var now = old
        now.mtime = Date().timeIntervalSince1970
        now.atime = now.mtime
        diff?.times(from: old, to: now)
    }

    mutating func link(_ current: RemoteStat?, hard: Bool, src: String, srcStat: RemoteStat?, srcPath: String) throws(ModuleFailure) -> TaskResult {
        let force = context.bool("force", default: false)
        let extra = PyDict([("src", .string(src))])
        if srcStat == nil && hard {
            return Self.described(.failed("src does not exist", PyDict([("dest", .string(path)), ("src", .string(src))])), current)
        }
        if srcStat == nil && !force {
            let msg = "src file does not exist, use 'force=yes' if you really want to create the link: \(srcPath)"
            return Self.described(.failed(msg, PyDict([("path", .string(path)), ("src", .string(src))])), current)
        }
        let p = ShellQuote.quote(path)
        var prepare = ""
        beginDiff(hard ? "hard" : "link", previous: current)
        if !hard, let current, current.isLink, current.linkTarget != src {
            diff?.note("src", .string(current.linkTarget ?? ""), .string(src))
        }
        if let current {
            if hard, let srcStat, current.inode == srcStat.inode, current.dev == srcStat.dev {
                return try linkAttributes(current, extra: extra)
            }
            if !hard, current.isLink, current.linkTarget == src {
                return try linkAttributes(current, extra: extra)
            }
            if current.isDirectory {
                guard force else { return .failed("refusing to convert from directory to \(hard ? "hard link" : "symlink") for \(path)", extra) }
                prepare = "rmdir \(p) || exit 1\n"
            } else if !current.isLink && !hard && !force {
                return .failed("refusing to convert from \(current.state) to symlink for \(path)", extra)
            }
        }
        if context.checkMode { return result(true, current, key: "dest", extra: extra) }
        let temp = ShellQuote.quote(RemoteTemp.name(in: (path as NSString).deletingLastPathComponent, base: (path as NSString).lastPathComponent))
        let make = hard ? "ln \(ShellQuote.quote(srcPath)) \(temp)" : "ln -s \(ShellQuote.quote(src)) \(temp)"
        var script = prepare + "\(make) || exit 1\nmv -f \(temp) \(p) || { rm -f \(temp); exit 1; }\n"
        if attributes.owner != nil || attributes.group != nil {
            let who = (attributes.owner ?? "") + (attributes.group.map { ":" + $0 } ?? "")
            script += "chown -h \(ShellQuote.quote(who)) \(p) || exit 1\n"
        }
        return result(true, try act(script, statPath: path), key: "dest", extra: extra)
    }

    func linkAttributes(_ current: RemoteStat, extra: PyDict) throws(ModuleFailure) -> TaskResult {
        var owned = attributes
        owned.mode = current.isLink ? nil : attributes.mode
        let change = try plan(current, at: path, umask: 0o022, attributes: owned)
        if change.isEmpty || context.checkMode { return result(!change.isEmpty, change.applied(to: current), key: "dest", extra: extra) }
        var script = change.commands(path)
        if current.isLink { script = script.replacingOccurrences(of: "chown ", with: "chown -h ").replacingOccurrences(of: "chgrp ", with: "chgrp -h ") }
        return result(true, try act(script + " || exit 1", statPath: path), key: "dest", extra: extra)
    }
}
