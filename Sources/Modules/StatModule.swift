import Connection
import Core
import Foundation

/// `stat`: facts about a path under `stat`, read with one sh round trip. A missing path gives
/// `{exists: false}` only. Symlinks are not followed unless `follow`; a link reports
/// `lnk_source` (fully resolved) and `lnk_target` (as written). `checksum` (sha1 unless
/// `checksum_algorithm`) is given for readable regular files when `get_checksum`.
struct StatModule: Module {
    static let options: Set<String> = [
        "path", "dest", "name", "follow", "get_checksum", "checksum_algorithm", "checksum", "checksum_algo",
        "get_md5", "get_mime", "mime", "mime_type", "mime-type", "get_attributes", "attr", "attributes", "get_selinux_context",
    ]
    static let algorithms: [String: String] = ["md5": "md5sum", "sha1": "sha1sum", "sha224": "sha224sum",
                                               "sha256": "sha256sum", "sha384": "sha384sum", "sha512": "sha512sum"]

    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(Self.options, module: "stat") { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in try stat(context) }
    }

    func stat(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        let path = try context.required("path", aliases: ["dest", "name"])
        let follow = context.bool("follow", default: false)
        let algorithm = context.string(anyOf: ["checksum_algorithm", "checksum", "checksum_algo"]) ?? "sha1"
        guard let tool = Self.algorithms[algorithm] else {
            return .failed("value of checksum_algorithm must be one of: \(Self.algorithms.keys.sorted().joined(separator: ", ")), got: \(algorithm)")
        }
        let p = ShellQuote.quote(path)
        var script = RemoteStat.command(path, tag: "S", follow: follow) + "\n"
        script += "if [ -e \(p) ] || [ -L \(p) ]; then\n"
        script += "[ -r \(p) ] && echo 'R|1'; [ -w \(p) ] && echo 'W|1'; [ -x \(p) ] && echo 'X|1'\n"
        script += "if [ -L \(p) ]; then printf 'SRC|%s\\n' \"$(readlink -f \(p))\"; fi\n"
        script += "stat \(follow ? "-L " : "")-c 'BLK|%b|%B|%t|%T' \(p)\n"
        if context.bool("get_checksum", default: true) {
            script += "if [ -f \(p) ] && [ -r \(p) ]\(follow ? "" : " && [ ! -L \(p) ]"); then printf 'SUM|%s\\n' \"$(\(tool) < \(p) | cut -d' ' -f1)\"; fi\n"
        }
        if context.bool("get_mime", default: true) {
            script += "if command -v file >/dev/null 2>&1; then printf 'MIME|%s|%s\\n' \"$(file -b --mime-type \(p))\" \"$(file -b --mime-encoding \(p))\"; fi\n"
        }
        script += "fi"
        let probe = try context.probe(script)
        var result = PyDict()
        result["changed"] = false
        guard let s = RemoteStat.parse(probe, tag: "S") else {
            result["stat"] = .dict(PyDict([("exists", false)]))
            return TaskResult(result)
        }
        var v = PyDict()
        v["exists"] = true
        v["path"] = .string(path)
        v["mode"] = .string(FileMode.text(s.permissions))
        v["isdir"] = .bool(s.isDirectory)
        v["ischr"] = .bool(s.isCharDevice)
        v["isblk"] = .bool(s.isBlockDevice)
        v["isreg"] = .bool(s.isRegular)
        v["isfifo"] = .bool(s.isFIFO)
        v["islnk"] = .bool(s.isLink)
        v["issock"] = .bool(s.isSocket)
        v["uid"] = .int(s.uid)
        v["gid"] = .int(s.gid)
        v["size"] = .int(s.size)
        v["inode"] = .int(s.inode)
        v["dev"] = .int(s.dev)
        v["nlink"] = .int(s.nlink)
        v["atime"] = .float(s.atime)
        v["mtime"] = .float(s.mtime)
        v["ctime"] = .float(s.ctime)
        let bits: [(String, Int)] = [("wusr", 0o200), ("rusr", 0o400), ("xusr", 0o100), ("wgrp", 0o020), ("rgrp", 0o040),
                                     ("xgrp", 0o010), ("woth", 0o002), ("roth", 0o004), ("xoth", 0o001), ("isuid", 0o4000), ("isgid", 0o2000)]
        for (name, bit) in bits { v[.string(name)] = .bool(s.rawMode & bit != 0) }
        v["pw_name"] = .string(s.owner)
        v["gr_name"] = .string(s.group)
        let blk = (probe["BLK"] ?? "").split(separator: "|").map(String.init)
        if blk.count >= 4 {
            v["blocks"] = .int(Int(blk[0]) ?? 0)
            v["block_size"] = .int(Int(blk[1]) ?? 0)
            if s.isCharDevice || s.isBlockDevice {
                v["device_type"] = .int(((Int(blk[2], radix: 16) ?? 0) << 8) | (Int(blk[3], radix: 16) ?? 0))
            }
        }
        v["readable"] = .bool(probe["R"] != nil)
        v["writeable"] = .bool(probe["W"] != nil)
        v["executable"] = .bool(probe["X"] != nil)
        if s.isLink {
            v["lnk_source"] = .string(probe["SRC"] ?? "")
            v["lnk_target"] = .string(s.linkTarget ?? "")
        }
        if let sum = probe["SUM"] { v["checksum"] = .string(sum) }
        if let mime = probe["MIME"] {
            let parts = mime.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            v["mimetype"] = .string(parts.first ?? "unknown")
            v["charset"] = .string(parts.count > 1 ? parts[1] : "unknown")
        }
        result["stat"] = .dict(v)
        return TaskResult(result)
    }
}
