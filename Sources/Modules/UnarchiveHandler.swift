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
        let members = CommandModule.splitLines(listing.stdout).compactMap(Member.init).filter { !excludes.contains($0.path) }
        let sums = try crcs(task)
        let probe = try task.context.probe(Self.diskProbe(members, dest: task.dest))
        var diff = ""
        for (i, member) in members.enumerated() {
            if let line = itemize(member, probe: probe, tag: String(i), sums: sums, task: task, identity: identity) { diff += line + "\n" }
        }
        return UnarchiveCheck(unarchived: listing.rc == 0 && diff.isEmpty, diff: diff)
    }

    /// sh printing, per member `i`, its stat (`P<i>`), and for a regular file its CRC-32 (`C<i>`,
    /// gzip's trailer) and sub-second mtime (`M<i>`: ansible compares the float st_mtime), plus
    /// the member's zip time as epoch seconds in the target's time zone (`T<i>`).
    static func diskProbe(_ members: [Member], dest: String) -> String {
        var script = ""
        for (i, m) in members.enumerated() {
            let p = ShellQuote.quote((dest as NSString).appendingPathComponent(m.path))
            script += RemoteStat.command(word: p, tag: "P\(i)") + "\n"
            script += "if [ -f \(p) ] && [ ! -L \(p) ]; then printf 'C\(i)|'; gzip -c < \(p) | tail -c 8 | od -An -tx1 | tr -d ' \\n'; echo; "
                + "printf 'M\(i)|%s\\n' \"$(stat -c %.9Y \(p) 2>/dev/null || stat -c %Y \(p))\"; fi\n"
            let t = Array(m.timestamp)
            let date = "\(String(t[0..<4]))-\(String(t[4..<6]))-\(String(t[6..<8])) \(String(t[9..<11])):\(String(t[11..<13])):\(String(t[13..<15]))"
            script += "printf 'T\(i)|%s\\n' \"$(date -d \(ShellQuote.quote(date)) +%s 2>/dev/null)\"\n"
        }
        return script
    }

    /// ansible's itemized line for a member that differs from the disk (rsync style: `>f++++++.??`
    /// missing, `c` wrong type, `.fcstpog..??` content, size, time, mode, owner, group); nil
    /// when it is the same. A file newer on disk under `keep_newer` is added to `excludes`.
    mutating func itemize(_ m: Member, probe: ProbeOutput, tag: String, sums: [String: UInt32], task: UnarchiveTask,
                          identity: RemoteIdentity) -> String? {
        let ftype: Character = m.path.hasSuffix("/") ? "d" : m.type == "l" ? "L" : "f"
        guard let st = RemoteStat.parse(probe, tag: "P" + tag) else { return ">\(ftype)++++++.?? \(m.path)" }
        if (ftype == "d" && !st.isDirectory) || (ftype == "f" && !st.isRegular) || (ftype == "L" && !st.isLink) {
            return "c\(ftype)++++++.?? \(m.path)"
        }
        var itemized = Array(".\(ftype).......??")
        if st.isRegular {
            let timestamp = Double(probe["T" + tag] ?? "") ?? 315532800
            let mtime = Double(probe["M" + tag] ?? "") ?? st.mtime
            if task.keepNewer && timestamp < mtime {
                excludes.append(m.path)
                return nil
            }
            if task.keepNewer ? timestamp > mtime : timestamp != mtime { itemized[4] = "t" }
            if m.size != st.size { itemized[3] = "s" }
            if let crc = probe["C" + tag].flatMap(Self.gzipCRC), crc != sums[m.path] { itemized[2] = "c" }
        }
        if ftype != "L" {
            let mode = task.attributes.mode.flatMap { $0.resolve(current: st.permissions, isDirectory: st.isDirectory, umask: identity.umask) }
                ?? Self.octal(m.permissions, isDirectory: m.path.hasSuffix("/"), umask: m.type == "?" ? 0 : identity.umask)
            if mode != st.permissions { itemized[5] = "p" }
        }
        let owner = task.attributes.owner ?? identity.user
        if st.owner != owner && String(st.uid) != owner { itemized[6] = "o" }
        let group = task.attributes.group ?? identity.group
        if st.group != group && String(st.gid) != group { itemized[6] = "g" }
        let line = String(itemized)
        return line == ".\(ftype).......??" ? nil : "\(line) \(m.path)"
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
