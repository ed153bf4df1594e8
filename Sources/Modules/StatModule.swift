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
        // %o is st_blksize (ansible's block_size); %b counts 512-byte blocks. GNU stat gives the
        // times to the nanosecond (busybox's cannot; the whole seconds above then stand).
        script += "stat \(follow ? "-L " : "")-c 'BLK|%b|%o|%t|%T' \(p)\n"
        script += "stat \(follow ? "-L " : "")-c 'TIME|%.9X|%.9Y|%.9Z' \(p) 2>/dev/null\n"
        let attributes = context.bool(anyOf: ["get_attributes", "attr", "attributes"], default: true)
        if attributes {
            script += "if command -v lsattr >/dev/null 2>&1; then printf 'ATTR|%s\\n' \"$(lsattr -vd \(p) 2>/dev/null)\"; fi\n"
        }
        if context.bool("get_checksum", default: true) {
            script += "if [ -f \(p) ] && [ -r \(p) ]\(follow ? "" : " && [ ! -L \(p) ]"); then printf 'SUM|%s\\n' \"$(\(tool) < \(p) | cut -d' ' -f1)\"; fi\n"
        }
        if context.bool(anyOf: ["get_mime", "mime", "mime_type", "mime-type"], default: true) {
            script += "if command -v file >/dev/null 2>&1; then __m=$(file --mime-type --mime-encoding \(p)) && printf 'MIME|%s\\n' \"$__m\" | head -n 1; fi\n"
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
        v["mode"] = .string(String(format: "%04o", s.permissions))
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
        let times = (probe["TIME"] ?? "").split(separator: "|").map { RemoteStat.time(String($0)) }
        let precise = times.count == 3 && times.allSatisfy { $0 != nil }
        v["atime"] = .float(precise ? times[0]! : s.atime)
        v["mtime"] = .float(precise ? times[1]! : s.mtime)
        v["ctime"] = .float(precise ? times[2]! : s.ctime)
        let bits: [(String, Int)] = [("wusr", 0o200), ("rusr", 0o400), ("xusr", 0o100), ("wgrp", 0o020), ("rgrp", 0o040),
                                     ("xgrp", 0o010), ("woth", 0o002), ("roth", 0o004), ("xoth", 0o001), ("isuid", 0o4000), ("isgid", 0o2000)]
        for (name, bit) in bits { v[.string(name)] = .bool(s.rawMode & bit != 0) }
        v["pw_name"] = .string(s.owner)
        v["gr_name"] = .string(s.group)
        let blk = (probe["BLK"] ?? "").split(separator: "|").map(String.init)
        if blk.count >= 4 {
            let blocks = Int(blk[0]) ?? 0
            v["blocks"] = .int(blocks)
            v["disk_usage_bytes"] = .int(blocks * 512)
            v["block_size"] = .int(Int(blk[1]) ?? 0)
            v["device_type"] = .int(Self.deviceNumber(major: Int(blk[2], radix: 16) ?? 0, minor: Int(blk[3], radix: 16) ?? 0))
        }
        v["readable"] = .bool(probe["R"] != nil)
        v["writeable"] = .bool(probe["W"] != nil)
        v["executable"] = .bool(probe["X"] != nil)
        if s.isLink {
            v["lnk_source"] = .string(probe["SRC"] ?? "")
            v["lnk_target"] = .string(s.linkTarget ?? "")
        }
        if let sum = probe["SUM"] { v["checksum"] = .string(sum) }
        if context.bool(anyOf: ["get_mime", "mime", "mime_type", "mime-type"], default: true) {
            // As ansible reads `file --mime-type --mime-encoding`: after the last ':', exactly
            // "type; charset=x", or "unknown" (a dangling link gets no charset from file).
            v["mimetype"] = "unknown"
            v["charset"] = "unknown"
            if let line = probe["MIME"], let colon = line.lastIndex(of: ":") {
                let parts = line[line.index(after: colon)...].split(separator: ";", omittingEmptySubsequences: false)
                if parts.count == 2 {
                    v["mimetype"] = .string(parts[0].trimmingCharacters(in: .whitespaces))
                    let charset = parts[1].split(separator: "=", omittingEmptySubsequences: false)
                    if charset.count > 1 { v["charset"] = .string(charset[1].trimmingCharacters(in: .whitespaces)) }
                }
            }
        }
        if attributes {
            // lsattr -vd prints "<version> <flags> <path>"; where it fails (a device, a
            // filesystem without attributes) or is missing, ansible keeps these defaults.
            let words = (probe["ATTR"] ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            v["version"] = words.count >= 2 ? Value.string(words[0]) : Value.none
            let flags = words.count >= 2 ? words[1].replacingOccurrences(of: "-", with: "") : ""
            v["attr_flags"] = .string(flags)
            v["attributes"] = .list(flags.compactMap { Self.attributeNames[$0] }.map(Value.string))
        }
        result["stat"] = .dict(v)
        return TaskResult(result)
    }

    /// `lsattr` flags as ansible names them (module_utils' FILE_ATTRIBUTES).
    static let attributeNames: [Character: String] = [
        "A": "noatime", "a": "append", "c": "compressed", "C": "nocow", "d": "nodump", "D": "dirsync", "e": "extents",
        "E": "encrypted", "h": "blocksize", "i": "immutable", "I": "indexed", "j": "journalled", "N": "inline", "s": "zero",
        "S": "synchronous", "t": "notail", "T": "blockroot", "u": "undelete", "X": "compressedraw", "Z": "compresseddirty",
    ]

    /// st_rdev as glibc's makedev composes it from the major and minor numbers.
    static func deviceNumber(major: Int, minor: Int) -> Int {
        ((major & 0xfffff000) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffffff00) << 12) | (minor & 0xff)
    }
}
