import Connection
import Core
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The tool that reads one archive for `unarchive`, named as ansible names its handler class.
enum UnarchiveHandler {
    case zip(ZipHandler)
    case tar(TarHandler)

    var name: String {
        switch self {
        case .zip(let z): return z.name
        case .tar(let t): return t.name
        }
    }

    /// The archive's members (after `include`/`exclude`), as `list_files` reports them.
    var files: [String] {
        switch self {
        case .zip(let z): return z.files
        case .tar(let t): return t.files
        }
    }

    mutating func isUnarchived(_ task: UnarchiveTask, identity: RemoteIdentity) throws(ModuleFailure) -> UnarchiveCheck {
        switch self {
        case .zip(var z):
            let check = try z.isUnarchived(task, identity: identity)
            self = .zip(z)
            return check
        case .tar(let t): return try t.isUnarchived(task, identity: identity)
        }
    }

    /// argv and directory of the extraction.
    func extractCommand(_ task: UnarchiveTask) -> ([String], String?) {
        switch self {
        case .zip(let z):
            var argv = [z.unzip, "-o"] + task.extraOpts + [task.src]
            if !z.excludes.isEmpty { argv += ["-x"] + z.excludes }
            return (argv + task.includes + ["-d", task.dest], nil)
        case .tar(let t): return (t.command("--extract", task), task.dest)
        }
    }
}

/// Whether `dest` already holds the archive, and (zip) the itemized differences.
struct UnarchiveCheck {
    var unarchived: Bool
    var diff: String?
}

/// GNU tar, with the compression flag the handler is named after.
struct TarHandler {
    var name: String
    var tar: String
    var flag: String
    var files: [String] = []

    init(name: String, tar: String, flag: String) {
        self.name = name
        self.tar = tar
        self.flag = flag
    }

    /// `tar <action> -C dest ...` as ansible builds it for --list, --diff and --extract.
    func command(_ action: String, _ task: UnarchiveTask) -> [String] {
        var argv = [tar, action, "-C", task.dest]
        if !flag.isEmpty { argv.append(flag) }
        if !task.extraOpts.isEmpty { argv += ["--show-transformed-names"] + task.extraOpts }
        if action != "--list" {
            if let owner = task.attributes.owner { argv.append("--owner=" + ShellQuote.quote(owner)) }
            if let group = task.attributes.group { argv.append("--group=" + ShellQuote.quote(group)) }
            if task.keepNewer { argv.append("--keep-newer-files") }
        }
        argv += task.excludes.map { "--exclude=" + ($0.hasSuffix("/") ? String($0.dropLast()) : $0) }
        return argv + ["-f", task.src] + task.includes
    }

    /// `tar --diff`, keeping only the differences ansible counts (owner and group only as
    /// root and when not set by the task, mode only when not set by the task).
    func isUnarchived(_ task: UnarchiveTask, identity: RemoteIdentity) throws(ModuleFailure) -> UnarchiveCheck {
        let out = try task.command(command("--diff", task), cwd: task.dest)
        var differences = 0
        let counted = [": Mod time differs", ": Warning: Cannot stat: No such file or directory", ": Symlink differs",
                       ": Contents differ", ": Size differs"]
        for line in CommandModule.splitLines(out.stdout) + CommandModule.splitLines(out.stderr) {
            if line.hasSuffix(": : Warning: Cannot stat: No such file or directory") { continue }
            if identity.uid == 0 && task.attributes.owner == nil && line.hasSuffix(": Uid differs") { differences += 1 }
            if identity.uid == 0 && task.attributes.group == nil && line.hasSuffix(": Gid differs") { differences += 1 }
            if task.attributes.mode == nil && line.hasSuffix(": Mode differs") { differences += 1 }
            if counted.contains(where: { line.hasSuffix($0) }) || line.contains(": Invalid owner") || line.contains(": Invalid group") {
                differences += 1
            }
        }
        return UnarchiveCheck(unarchived: differences == 0, diff: nil)
    }
}

/// unzip, with zipinfo (or `unzip -Z`) to list members with their modes and times.
struct ZipHandler {
    var name = "ZipArchive"
    var unzip: String
    var zipinfo: [String]
    var files: [String] = []
    /// `exclude`, plus members kept because the file on disk is newer (`keep_newer`).
    var excludes: [String] = []

    init(unzip: String, zipinfo: [String]) {
        self.unzip = unzip
        self.zipinfo = zipinfo
    }

    /// The member names, filtered by `include` (any match) or `exclude` (no match).
    mutating func listFiles(_ task: UnarchiveTask) throws(ModuleFailure) {
        excludes = task.excludes
        let out = try task.command([unzip, "-Z1", task.src])
        guard out.rc == 0 else { throw ModuleFailure(.failed("Unable to list files in the archive: \(out.stderr)")) }
        for member in CommandModule.splitLines(out.stdout) {
            if !task.includes.isEmpty {
                for pattern in task.includes where fnmatch(pattern, member, 0) == 0 { files.append(member) }
            } else if !task.excludes.contains(where: { fnmatch($0, member, 0) == 0 }) {
                files.append(member)
            }
        }
    }

    /// One member line of `zipinfo -T -s`.
    struct Member {
        var type: Character
        var permissions: String
        var size: Int
        var timestamp: String
        var path: String

        init?(_ line: String) {
            let pcs = ZipHandler.fields(line, maxSplit: 7)
            guard pcs.count == 8, [7, 8, 10].contains(pcs[0].count), pcs[6].count == 15, let first = pcs[0].first,
                  "dl-?".contains(first), pcs[0].dropFirst().allSatisfy({ "rwxstah-".contains($0) }), let size = Int(pcs[3]) else { return nil }
            type = first
            permissions = String(pcs[0].dropFirst())
            self.size = size
            timestamp = pcs[6]
            path = pcs[7]
        }
    }

    /// ansible's per-member comparison: type, mtime, size, CRC-32, mode, owner and group.
    mutating func isUnarchived(_ task: UnarchiveTask, identity: RemoteIdentity) throws(ModuleFailure) -> UnarchiveCheck {
        var argv = zipinfo + ["-T", "-s", task.src]
        if !excludes.isEmpty { argv += ["-x"] + excludes }
        let listing = try task.command(argv + task.includes)
        var unarchived = listing.rc == 0
        let members = CommandModule.splitLines(listing.stdout).compactMap(Member.init).filter { !excludes.contains($0.path) }
        let sums = try crcs(task)
        var script = ""
        for (i, m) in members.enumerated() {
            let p = (task.dest as NSString).appendingPathComponent(m.path)
            script += RemoteStat.command(p, tag: "P\(i)") + "\n"
            // Sub-second mtime where stat has it: ansible compares the float st_mtime.
            script += "if [ -f \(ShellQuote.quote(p)) ] && [ ! -L \(ShellQuote.quote(p)) ]; then printf 'C\(i)|'; gzip -c < \(ShellQuote.quote(p)) | tail -c 8 | od -An -tx1 | tr -d ' \\n'; echo; "
                + "printf 'M\(i)|%s\\n' \"$(stat -c %.9Y \(ShellQuote.quote(p)) 2>/dev/null || stat -c %Y \(ShellQuote.quote(p)))\"; fi\n"
            let t = Array(m.timestamp)
            let date = "\(String(t[0..<4]))-\(String(t[4..<6]))-\(String(t[6..<8])) \(String(t[9..<11])):\(String(t[11..<13])):\(String(t[13..<15]))"
            script += "printf 'T\(i)|%s\\n' \"$(date -d \(ShellQuote.quote(date)) +%s 2>/dev/null)\"\n"
        }
        let probe = try task.context.probe(script)
        var diff = ""
        var changedPaths: [String] = []
        for (i, m) in members.enumerated() {
            let ftype: Character = m.path.hasSuffix("/") ? "d" : m.type == "l" ? "L" : "f"
            guard let st = RemoteStat.parse(probe, tag: "P\(i)") else {
                changedPaths.append(m.path)
                diff += ">\(ftype)++++++.?? \(m.path)\n"
                continue
            }
            if (ftype == "d" && !st.isDirectory) || (ftype == "f" && !st.isRegular) || (ftype == "L" && !st.isLink) {
                changedPaths.append(m.path)
                if ftype == "f" { unarchived = false }
                diff += "c\(ftype)++++++.?? \(m.path)\n"
                continue
            }
            var itemized = Array(".\(ftype).......??")
            var change = false
            let timestamp = Double(probe["T\(i)"] ?? "") ?? 315532800
            let mtime = Double(probe["M\(i)"] ?? "") ?? st.mtime
            if st.isRegular {
                if task.keepNewer {
                    if timestamp > mtime {
                        change = true
                        itemized[4] = "t"
                    } else if timestamp < mtime {
                        excludes.append(m.path)
                        continue
                    }
                } else if timestamp != mtime {
                    change = true
                    itemized[4] = "t"
                }
                if m.size != st.size { change = true; itemized[3] = "s" }
                if let crc = probe["C\(i)"].flatMap(Self.gzipCRC), crc != sums[m.path] { change = true; itemized[2] = "c" }
            }
            if ftype != "L" {
                let mode: Int
                if let wanted = task.attributes.mode {
                    mode = wanted.resolve(current: st.permissions, isDirectory: st.isDirectory, umask: identity.umask) ?? st.permissions
                } else {
                    mode = Self.octal(m.permissions, isDirectory: m.path.hasSuffix("/"), umask: m.type == "?" ? 0 : identity.umask)
                }
                if mode != st.permissions { change = true; itemized[5] = "p" }
            }
            let owner = task.attributes.owner ?? identity.user
            if st.owner != owner && String(st.uid) != owner { change = true; itemized[6] = "o" }
            let group = task.attributes.group ?? identity.group
            if st.group != group && String(st.gid) != group { change = true; itemized[6] = "g" }
            if change {
                changedPaths.append(m.path)
                diff += "\(String(itemized)) \(m.path)\n"
            }
        }
        if !changedPaths.isEmpty { unarchived = false }
        return UnarchiveCheck(unarchived: unarchived, diff: diff)
    }

    /// The members' CRC-32s, from `unzip -lv`.
    func crcs(_ task: UnarchiveTask) throws(ModuleFailure) -> [String: UInt32] {
        let out = try task.command([unzip, "-lv", task.src])
        var sums: [String: UInt32] = [:]
        for line in CommandModule.splitLines(out.stdout) {
            let f = Self.fields(line, maxSplit: 7)
            if f.count == 8, f[6].count == 8, let crc = UInt32(f[6], radix: 16) { sums[f[7]] = crc }
        }
        return sums
    }

    /// Python's `line.split(None, maxSplit)`: whitespace-separated fields, the last one the rest
    /// of the line.
    static func fields(_ line: String, maxSplit: Int) -> [String] {
        var out: [String] = []
        var rest = Substring(line)
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard !rest.isEmpty else { return out }
            if out.count == maxSplit {
                out.append(String(rest.reversed().drop { $0 == " " || $0 == "\t" }.reversed()))
                return out
            }
            let end = rest.firstIndex { $0 == " " || $0 == "\t" } ?? rest.endIndex
            out.append(String(rest[..<end]))
            rest = rest[end...]
        }
    }

    /// The CRC-32 in a gzip trailer (hex of its 8 bytes; the CRC is the first 4, little-endian).
    static func gzipCRC(_ hex: String) -> UInt32? {
        let bytes = Array(hex)
        guard bytes.count == 16 else { return nil }
        var crc: UInt32 = 0
        for i in (0..<4).reversed() {
            guard let b = UInt32(String(bytes[i * 2..<i * 2 + 2]), radix: 16) else { return nil }
            crc = crc << 8 | b
        }
        return crc
    }

    /// A zipinfo permission string as a mode, as ansible's `_permstr_to_octal` reads it (short
    /// MS-DOS strings stand for `rw-rw-rw-`, or `rwxrwxrwx` for directories).
    static func octal(_ permissions: String, isDirectory: Bool, umask: Int) -> Int {
        var perm = permissions
        var fileUmask = 0
        if perm.count == 6 {
            perm = isDirectory || perm == "rwx---" ? "rwxrwxrwx" : "rw-rw-rw-"
            fileUmask = umask
        } else if perm.count == 7 {
            perm = perm == "rwxa---" ? "rwxrwxrwx" : "rw-rw-rw-"
            fileUmask = umask
        }
        var mode = 0
        for (i, c) in perm.reversed().enumerated() where i < 9 && "rwxst".contains(c) { mode += 1 << i }
        return mode & ~fileUmask
    }
}
