import Connection
import Core
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `find`: files under `paths` on the target, listed by one sh walk (a `stat` line per entry)
/// and filtered on the controller as Ansible's module does: `patterns`/`excludes` match the
/// base name (`fnmatch`, or `re.match` with `use_regex`), `contains` is `re.match` on each
/// line (`re.search` on the whole file with `read_whole_file`), `age`/`size` take Ansible's
/// units and a leading `-` for "at most". Every entry of a walked directory counts towards
/// `examined`, also below `depth`, whose entries are then neither matched nor descended.
struct FindModule: Module {
    static let options: Set<String> = [
        "age", "age_stamp", "checksum_algorithm", "contains", "depth", "encoding", "exact_mode", "excludes", "file_type",
        "follow", "get_checksum", "hidden", "limit", "mode", "paths", "patterns", "read_whole_file", "recurse", "size",
        "use_regex",
    ]
    static let aliases: Set<String> = ["checksum", "checksum_algo", "exclude", "name", "path", "pattern"]

    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(Self.options, module: "find", aliases: Self.aliases) { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in try find(context) }
    }

    /// One entry the walk printed.
    struct Entry {
        var level: Int
        var stat: RemoteStat
        var blocks: Int
        var path: String
        var name: String { (path as NSString).lastPathComponent }
    }

    func find(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        let paths = Self.list(context.args["paths"] ?? context.args["path"] ?? context.args["name"])
        guard !paths.isEmpty else { return .failed("missing required arguments: paths") }
        let fileType = context.string("file_type") ?? "file"
        guard ["any", "directory", "file", "link"].contains(fileType) else {
            return .failed("value of file_type must be one of: any, directory, file, link, got: \(fileType)")
        }
        let ageStamp = context.string("age_stamp") ?? "mtime"
        guard ["atime", "ctime", "mtime"].contains(ageStamp) else {
            return .failed("value of age_stamp must be one of: atime, ctime, mtime, got: \(ageStamp)")
        }
        if context.string("mode") != nil { return .failed("find with mode is not supported by runner yet") }
        let useRegex = context.bool("use_regex", default: false)
        let patterns = Self.list(context.args["patterns"] ?? context.args["pattern"])
        let excludes = Self.list(context.args["excludes"] ?? context.args["exclude"])
        let match = try Self.nameMatcher(patterns.isEmpty ? [useRegex ? ".*" : "*"] : patterns, regex: useRegex)
        let exclude = excludes.isEmpty ? nil : try Self.nameMatcher(excludes, regex: useRegex)
        let age = try context.string("age").map { s throws(ModuleFailure) in try Self.quantity(s, units: ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800], name: "age") }
        let size = try context.string("size").map { s throws(ModuleFailure) in
            try Self.quantity(s, units: ["b": 1, "k": 1024, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40], name: "size")
        }
        let contains = try context.string("contains").map { s throws(ModuleFailure) in
            guard let re = PythonRegex(s) else { throw ModuleFailure(.failed("invalid regular expression in contains: \(s)")) }
            return re
        }
        let follow = context.bool("follow", default: false)
        let hidden = context.bool("hidden", default: false)
        let depth = context.string("depth").flatMap { Int($0) }
        let limit = context.string("limit").flatMap { Int($0) }
        let walk = try context.remote(Self.walkScript(paths, recurse: context.bool("recurse", default: false), follow: follow, depth: depth))
        var entries: [Entry] = []
        var skipped: [String] = []
        var examined = 0
        for line in walk.stdout.split(separator: "\n") {
            if line.hasPrefix("SKIP|") { skipped.append(String(line.dropFirst(5))); continue }
            guard line.hasPrefix("E|") else { continue }
            let f = line.dropFirst(2).split(separator: "|", maxSplits: 14, omittingEmptySubsequences: false).map(String.init)
            guard f.count == 15, let level = Int(f[0]) else { continue }
            examined += 1
            let probe = ProbeOutput("S|" + f[1...12].joined(separator: "|"))
            guard let stat = RemoteStat.parse(probe, tag: "S") else { continue }
            entries.append(Entry(level: level, stat: stat, blocks: Int(f[13]) ?? 0, path: f[14]))
        }
        let now = Date().timeIntervalSince1970
        var candidates = entries.filter { e in
            if let depth, e.level > depth { return false }
            if e.name.hasPrefix(".") && !hidden { return false }
            guard match(e.name), !(exclude?(e.name) ?? false) else { return false }
            let s = e.stat
            let kindOK: Bool
            switch fileType {
            case "directory": kindOK = s.isDirectory
            case "link": kindOK = s.isLink
            case "any": kindOK = true
            default: kindOK = s.isRegular
            }
            guard kindOK else { return false }
            if let age {
                let stamp = ageStamp == "atime" ? s.atime : ageStamp == "ctime" ? s.ctime : s.mtime
                if age >= 0 ? now - stamp < Double(age) : now - stamp > Double(-age) { return false }
            }
            if s.isRegular, let size {
                if size >= 0 ? s.size < size : s.size > -size { return false }
            }
            return true
        }.sorted { $0.path < $1.path }
        if let contains, !candidates.isEmpty {
            let texts = try Self.contents(candidates.map(\.path), context)
            let whole = context.bool("read_whole_file", default: false)
            candidates = candidates.enumerated().filter { i, e in
                guard e.stat.isRegular else { return true }
                guard let text = texts[i] else { return false }
                if whole { return contains.firstMatch(in: text) != nil }
                return text.split(separator: "\n", omittingEmptySubsequences: false).contains { contains.matchesAtStart(String($0)) }
            }.map(\.element)
        }
        if let limit, limit > 0, candidates.count > limit { candidates = Array(candidates.prefix(limit)) }
        var sums: [String: String] = [:]
        if context.bool("get_checksum", default: false) {
            sums = try Self.checksums(candidates.filter { $0.stat.isRegular }.map(\.path), algorithm: context.string(anyOf: ["checksum_algorithm", "checksum", "checksum_algo"]) ?? "sha1", context)
        }
        var v = PyDict()
        v["changed"] = false
        v["examined"] = .int(examined)
        v["files"] = .list(candidates.map { Self.fileValue($0, checksum: sums[$0.path]) })
        v["matched"] = .int(candidates.count)
        var skippedPaths = PyDict()
        for p in skipped { skippedPaths[.string(p)] = .string("'\(p)' is not a directory") }
        v["msg"] = skipped.isEmpty ? "All paths examined" : "Not all paths examined, check warnings for details"
        v["skipped_paths"] = .dict(skippedPaths)
        if !skipped.isEmpty {
            v["warnings"] = .list(skipped.map { .string("Skipped '\($0)' path due to this access issue: '\($0)' is not a directory\n") })
        }
        return TaskResult(v)
    }

    /// A list argument: a YAML list, or a string split on commas.
    static func list(_ value: Value?) -> [String] {
        guard let value, !value.isNone else { return [] }
        if let l = value.listValue { return l.map(\.pythonString) }
        return value.pythonString.split(separator: ",").map { String($0) }
    }

    static func nameMatcher(_ patterns: [String], regex: Bool) throws(ModuleFailure) -> (String) -> Bool {
        if regex {
            var compiled: [PythonRegex] = []
            for p in patterns {
                guard let re = PythonRegex(p) else { throw ModuleFailure(.failed("invalid regular expression: \(p)")) }
                compiled.append(re)
            }
            return { name in compiled.contains { $0.matchesAtStart(name) } }
        }
        return { name in patterns.contains { fnmatch($0, name, 0) == 0 } }
    }

    /// `4w`, `-10k`, `20`: a signed count of seconds or bytes.
    static func quantity(_ s: String, units: [Character: Int], name: String) throws(ModuleFailure) -> Int {
        var text = s.lowercased()
        var unit = 1
        if let last = text.last, let u = units[last] { unit = u; text.removeLast() }
        guard let n = Int(text) else { throw ModuleFailure(.failed("failed to process \(name)")) }
        return n * unit
    }

    /// sh listing every entry of the walked directories as `E|level|<stat>|blocks|path`, and a
    /// path that is not a directory as `SKIP|path`.
    static func walkScript(_ paths: [String], recurse: Bool, follow: Bool, depth: Int?) -> String {
        let flag = follow ? "-L " : ""
        let descend = follow ? "[ -d \"$e\" ]" : "[ -d \"$e\" ] && [ ! -L \"$e\" ]"
        return """
        rt_walk() {
          for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
            [ -e "$e" ] || [ -L "$e" ] || continue
            s=$(stat \(flag)-c '\(RemoteStat.format)|%b' "$e" 2>/dev/null) || continue
            printf 'E|%s|%s|%s\\n' "$2" "$s" "$e"
          done
          \(recurse ? "" : "return 0")
          \(depth.map { "[ \"$2\" -gt \($0) ] && return 0" } ?? "")
          for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
            if \(descend); then rt_walk "$e" $(($2 + 1)); fi
          done
        }
        """ + "\n" + paths.map { p in
            let q = ShellQuote.quote(p)
            return "if [ -d \(q) ]; then rt_walk \(q) 1; else printf 'SKIP|%s\\n' \(q); fi"
        }.joined(separator: "\n")
    }

    /// The text of each file (nil when unreadable), in one round trip.
    static func contents(_ paths: [String], _ context: ModuleContext) throws(ModuleFailure) -> [String?] {
        let script = paths.enumerated().map { i, p in
            "if [ -r \(ShellQuote.quote(p)) ]; then \(RemoteFile.contentCommand(p, tag: "C\(i)")); fi"
        }.joined(separator: "\n")
        let probe = try context.probe(script)
        return paths.indices.map { i in probe["C\(i)"].flatMap(RemoteFile.decodeContent).map { String(decoding: $0, as: UTF8.self) } }
    }

    static func checksums(_ paths: [String], algorithm: String, _ context: ModuleContext) throws(ModuleFailure) -> [String: String] {
        guard let tool = StatModule.algorithms[algorithm] else {
            throw ModuleFailure(.failed("value of checksum_algorithm must be one of: \(StatModule.algorithms.keys.sorted().joined(separator: ", ")), got: \(algorithm)"))
        }
        let script = paths.enumerated().map { i, p in
            "printf 'K\(i)|%s\\n' \"$(\(tool) < \(ShellQuote.quote(p)) 2>/dev/null | cut -d' ' -f1)\""
        }.joined(separator: "\n")
        let probe = try context.probe(script)
        var out: [String: String] = [:]
        for (i, p) in paths.enumerated() { if let s = probe["K\(i)"], !s.isEmpty { out[p] = s } }
        return out
    }

    /// The stat keys Ansible's find gives each file.
    static func fileValue(_ e: Entry, checksum: String?) -> Value {
        let s = e.stat
        var v = PyDict()
        v["atime"] = .float(s.atime)
        v["blocks"] = .int(e.blocks)
        v["ctime"] = .float(s.ctime)
        v["dev"] = .int(s.dev)
        v["disk_usage_bytes"] = .int(e.blocks * 512)
        v["gid"] = .int(s.gid)
        v["gr_name"] = .string(s.group)
        v["inode"] = .int(s.inode)
        v["isblk"] = .bool(s.isBlockDevice)
        v["ischr"] = .bool(s.isCharDevice)
        v["isdir"] = .bool(s.isDirectory)
        v["isfifo"] = .bool(s.isFIFO)
        v["isgid"] = .bool(s.rawMode & 0o2000 != 0)
        v["islnk"] = .bool(s.isLink)
        v["isreg"] = .bool(s.isRegular)
        v["issock"] = .bool(s.isSocket)
        v["isuid"] = .bool(s.rawMode & 0o4000 != 0)
        v["mode"] = .string(FileMode.text(s.permissions))
        v["mtime"] = .float(s.mtime)
        v["nlink"] = .int(s.nlink)
        v["path"] = .string(e.path)
        v["pw_name"] = .string(s.owner)
        let bits: [(String, Int)] = [("rgrp", 0o040), ("roth", 0o004), ("rusr", 0o400), ("size", -1), ("uid", -2), ("wgrp", 0o020),
                                     ("woth", 0o002), ("wusr", 0o200), ("xgrp", 0o010), ("xoth", 0o001), ("xusr", 0o100)]
        for (name, bit) in bits {
            switch bit {
            case -1: v["size"] = .int(s.size)
            case -2: v["uid"] = .int(s.uid)
            default: v[.string(name)] = .bool(s.rawMode & bit != 0)
            }
        }
        if let checksum { v["checksum"] = .string(checksum) }
        return .dict(v)
    }
}

extension PythonRegex {
    /// Python's `re.match`: a match that starts at the beginning of `s`.
    func matchesAtStart(_ s: String) -> Bool {
        regex.firstMatch(in: s, options: .anchored, range: NSRange(s.startIndex..., in: s)) != nil
    }
}
