import Connection
import Core
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `find`: files under `paths` on the target, listed by one sh walk (`FindWalk`) and filtered
/// on the controller, in `os.walk`'s order, as Ansible's module does: `patterns`/`excludes`
/// match the base name (`fnmatch`, or `re.match` with `use_regex`), `contains` is `re.match`
/// on each line (`re.search` on the whole file with `read_whole_file`) and applies to
/// `file_type: file` only, `age`/`size` take Ansible's units and a leading `-` for "at most",
/// `mode` matches exactly or, without `exact_mode`, on any bit. Every entry of a walked
/// directory counts towards `examined`, also below `depth`, whose entries are then neither
/// matched nor descended.
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

    /// What decides whether an entry is listed, as read from the arguments.
    struct Filter {
        var fileType: String
        var hidden: Bool
        var match: (String) -> Bool
        var exclude: ((String) -> Bool)?
        var age: Int?
        var ageStamp: String
        var size: Int?
        /// `mode` as bits, or the error its symbolic form gives once an entry is tested.
        var mode: Result<Int, FindModeError>?
        var exactMode: Bool
        var now: Double

        /// ansible's tests on one entry, but `contains` (which needs the file's text) and `mode`.
        func accepts(_ e: FindWalk.Entry) -> Bool {
            let s = e.stat
            switch fileType {
            case "directory": guard s.isDirectory else { return false }
            case "link": guard s.isLink else { return false }
            case "file": guard s.isRegular else { return false }
            default: break
            }
            guard match(e.name), !(exclude?(e.name) ?? false) else { return false }
            if let age {
                let stamp = ageStamp == "atime" ? s.atime : ageStamp == "ctime" ? s.ctime : s.mtime
                if age >= 0 ? now - stamp < Double(age) : now - stamp > Double(-age) { return false }
            }
            // size counts for regular files only, with file_type file or any.
            if let size, s.isRegular, fileType == "file" || fileType == "any" {
                if size >= 0 ? s.size < size : s.size > -size { return false }
            }
            return true
        }

        /// The `mode` test, which ansible makes last; a bad symbolic mode throws then.
        func modeMatches(_ e: FindWalk.Entry) throws(FindModeError) -> Bool {
            guard let mode else { return true }
            let bits = try mode.get()
            return exactMode ? e.stat.permissions == bits : e.stat.permissions & bits != 0
        }
    }

    /// A symbolic `mode` ansible cannot read; it fails the walk of one path, not the task.
    struct FindModeError: Error {
        var message: String
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
        let mode = try Self.mode(context.args["mode"])
        let useRegex = context.bool("use_regex", default: false)
        let patterns = Self.list(context.args["patterns"] ?? context.args["pattern"])
        let excludes = Self.list(context.args["excludes"] ?? context.args["exclude"])
        let match = try Self.nameMatcher(patterns.isEmpty ? [useRegex ? ".*" : "*"] : patterns, regex: useRegex)
        let exclude = excludes.isEmpty ? nil : try Self.nameMatcher(excludes, regex: useRegex)
        let age = try context.string("age").map { s throws(ModuleFailure) in try Self.quantity(s, units: ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800], name: "age") }
        let size = try context.string("size").map { s throws(ModuleFailure) in
            try Self.quantity(s, units: ["b": 1, "k": 1024, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40], name: "size")
        }
        let limit = context.string("limit").flatMap { Int($0) }
        if let limit, limit <= 0 { return .failed("limit cannot be \(limit) (use None for unlimited)") }
        let contains = try context.string("contains").map { s throws(ModuleFailure) in
            guard let re = PythonRegex(s) else { throw ModuleFailure(.failed("invalid regular expression in contains: \(s)")) }
            return re
        }
        let depth = context.string("depth").flatMap { Int($0) }.flatMap { $0 == 0 ? nil : $0 }
        let recurse = context.bool("recurse", default: false)
        let follow = context.bool("follow", default: false)
        let output = try context.remote(FindWalk.script(paths, recurse: recurse, follow: follow, depth: depth)).stdout
        let walk = FindWalk(output: output)
        let filter = Filter(fileType: fileType, hidden: context.bool("hidden", default: false), match: match, exclude: exclude,
                            age: age, ageStamp: ageStamp, size: size, mode: mode, exactMode: context.bool("exact_mode", default: true),
                            now: Date().timeIntervalSince1970)
        // contains reads the text of the regular files that pass the other tests (file_type file only).
        var texts: [String: String?] = [:]
        if let contains, fileType == "file" {
            let wanted = walk.children.values.joined().filter { filter.accepts($0) && (filter.hidden || !$0.name.hasPrefix(".")) }.map(\.path)
            if !wanted.isEmpty { texts = try Self.contents(wanted, context) }
            let whole = context.bool("read_whole_file", default: false)
            texts = texts.mapValues { text in
                guard let text else { return nil }
                let found = whole ? contains.firstMatch(in: text) != nil
                    : text.split(separator: "\n", omittingEmptySubsequences: false).contains { contains.matchesAtStart(String($0)) }
                return found ? text : nil
            }
        }
        let listed = Self.visit(walk, paths: paths, filter: filter, limit: limit, recurse: recurse, follow: follow, depth: depth) { e in
            contains == nil || fileType != "file" || (texts[e.path] ?? nil) != nil
        }
        var sums: [String: String] = [:]
        if context.bool("get_checksum", default: false) {
            sums = try Self.checksums(listed.files.filter { $0.stat.isRegular }.map(\.path), algorithm: context.string(anyOf: ["checksum_algorithm", "checksum", "checksum_algo"]) ?? "sha1", context)
        }
        var v = PyDict()
        v["changed"] = false
        v["examined"] = .int(listed.examined)
        v["files"] = .list(listed.files.map { Self.fileValue($0, checksum: sums[$0.path]) })
        v["matched"] = .int(listed.files.count)
        var skippedPaths = PyDict()
        for (p, why) in listed.skipped { skippedPaths[.string(p)] = .string(why) }
        v["msg"] = .string(!listed.skipped.isEmpty ? "Not all paths examined, check warnings for details" : listed.limited ? "Limit of matches reached" : "All paths examined")
        v["skipped_paths"] = .dict(skippedPaths)
        if !listed.skipped.isEmpty {
            v["warnings"] = .list(listed.skipped.map { p, why in .string("Skipped '\(p)' path due to this access issue: \(why)\n") })
        }
        return TaskResult(v)
    }

    /// The entries listed and examined, walking as ansible's loop does: every entry of a walked
    /// directory is examined; one deeper than `depth` stops the walk below that directory; a
    /// walk of one path ends when the list reaches exactly `limit`. A path that is not a
    /// directory, or whose walk met a bad `mode`, is skipped with the reason.
    static func visit(_ walk: FindWalk, paths: [String], filter: Filter, limit: Int?, recurse: Bool, follow: Bool, depth: Int?,
                      contains: (FindWalk.Entry) -> Bool)
        -> (files: [FindWalk.Entry], examined: Int, limited: Bool, skipped: [(String, String)]) {
        var files: [FindWalk.Entry] = []
        var examined = 0
        var limited = false
        var skipped: [(String, String)] = []
        for path in paths {
            if walk.skipped.contains(path) { skipped.append((path, "'\(path)' is not a directory")); continue }
            let root = FindWalk.root(path)
            var pending = [root.isEmpty ? "/" : root]
            walking: while !pending.isEmpty {
                let directory = pending.removeFirst()
                let (plain, dirs) = walk.split(directory)
                examined += plain.count + dirs.count
                var descend = dirs
                for e in plain + dirs {
                    if let depth, e.level > depth { descend = []; continue }
                    if e.name.hasPrefix(".") && !filter.hidden { continue }
                    do throws(FindModeError) {
                        if filter.accepts(e), contains(e), try filter.modeMatches(e) { files.append(e) }
                    } catch {
                        skipped.append((path, error.message))
                        break walking
                    }
                    if files.count == limit { limited = true; break }
                }
                if !recurse || files.count == limit { break walking }
                // os.walk goes depth first: a directory's subdirectories before its siblings.
                pending.insert(contentsOf: descend.filter { follow || !$0.stat.isLink }.map(\.path), at: 0)
            }
        }
        return (files, examined, limited, skipped)
    }

    /// `mode`: octal digits, else a symbolic mode applied to no bits; never an int.
    static func mode(_ value: Value?) throws(ModuleFailure) -> Result<Int, FindModeError>? {
        guard let value, !value.isNone else { return nil }
        switch value {
        case .string(let s), .unsafe(let s):
            if s.isEmpty { return nil }
            if let n = Int(s, radix: 8) { return .success(n & 0o7777) }
            guard let bits = FileMode.applySymbolic(s, current: 0, isDirectory: false, umask: 0o022) else {
                return .failure(FindModeError(message: "bad symbolic permission for mode: \(s)"))
            }
            return .success(bits & 0o7777)
        default:
            guard value.isTruthy else { return nil }
            throw ModuleFailure(.failed("argument 'mode' is not a string and conversion is not allowed, value is of type \(Self.pythonType(value))"))
        }
    }

    static func pythonType(_ v: Value) -> String {
        switch v {
        case .int: return "int"
        case .float: return "float"
        case .bool: return "bool"
        case .list: return "list"
        case .dict: return "dict"
        default: return "str"
        }
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

    /// `4w`, `-10k`, `20`: a signed count of seconds or bytes (`^-?\\d+<unit>?$`); anything else
    /// fails with the argument echoed back under its own name.
    static func quantity(_ s: String, units: [Character: Int], name: String) throws(ModuleFailure) -> Int {
        var text = s.lowercased()
        var unit = 1
        if let last = text.last, let u = units[last] { unit = u; text.removeLast() }
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let n = Int(text) else {
            throw ModuleFailure(.failed("failed to process \(name)", PyDict([(.string(name), .string(s))])))
        }
        return n * unit
    }

    /// The text of each file (nil when unreadable), in one round trip.
    static func contents(_ paths: [String], _ context: ModuleContext) throws(ModuleFailure) -> [String: String?] {
        let script = paths.enumerated().map { i, p in
            "if [ -r \(ShellQuote.quote(p)) ]; then \(RemoteFile.contentCommand(p, tag: "C\(i)")); fi"
        }.joined(separator: "\n")
        let probe = try context.probe(script)
        var texts: [String: String?] = [:]
        for (i, p) in paths.enumerated() {
            texts[p] = probe["C\(i)"].flatMap(RemoteFile.decodeContent).map { String(decoding: $0, as: UTF8.self) }
        }
        return texts
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
    static func fileValue(_ e: FindWalk.Entry, checksum: String?) -> Value {
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
