import Connection
import Core
import Foundation
import Jinja

/// `copy`: `content` or a controller `src` (looked up in `files/`) written to `dest` on the
/// target. As in Ansible, the write happens only when the sha1 checksums differ; otherwise
/// only mode/owner/group are fixed (a file-module result with `path`). A `dest` that is a
/// directory (or ends with `/`) receives the file under its own name; a directory `src` is
/// copied as a tree, its contents only when `src` ends with `/`. `force: false` never
/// replaces an existing file. With `remote_src`, `src` is on the target (`RemoteSourceCopy`).
struct CopyModule: Module {
    static let options: Set<String> = [
        "src", "content", "dest", "mode", "owner", "group", "backup", "force", "follow", "local_follow",
        "directory_mode", "remote_src", "decrypt", "checksum", "validate", "unsafe_writes", "attributes",
        "setype", "seuser", "serole", "selevel", "_original_basename",
    ]

    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(Self.options, module: "copy") { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in try copy(context) }
    }

    func copy(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        let src = context.string("src")
        let content = context.args["content"].flatMap { $0.isNone ? nil : $0 }
        guard src != nil || content != nil else { return .failed("src (or content) is required") }
        guard let dest = context.string("dest"), !dest.isEmpty else { return .failed("dest is required") }
        if src != nil && content != nil { return .failed("src and content are mutually exclusive") }
        if content != nil && dest.hasSuffix("/") { return .failed("can not use content with a dir as dest") }
        if context.bool("remote_src", default: false), let src {
            return try RemoteSourceCopy(context: context, src: src, requestedDest: dest).run()
        }
        if let content {
            let text: String
            switch content {
            case .dict, .list:
                do {
                    text = try context.engine.renderText(.string("{{ __runner_content | to_json }}"),
                                                         vars: DictVariables(["__runner_content": content]))
                } catch {
                    return .failed(error.message)
                }
            default: text = content.pythonString
            }
            return try CopyFile(context: context, bytes: Array(text.utf8), sourceName: "source", sourceLabel: nil).run(dest: dest)
        }
        let name = src!
        guard var local = context.findLocalFile(name, subdirectory: "files") else {
            return .failed("Could not find or access '\(name)'\nSearched in:\n" + context.searchPaths.flatMap {
                ["\t\($0)/files/\(name)", "\t\($0)/\(name)"]
            }.joined(separator: "\n") + " on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option")
        }
        var isDir: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: local, isDirectory: &isDir)
        if isDir.boolValue {
            if name.hasSuffix("/") && !local.hasSuffix("/") { local += "/" }
            if !name.hasSuffix("/") && local.hasSuffix("/") { local.removeLast() }
            return try CopyTree(context: context, source: local).run(dest: dest)
        }
        guard let data = FileManager.default.contents(atPath: local) else {
            return .failed("could not find src=\(local), could not read the file")
        }
        var mode = FileAttributes(context)
        if mode.mode == .preserve, let attrs = try? FileManager.default.attributesOfItem(atPath: local),
           let perms = attrs[.posixPermissions] as? Int {
            mode.mode = .bits(perms)
        }
        return try CopyFile(context: context, bytes: [UInt8](data), sourceName: (local as NSString).lastPathComponent,
                            sourceLabel: local, attributes: mode).run(dest: dest)
    }
}

/// One file's worth of `copy` (and `template`): compare checksums, write when they differ.
struct CopyFile {
    var context: ModuleContext
    var bytes: [UInt8]
    /// The name the file gets inside a directory `dest`.
    var sourceName: String
    /// The controller path reported as `src` when nothing was written; nil for content.
    var sourceLabel: String?
    /// The `after` header of a diff when the new content comes from a file on the controller
    /// (`src`, a template); nil for `content`, whose header is the destination.
    var diffSource: String?
    var attributes: FileAttributes
    var force: Bool
    var makeParents = false
    /// A directory `dest` receives the file under `sourceName` (not for `content`).
    var allowDirectoryDest: Bool

    init(context: ModuleContext, bytes: [UInt8], sourceName: String, sourceLabel: String?, attributes: FileAttributes? = nil) {
        self.context = context
        self.bytes = bytes
        self.sourceName = sourceName
        self.sourceLabel = sourceLabel
        self.diffSource = sourceLabel
        self.attributes = attributes ?? FileAttributes(context)
        self.force = context.bool("force", default: true)
        self.allowDirectoryDest = sourceLabel != nil
    }

    /// sh printing `TAG|<stat>` and `TAG#|<sha1>` (or the content, when sha1sum is missing).
    static func probeCommand(_ path: String, tag: String) -> String {
        let p = ShellQuote.quote(path)
        return RemoteStat.command(path, tag: tag) + """

        if [ -f \(p) ] && [ ! -L \(p) ]; then if command -v sha1sum >/dev/null 2>&1; then \
        printf '%s#|%s\\n' \(ShellQuote.quote(tag)) "$(sha1sum < \(p) | cut -d' ' -f1)"; \
        else \(RemoteFile.contentCommand(path, tag: tag + "$")); fi; fi
        """
    }

    static func remoteChecksum(_ probe: ProbeOutput, tag: String) -> String? {
        if let sum = probe[tag + "#"] { return sum }
        return probe[tag + "$"].flatMap(RemoteFile.decodeContent).map { Digest.hex(Digest.sha1($0)) }
    }

    func run(dest: String) throws(ModuleFailure) -> TaskResult {
        var target = dest.hasSuffix("/") ? dest + sourceName : dest
        let inside = dest.hasSuffix("/") ? target : (dest as NSString).appendingPathComponent(sourceName)
        let parent = (target as NSString).deletingLastPathComponent
        var script = [RemoteIdentity.command, Self.probeCommand(target, tag: "D"), Self.probeCommand(inside, tag: "I"),
                      "if [ -d \(ShellQuote.quote(parent.isEmpty ? "." : parent)) ]; then echo 'PARENT|yes'; fi"]
        if context.diffMode { script += [Self.diffProbe(target, tag: "DC"), Self.diffProbe(inside, tag: "IC")] }
        let probe = try context.probe(script.joined(separator: "\n"))
        var tag = "D"
        var stat = RemoteStat.parse(probe, tag: "D")
        if let s = stat, s.isDirectory {
            if !allowDirectoryDest { return .failed("can not use content with a dir as dest") }
            target = inside
            tag = "I"
            stat = RemoteStat.parse(probe, tag: "I")
        }
        let checksum = Digest.hex(Digest.sha1(bytes))
        if stat != nil && !force {
            var v = PyDict()
            v["changed"] = false
            v["dest"] = .string(dest)
            v["src"] = .string(sourceLabel ?? RemoteTemp.name(in: (target as NSString).deletingLastPathComponent, base: "source"))
            return TaskResult(v)
        }
        let identity = RemoteIdentity.parse(probe)
        let file = RemoteFile(path: target, realPath: target, stat: stat, content: nil, identity: identity,
                              parentExists: probe["PARENT"] != nil || tag == "I")
        var v = PyDict()
        if let stat, Self.remoteChecksum(probe, tag: tag) == checksum {
            // Same content: what is left is the file module's job on mode and owner.
            let written = try file.write(nil, attributes: attributes, context: context)
            if context.diffMode {
                var diff = FileDiff(path: target, state: stat.state, previous: stat)
                diff.attributes(from: stat, to: written.stat)
                v["diff"] = diff.value
            }
            v["changed"] = .bool(written.attributesChanged)
            v["checksum"] = .string(checksum)
            v["dest"] = .string(target)
            v["path"] = .string(target)
            for (k, x) in written.stat.resultKeys.items { v[k] = x }
            return TaskResult(v)
        }
        v["diff"] = context.diffMode ? .list([diffValue(target, exists: stat != nil, probe: probe, tag: tag + "C")]) : .list([])
        // Check mode ends here, before the module that would find a missing directory (as
        // ansible's action plugin does).
        if context.checkMode {
            v["changed"] = true
            return TaskResult(v)
        }
        if !file.parentExists && !makeParents && !dest.hasSuffix("/") {
            return .failed("Destination directory \(parent) does not exist", PyDict([("checksum", .string(checksum))]))
        }
        var validation = FileValidation(context, style: .copy)
        validation?.extra = PyDict([("checksum", .string(checksum)), ("diff", v["diff"] ?? .list([]))])
        let written = try file.write(bytes, attributes: attributes, context: context,
                                     backup: context.bool("backup", default: false), makeParents: makeParents || dest.hasSuffix("/"),
                                     validation: validation)
        v["changed"] = true
        v["checksum"] = .string(checksum)
        v["dest"] = .string(target)
        v["md5sum"] = .string(Digest.hex(Digest.md5(bytes)))
        v["src"] = .string(RemoteTemp.name(in: (target as NSString).deletingLastPathComponent, base: "source"))
        if let backup = written.backupFile { v["backup_file"] = .string(backup) }
        for (k, x) in written.stat.resultKeys.items { v[k] = x }
        return TaskResult(v)
    }

    /// Largest file ansible shows in a diff (`MAX_FILE_SIZE_FOR_DIFF`).
    static let maxDiffSize = 104_448

    /// sh printing the start of a file (enough to tell whether it is too large or binary for
    /// a diff) after `TAG|`.
    static func diffProbe(_ path: String, tag: String) -> String {
        let p = ShellQuote.quote(path)
        return "if [ -f \(p) ]; then " + RemoteFile.contentCommand(path, tag: tag, limit: maxDiffSize + 1) + "; fi"
    }

    /// The action plugin's `_get_diff_data`: the old content (or why it is not shown) and the
    /// new one, with their headers.
    func diffValue(_ target: String, exists: Bool, probe: ProbeOutput, tag: String) -> Value {
        var d = PyDict()
        if !exists {
            d["before"] = ""
        } else if let old = probe[tag].flatMap(RemoteFile.decodeContent) {
            if old.prefix(8192).contains(0) {
                d["dst_binary"] = 1
            } else if old.count > Self.maxDiffSize {
                d["dst_larger"] = .int(Self.maxDiffSize)
            } else {
                d["before_header"] = .string(target)
                d["before"] = .string(String(decoding: old, as: UTF8.self))
            }
        }
        if bytes.count > Self.maxDiffSize {
            d["src_larger"] = .int(Self.maxDiffSize)
        } else if bytes.contains(0) {
            d["src_binary"] = 1
        } else {
            d["after_header"] = .string(diffSource ?? target)
            d["after"] = .string(String(decoding: bytes, as: UTF8.self))
        }
        return .dict(d)
    }
}
