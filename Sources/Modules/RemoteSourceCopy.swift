import Connection
import Core
import Foundation

/// `copy` with `remote_src: true`: `src` is a path on the target and the copy happens there,
/// nothing passing through the controller. As ansible's copy module on the host:
/// - a file is copied when its sha1 differs from `dest`'s (or `dest` is a symlink not
///   followed), atomically, the new file taking the source's mode and times when it replaces
///   one and `0666 & ~umask` when it is new; `mode`, `owner` and `group` are applied after;
/// - a `dest` ending in `/` is created (new directories get `directory_mode`, `owner` and
///   `group`), and a directory `dest` receives the file under the source's name;
/// - `validate` runs on the source itself, after giving it `mode`, `owner` and `group`;
/// - a directory is copied as a tree (see `RemoteSourceCopy+Tree.swift`);
/// - the result has no `diff`, and reports `dest` as it is afterwards (not at all when it
///   does not exist).
struct RemoteSourceCopy {
    var context: ModuleContext
    var src: String
    /// The task's `dest`.
    var requestedDest: String

    /// `dest` with a directory part, as the module makes it (`./name`).
    var dest: String { requestedDest.contains("/") ? requestedDest : "./" + requestedDest }

    /// Python's `os.path.dirname`.
    static func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        let head = path[...slash]
        if head.allSatisfy({ $0 == "/" }) { return String(head) }
        return String(head.reversed().drop { $0 == "/" }.reversed())
    }

    /// Python's `os.path.basename`.
    static func basename(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Python's `os.path.join` of two relative-or-absolute parts (`name` never absolute here).
    static func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") || dir.isEmpty ? dir + name : dir + "/" + name
    }

    /// sh printing what the copy needs to know about a candidate `dest` under `tag`: its lstat,
    /// its stat through links (`tagL`), `tagd` for a directory, `tag#` the sha1 of a readable
    /// file, `tagR` where a link leads, and about its directory: `tagP` exists, `tagW`
    /// writable, `tagG` its stat.
    static func destinationProbe(_ path: String, tag: String) -> String {
        let p = ShellQuote.quote(path)
        let parent = dirname(path)
        let d = ShellQuote.quote(parent.isEmpty ? "." : parent)
        return [
            RemoteStat.command(path, tag: tag),
            RemoteStat.command(path, tag: tag + "L", follow: true),
            "if [ -d \(p) ]; then echo '\(tag)d|1'; fi",
            "if [ -f \(p) ] && [ -r \(p) ]; then printf '\(tag)#|%s\\n' \"$(sha1sum < \(p) | cut -d' ' -f1)\"; fi",
            "if [ -L \(p) ]; then printf '\(tag)R|%s\\n' \"$(readlink -f \(p))\"; fi",
            "[ -d \(d) ] && echo '\(tag)P|1'; [ -w \(d) ] && echo '\(tag)W|1'",
            RemoteStat.command(parent.isEmpty ? "." : parent, tag: tag + "G", follow: true),
        ].joined(separator: "\n")
    }

    func probe() throws(ModuleFailure) -> ProbeOutput {
        let s = ShellQuote.quote(src)
        var script = [
            RemoteIdentity.command,
            RemoteStat.command(src, tag: "S", follow: true),
            "[ -r \(s) ] && echo 'SR|1'",
            "if [ -f \(s) ] && [ -r \(s) ]; then printf 'S#|%s\\n' \"$(sha1sum < \(s) | cut -d' ' -f1)\"; "
                + "printf 'S5|%s\\n' \"$(md5sum < \(s) | cut -d' ' -f1)\"; fi",
            Self.destinationProbe(dest, tag: "D"),
            Self.destinationProbe(Self.join(dest, Self.basename(src)), tag: "I"),
        ]
        if dest.hasSuffix("/") {
            script.append("[ -e \(ShellQuote.quote(Self.dirname(dest))) ] && echo 'XE|1'")
        }
        return try context.probe(script.joined(separator: "\n"))
    }

    func run() throws(ModuleFailure) -> TaskResult {
        let probe = try probe()
        guard let source = RemoteStat.parse(probe, tag: "S") else { return .failed("Source \(src) not found") }
        guard probe["SR"] != nil else { return .failed("Source \(src) not readable") }
        guard source.isRegular || source.isDirectory else {
            return .failed("Cannot copy invalid source '\(src)': not a file")
        }
        let identity = RemoteIdentity.parse(probe)
        var attributes = FileAttributes(context)
        if attributes.mode == .preserve { attributes.mode = .bits(source.permissions) }
        let checksum = source.isRegular ? probe["S#"] : nil
        if let expected = context.string("checksum"), !expected.isEmpty, expected != checksum {
            return .failed("Copied file does not match the expected checksum. Transfer failed.",
                           PyDict([("checksum", checksum.map(Value.string) ?? Value.none), ("expected_checksum", .string(expected))]))
        }
        // A dest ending in '/' is a directory, made (with its missing parents) when absent.
        var makeDirectories: String? = nil
        if dest.hasSuffix("/"), probe["XE"] == nil {
            let directory = Self.dirname(dest)
            if context.checkMode {
                return TaskResult(PyDict([("changed", true), ("msg", .string("dest directory \(directory) would be created")),
                                          ("src", .string(src))]))
            }
            makeDirectories = try directoryMaker(directory, identity: identity)
        }
        let intoDirectory = dest.hasSuffix("/") || probe["Dd"] != nil
        let tag = intoDirectory ? "I" : "D"
        var target = intoDirectory ? Self.join(dest, Self.basename(src)) : dest
        var linkStat = RemoteStat.parse(probe, tag: tag)
        let stat = RemoteStat.parse(probe, tag: tag + "L")
        if stat != nil, linkStat?.isLink == true, context.bool("follow", default: false), let real = probe[tag + "R"] {
            target = real
            linkStat = stat
        }
        if stat != nil && !context.bool("force", default: true) {
            var v = PyDict([("changed", false), ("dest", .string(target)), ("msg", "file already exists"), ("src", .string(src))])
            for (k, x) in (linkStat ?? stat!).resultKeys.items { v[k] = x }
            return TaskResult(v)
        }
        if makeDirectories == nil {
            let parent = Self.dirname(target)
            if stat == nil && probe[tag + "P"] == nil { return .failed("Destination directory \(parent) does not exist") }
            if probe[tag + "W"] == nil && !context.bool("unsafe_writes", default: false) {
                return .failed("Destination \(parent) not writable")
            }
        }
        let destinationChecksum = stat == nil ? nil : probe[tag + "#"]
        let replace = checksum != destinationChecksum || linkStat?.isLink == true
        var copy = Placement(target: target, stat: stat, linkStat: linkStat, identity: identity, attributes: attributes,
                             parent: RemoteStat.parse(probe, tag: tag + "G"), makeDirectories: makeDirectories)
        if source.isDirectory {
            if replace && !context.checkMode {
                // ansible renames the directory over the file, which the kernel refuses.
                let s = Value.string(src).pythonRepr, t = Value.string(target).pythonRepr
                return .failed("Task failed: Module failed: Could not replace \(t) with b\(s): [Errno 20] Not a directory: b\(s) -> b\(t)")
            }
            return try copyTree(&copy, source: source)
        }
        return try copyFile(&copy, source: source, replace: replace, checksum: checksum, md5: probe["S5"])
    }

    /// Where the copy goes and what is known about it.
    struct Placement {
        var target: String
        /// The destination through links; nil when it does not exist.
        var stat: RemoteStat?
        var linkStat: RemoteStat?
        var identity: RemoteIdentity
        var attributes: FileAttributes
        /// The destination's directory (through links).
        var parent: RemoteStat?
        /// sh making a missing `dest/` first.
        var makeDirectories: String?
    }

    /// sh making `directory` and its missing parents, each new one given `directory_mode`,
    /// `owner` and `group` (ansible's `adjust_recursive_directory_permissions`).
    func directoryMaker(_ directory: String, identity: RemoteIdentity) throws(ModuleFailure) -> String {
        let attributes = FileAttributes(mode: FileMode(context.args["directory_mode"]), owner: FileAttributes(context).owner,
                                        group: FileAttributes(context).group)
        let change = try attributes.plan(for: .newFile(identity, directory: true), umask: identity.umask)
        let fix = change.isEmpty ? "" : " && { \(change.commands(word: "\"$1\"")); }"
        return """
        runner_mkdirs() { [ -d "$1" ] && return 0; runner_mkdirs "$(dirname "$1")" || return 1; mkdir "$1"\(fix); }
        runner_mkdirs \(ShellQuote.quote(directory)) || exit 1
        """
    }

    /// The file branch: replace the destination when it differs, else fix its attributes.
    func copyFile(_ copy: inout Placement, source: RemoteStat, replace: Bool, checksum: String?, md5: String?) throws(ModuleFailure) -> TaskResult {
        var v = PyDict()
        var changed = copy.makeDirectories != nil
        var after = copy.linkStat
        if replace {
            changed = true
            if !context.checkMode {
                let written = try writeFile(copy, source: source)
                after = written.stat
                if let backup = written.backup { v["backup_file"] = .string(backup) }
            }
        } else if let stat = copy.stat {
            let file = RemoteFile(path: copy.target, realPath: copy.target, stat: stat, content: nil, identity: copy.identity, parentExists: true)
            let written = try file.write(nil, attributes: copy.attributes, context: context)
            changed = changed || written.attributesChanged
            if !context.checkMode { after = written.stat }
        }
        v["changed"] = .bool(changed)
        v["checksum"] = checksum.map(Value.string) ?? Value.none
        v["dest"] = .string(copy.target)
        v["md5sum"] = md5.map(Value.string) ?? Value.none
        v["src"] = .string(src)
        for (k, x) in (after?.resultKeys ?? PyDict()).items { v[k] = x }
        return TaskResult(v)
    }

    /// Backs up, validates the source, and writes the copy over a temporary file in the
    /// destination's directory.
    func writeFile(_ copy: Placement, source: RemoteStat) throws(ModuleFailure) -> (stat: RemoteStat?, backup: String?) {
        var lines = copy.makeDirectories.map { [$0] } ?? []
        var backup: String? = nil
        if context.bool("backup", default: false), copy.stat != nil {
            backup = AtomicWrite.backupName(copy.target)
            lines.append("cp -p \(ShellQuote.quote(copy.target)) \(ShellQuote.quote(backup!)) || exit 1")
        }
        let validation = FileValidation(context, style: .copy)
        if let validation {
            // ansible gives the source itself the requested attributes, then validates it.
            let sourceChange = try copy.attributes.plan(for: source, umask: copy.identity.umask, path: src)
            if !sourceChange.isEmpty { lines.append(sourceChange.commands(src) + " || exit 1") }
            try validation.check()
            lines.append(validation.script(temp: src, keep: true))
        }
        // The new file: the source's mode over an old file, the umask's for a new one; owned
        // by the remote user, its group the directory's when that is setgid.
        var baseline = RemoteStat.newFile(copy.identity)
        if copy.stat != nil { baseline.rawMode = 0o100000 | source.permissions }
        if let parent = copy.parent, parent.permissions & 0o2000 != 0 {
            baseline.gid = parent.gid
            baseline.group = parent.group
        }
        let change = try copy.attributes.plan(for: baseline, umask: copy.identity.umask, path: copy.target)
        var write = AtomicWrite(path: copy.target, permissions: change.permissions ?? baseline.permissions)
        write.owner = change.owner
        write.group = change.group
        write.contentSource = src
        lines.append(write.script())
        lines.append(RemoteStat.command(copy.target, tag: "F"))
        let outcome = try context.remote(lines.joined(separator: "\n"))
        if let failure = validation?.failure(outcome) { throw ModuleFailure(failure) }
        guard outcome.rc == 0 else { throw ModuleFailure(.failed(AtomicWrite.errorMessage(outcome, path: copy.target))) }
        return (RemoteStat.parse(ProbeOutput(outcome.stdout), tag: "F"), backup)
    }
}
