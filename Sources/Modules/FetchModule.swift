import Connection
import Core
import Foundation
import Jinja

/// `fetch`: a file on the target copied to the controller, to `dest/<inventory_hostname>/<src>`
/// or, with `flat`, to `dest` itself (under the file's own name when `dest` ends with `/`).
/// As in Ansible it is an action with no argument checking, the copy happens only when the
/// sha1 checksums differ, check mode skips, a missing file fails unless
/// `fail_on_missing: false`, and the written copy is compared with the target's checksum
/// unless `validate_checksum: false`.
struct FetchModule: Module {
    func run(_ context: ModuleContext) -> TaskResult {
        ModuleContext.outcome { () throws(ModuleFailure) in try fetch(context) }
    }

    func fetch(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        guard let source = context.string("src"), let destArg = context.string("dest") else {
            return .failed("src and dest are required")
        }
        if context.checkMode {
            return TaskResult(PyDict([("changed", false), ("msg", "check mode not (yet) supported for this module"), ("skipped", true)]))
        }
        let p = ShellQuote.quote(source)
        let probe = try context.probe("""
        if [ ! -e \(p) ]; then echo 'E|missing'; elif [ -d \(p) ]; then echo 'E|dir'; elif [ ! -r \(p) ]; then echo 'E|denied'; \
        elif command -v sha1sum >/dev/null 2>&1; then printf 'SUM|%s\\n' "$(sha1sum < \(p) | cut -d' ' -f1)"; fi
        """)
        switch probe["E"] {
        case "missing":
            let msg = "the remote file does not exist, not transferring, ignored"
            if context.bool("fail_on_missing", default: true) { return .failed(msg) }
            return TaskResult(PyDict([("changed", false), ("file", .string(source)), ("msg", .string(msg))]))
        case "dir": return .failed("remote file is a directory, fetch cannot work on directories")
        case "denied": return .failed("file is not readable: \(source)")
        default: break
        }
        let dest = destination(source: source, dest: destArg, context: context)
        let local = FileManager.default.contents(atPath: dest).map { [UInt8]($0) }
        let localSum = local.map { Digest.hex(Digest.sha1($0)) }
        var v = PyDict()
        if let remoteSum = probe["SUM"], remoteSum == localSum, let local {
            v["changed"] = false
            v["checksum"] = .string(remoteSum)
            v["dest"] = .string(dest)
            v["file"] = .string(source)
            v["md5sum"] = .string(Digest.hex(Digest.md5(local)))
            return TaskResult(v)
        }
        let data = try context.probe(RemoteFile.contentCommand(source, tag: "DATA"))
        guard let bytes = data["DATA"].flatMap(RemoteFile.decodeContent) else {
            return .failed("unable to fetch file: \(source)")
        }
        let remoteSum = probe["SUM"] ?? Digest.hex(Digest.sha1(bytes))
        do {
            try FileManager.default.createDirectory(atPath: (dest as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: dest), options: .atomic)
        } catch {
            return .failed("Failed to write \(dest): \(error.localizedDescription)")
        }
        let written = FileManager.default.contents(atPath: dest).map { [UInt8]($0) } ?? []
        let newSum = Digest.hex(Digest.sha1(written))
        v["changed"] = true
        v["checksum"] = .string(newSum)
        v["dest"] = .string(dest)
        v["file"] = .string(source)
        v["md5sum"] = .string(Digest.hex(Digest.md5(written)))
        v["remote_checksum"] = .string(remoteSum)
        v["remote_md5sum"] = Value.none
        if context.bool("validate_checksum", default: true), newSum != remoteSum {
            v["failed"] = true
            v["msg"] = "checksum mismatch"
        }
        return TaskResult(v)
    }

    /// Where the copy goes: `dest` (a directory when it ends with `/`) with `flat`, else
    /// `dest/<inventory_hostname>/<src>`; a relative `dest` is taken from the playbook's folder.
    func destination(source: String, dest: String, context: ModuleContext) -> String {
        var base = (dest as NSString).expandingTildeInPath
        if !base.hasPrefix("/") {
            let root = context.searchPaths.last ?? FileManager.default.currentDirectoryPath
            base = (root as NSString).appendingPathComponent(base) + (dest.hasSuffix("/") ? "/" : "")
        }
        if context.bool("flat", default: false) {
            return base.hasSuffix("/") ? base + (source as NSString).lastPathComponent : base
        }
        let host = context.vars.value(named: "inventory_hostname")?.pythonString ?? context.host
        return ((base as NSString).appendingPathComponent(host) as NSString).appendingPathComponent(source).replacingOccurrences(of: "//", with: "/")
    }
}
