import Connection
import Core
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `unarchive`: an archive (copied from the controller, or already on the target with
/// `remote_src`) unpacked into an existing `dest` directory with the target's GNU tar or
/// unzip, as ansible's action and module do it: the first handler that can list the archive
/// wins (zip, then tar with `-z`, plain, `-j`, `-J`, zstd); the archive is compared with `dest`
/// first (`tar --diff`, or per-file type, size, CRC-32, mtime, mode and owner for zip) and
/// unpacked only when they differ; then `owner`/`group`/`mode` are applied to every unpacked
/// path. Check mode works for zip only; with tar ansible skips the task, and so do we.
struct UnarchiveModule: Module {
    static let options: Set<String> = [
        "attributes", "copy", "creates", "decrypt", "dest", "exclude", "extra_opts", "group", "include", "io_buffer_size", "keep_newer",
        "list_files", "mode", "owner", "remote_src", "selevel", "serole", "setype", "seuser", "src", "unsafe_writes", "validate_certs",
    ]
    static let aliases: Set<String> = ["attr"]
    /// The module's name in ansible's messages: the action plugin runs `ansible.legacy.unarchive`.
    static let name = "ansible.legacy.unarchive"

    func run(_ context: ModuleContext) -> TaskResult {
        ModuleContext.outcome { () throws(ModuleFailure) in try unarchive(context) }
    }

    func unarchive(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        guard let src = context.string("src"), let dest = context.string("dest") else {
            return .failed("src (or content) and dest are required")
        }
        let remoteSrc = context.bool("remote_src", default: !context.bool("copy", default: true))
        if let creates = context.string("creates"), try context.remote("[ -e \(ShellQuote.quote(creates)) ]").rc == 0 {
            var v = PyDict()
            v["changed"] = false
            v["skipped"] = true
            v["msg"] = .string("skipped, since \(creates) exists")
            return TaskResult(v)
        }
        var local: String? = nil
        if !remoteSrc {
            guard let found = context.findLocalFile(src, subdirectory: "files") else {
                let searched = src.hasPrefix("/") ? "" : "\nSearched in:\n" + context.searchPaths.flatMap {
                    ["\t\($0)/files/\(src)", "\t\($0)/\(src)"]
                }.joined(separator: "\n")
                return .failed("Task failed: Could not find or access '\(src)'\(searched) on the Ansible Controller.")
            }
            local = found
        }
        guard try context.remote("[ -d \(ShellQuote.quote(dest)) ]").rc == 0 else {
            return .failed("dest '\(dest)' must be an existing dir")
        }
        if let failure = context.unsupported(Self.options, module: Self.name, aliases: Self.aliases) { return failure }
        if remoteSrc && src.contains("://") { return try unarchiveURL(src, dest: dest, context: context) }
        guard let local else {
            var task = UnarchiveTask(context: context, src: src, dest: dest)
            return try task.run()
        }
        guard let data = FileManager.default.contents(atPath: local) else {
            return .failed("Task failed: Could not find or access '\(src)' on the Ansible Controller.")
        }
        // The archive goes to a private directory on the target, removed afterwards; u+rx as
        // ansible leaves its transferred files (unzip words its errors by that).
        let dir = "${TMPDIR:-/tmp}/.ansible-tmp-\(String(UInt64.random(in: 0..<UInt64.max), radix: 36))"
        let upload = try context.remote("umask 077 && mkdir \(dir) && cat <&3 > \(dir)/source && chmod u+rx \(dir)/source && printf '%s\\n' \(dir)/source", input: data)
        let path = upload.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard upload.rc == 0, !path.isEmpty else {
            return .failed("Could not copy \(local) to the target: \(upload.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        defer { _ = try? context.remote("rm -rf \(ShellQuote.quote((path as NSString).deletingLastPathComponent))") }
        var task = UnarchiveTask(context: context, src: path, dest: dest)
        return try task.run()
    }
}

extension UnarchiveModule {
    /// A `remote_src` URL: downloaded on the target (curl, else wget) to a temporary file, as
    /// ansible's `fetch_file` does, unpacked from there and removed.
    func unarchiveURL(_ url: String, dest: String, context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        var request = RemoteHTTP(url: url)
        request.timeout = 10
        request.validateCerts = context.bool("validate_certs", default: true)
        request.sums = []
        let response = try request.perform(context)
        defer { if !response.bodyPath.isEmpty { _ = try? context.remote(RemoteHTTP.discard(response.bodyPath)) } }
        if let error = response.error { return .failed("Failure downloading \(url), Request failed: \(error)") }
        guard response.status < 400 else {
            return .failed("Failure downloading \(url), HTTP Error \(response.status): \(response.reason)")
        }
        var task = UnarchiveTask(context: context, src: response.bodyPath, dest: dest)
        return try task.run()
    }
}

/// The module half of one `unarchive` task, on the target.
struct UnarchiveTask {
    var context: ModuleContext
    var src: String
    var dest: String
    var attributes: FileAttributes
    var extraOpts: [String]
    var excludes: [String]
    var includes: [String]
    var keepNewer: Bool

    init(context: ModuleContext, src: String, dest: String) {
        self.context = context
        self.src = src
        self.dest = dest
        attributes = FileAttributes(context)
        func list(_ key: String) -> [String] {
            guard let v = context.args[key], !v.isNone else { return [] }
            if case .list(let items) = v { return items.map(\.pythonString) }
            return v.pythonString.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        }
        extraOpts = list("extra_opts")
        excludes = list("exclude")
        includes = list("include")
        keepNewer = context.bool("keep_newer", default: false)
    }

    /// Runs argv on the target in the C.UTF-8 locale ansible picks, in `cwd` when given.
    func command(_ argv: [String], cwd: String? = nil) throws(ModuleFailure) -> CommandOutcome {
        var script = "export LANG=C.UTF-8 LC_ALL=C.UTF-8 LC_MESSAGES=C.UTF-8 LANGUAGE=C.UTF-8\n"
        if let cwd { script += "cd \(ShellQuote.quote(cwd)) || exit 1\n" }
        return try context.remote(script + "exec " + argv.map(ShellQuote.quote).joined(separator: " ") + " < /dev/null")
    }

    mutating func run() throws(ModuleFailure) -> TaskResult {
        let s = ShellQuote.quote(src)
        let probe = try context.probe("""
            \(RemoteIdentity.command)
            if [ -e \(s) ]; then echo 'EXISTS|1'; [ -r \(s) ] && echo 'READABLE|1'; printf 'SIZE|%s\\n' "$(stat -L -c %s \(s))"; fi
            for t in unzip zipinfo gtar tar; do p=$(command -v $t) && printf '%s|%s\\n' "$t" "$p"; done
            """)
        if probe["EXISTS"] == nil { return .failed("Source '\(src)' does not exist") }
        if probe["READABLE"] == nil { return .failed("Source '\(src)' not readable") }
        if probe["SIZE"] == "0" { return .failed("Invalid archive '\(src)', the file is 0 bytes") }
        let identity = RemoteIdentity.parse(probe)
        var handler = try pickHandler(probe)
        var v = PyDict()
        v["handler"] = .string(handler.name)
        v["dest"] = .string(dest)
        v["src"] = .string(src)
        let check = try handler.isUnarchived(self, identity: identity)
        if context.checkMode {
            v["changed"] = .bool(!check.unarchived)
        } else if check.unarchived {
            v["changed"] = false
        } else {
            let (argv, cwd) = handler.extractCommand(self)
            let out = try command(argv, cwd: cwd)
            v["extract_results"] = .dict(PyDict([("cmd", .list(argv.map { .string($0) })), ("rc", .int(Int(out.rc))),
                                                 ("out", .string(out.stdout)), ("err", .string(out.stderr))]))
            if out.rc != 0 { return .failed("failed to unpack \(src) to \(dest)", v) }
            v["changed"] = true
        }
        if let diff = check.diff, !diff.isEmpty { v["diff"] = .dict(PyDict([("prepared", .string(diff))])) }
        if (check.diff.map { !$0.isEmpty } ?? true) && !context.checkMode {
            if try applyAttributes(handler.files, identity: identity) { v["changed"] = true }
        }
        if context.bool("list_files", default: false) { v["files"] = .list(handler.files.map { .string($0) }) }
        let destProbe = try context.probe(RemoteStat.command(dest, tag: "D", follow: true))
        if let stat = RemoteStat.parse(destProbe, tag: "D") { for (k, x) in stat.resultKeys.items { v[k] = x } }
        return TaskResult(v)
    }

    /// The first handler that can read the archive, or ansible's failure listing why none could.
    func pickHandler(_ probe: ProbeOutput) throws(ModuleFailure) -> UnarchiveHandler {
        var reasons: [String] = []
        func note(_ reason: String) { if !reasons.contains(reason) { reasons.append(reason) } }
        let unzip = probe["unzip"], zipinfo = probe["zipinfo"]
        for zipinfoFlag in [false, true] {
            let needed = zipinfoFlag ? [("unzip", unzip)] : [("unzip", unzip), ("zipinfo", zipinfo)]
            let missing = needed.filter { $0.1 == nil }.map(\.0)
            if !missing.isEmpty {
                note("Unable to find required '\(missing.joined(separator: "' or '"))' binary in the path.")
                continue
            }
            let out = try command([unzip!, "-l", src])
            guard out.rc == 0 else { note("Command \"\(unzip!)\" could not handle archive: \(out.stderr)"); continue }
            var zip = ZipHandler(unzip: unzip!, zipinfo: zipinfoFlag ? [unzip!, "-Zl"] : [zipinfo!])
            if zipinfoFlag {
                let z = try command([unzip!, "-Zl"])
                guard z.stdout.lowercased().contains("zipinfo") else { note("Command \"unzip -Z\" could not handle archive: \(z.stderr)"); continue }
                zip.name = "ZipZArchive"
            }
            try zip.listFiles(self)
            return .zip(zip)
        }
        if context.checkMode {
            var v = PyDict()
            v["changed"] = false
            v["skipped"] = true
            v["msg"] = .string("remote module (\(UnarchiveModule.name)) does not support check mode when using gtar")
            throw ModuleFailure(TaskResult(v))
        }
        for (name, flag) in [("TgzArchive", "-z"), ("TarArchive", ""), ("TarBzipArchive", "-j"), ("TarXzArchive", "-J"),
                             ("TarZstdArchive", "--use-compress-program=zstd")] {
            guard let tar = probe["gtar"] ?? probe["tar"] else { note("Unable to find required 'gtar' or 'tar' binary in the path"); continue }
            let version = try command([tar, "--version"]).stdout
            let type = version.hasPrefix("bsdtar") ? "bsd" : version.hasPrefix("tar") && version.contains("GNU") ? "gnu" : "None"
            guard type == "gnu" else { note("Command \"\(tar)\" detected as tar type \(type). GNU tar required."); continue }
            var handler = TarHandler(name: name, tar: tar, flag: flag)
            let out = try command(handler.command("--list", self), cwd: dest)
            guard out.rc == 0 else {
                note("Command \"\(tar)\" could not handle archive: Unable to list files in the archive: \(out.stderr)")
                continue
            }
            handler.files = CommandModule.splitLines(out.stdout).map { name in name.hasPrefix("/") ? String(name.dropFirst()) : name }
                .filter { name in !excludes.contains { fnmatch($0.hasSuffix("/") ? String($0.dropLast()) : $0, name, 0) == 0 } }
            guard !handler.files.isEmpty else {
                note("Command \"\(tar)\" found no files in archive. Empty archive files are not supported.")
                continue
            }
            return .tar(handler)
        }
        throw ModuleFailure(.failed("Failed to find handler for \"\(src)\". Make sure the required command to extract the file is installed.\n"
                                    + reasons.joined(separator: "\n")))
    }

    /// ansible's `set_fs_attributes_if_different` over every unpacked path and top folder;
    /// true when something changed.
    func applyAttributes(_ files: [String], identity: RemoteIdentity) throws(ModuleFailure) -> Bool {
        guard attributes.mode != nil || attributes.owner != nil || attributes.group != nil else { return false }
        var paths: [String] = []
        for file in files {
            paths.append((dest as NSString).appendingPathComponent(file))
        }
        for file in files where file.contains("/") {
            let top = "\(dest)/\(file.split(separator: "/", omittingEmptySubsequences: false)[0])"
            if !paths.contains(top) { paths.append(top) }
        }
        let probe = try context.probe(paths.enumerated().map { RemoteStat.command($0.element, tag: "P\($0.offset)") }.joined(separator: "\n"))
        var script: [String] = []
        for (i, path) in paths.enumerated() {
            guard let stat = RemoteStat.parse(probe, tag: "P\(i)"), !stat.isLink else { continue }
            let change = try attributes.plan(for: stat, umask: identity.umask)
            if !change.isEmpty { script.append(change.commands(path) + " || exit 1") }
        }
        guard !script.isEmpty else { return false }
        let out = try context.remote(script.joined(separator: "\n"))
        if out.rc != 0 { throw ModuleFailure(.failed("Unexpected error when accessing exploded file.", PyDict([("stderr", .string(out.stderr))]))) }
        return true
    }
}
