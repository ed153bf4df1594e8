import Connection
import Core
import Foundation

/// The entries below one of find's `paths`, as one sh walk printed them, visited in the order
/// Python's `os.walk(topdown=True)` visits them: a directory's entries in readdir order, the
/// non-directories first and then the directories (a symlink to a directory counts as one),
/// each subdirectory walked after its parent's entries.
struct FindWalk {
    /// One entry the walk printed.
    struct Entry {
        var level: Int
        /// A directory, or a symlink to one (`os.scandir`'s `is_dir()`).
        var isDirectory: Bool
        var stat: RemoteStat
        var blocks: Int
        var path: String
        var name: String { (path as NSString).lastPathComponent }
        var parent: String { (path as NSString).deletingLastPathComponent }
    }

    /// Entries by the directory that holds them, in readdir order.
    var children: [String: [Entry]] = [:]
    /// The paths given that are not directories.
    var skipped: [String] = []

    /// sh listing every entry of each walked directory as `E|level|isdir|<stat>|blocks|path`
    /// (lstat, as ansible's find; times to the nanosecond where `stat` can), then `D|dir` and
    /// that directory's names in readdir order as `N|name`; a path that is not a directory
    /// as `SKIP|path`.
    static func script(_ paths: [String], recurse: Bool, follow: Bool, depth: Int?) -> String {
        let descend = follow ? "[ -d \"$e\" ]" : "[ -d \"$e\" ] && [ ! -L \"$e\" ]"
        return """
        rt_walk() {
          printf 'D|%s\\n' "$1"; ls -f "$1" 2>/dev/null | sed 's/^/N|/'
          for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
            [ -e "$e" ] || [ -L "$e" ] || continue
            s=$(stat -c '\(RemoteStat.preciseFormat)|%b' "$e" 2>/dev/null || stat -c '\(RemoteStat.format)|%b' "$e" 2>/dev/null) || continue
            if [ -d "$e" ]; then k=1; else k=0; fi
            printf 'E|%s|%s|%s|%s\\n' "$2" "$k" "$s" "$e"
          done
          \(recurse ? "" : "return 0")
          \(depth.map { "[ \"$2\" -gt \($0) ] && return 0" } ?? "")
          for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
            if \(descend); then rt_walk "$e" $(($2 + 1)); fi
          done
        }
        """ + "\n" + paths.map { p in
            let q = ShellQuote.quote(p)
            return "if [ -d \(q) ]; then rt_walk \(ShellQuote.quote(Self.root(p))) 1; else printf 'SKIP|%s\\n' \(q); fi"
        }.joined(separator: "\n")
    }

    /// A path as the walk starts from it: without trailing slashes, so entries read `dir/name`.
    static func root(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p == "/" ? "" : p
    }

    init(output: String) {
        var order: [String: [String: Int]] = [:]
        var current = ""
        var byParent: [String: [Entry]] = [:]
        for line in output.split(separator: "\n") {
            if line.hasPrefix("SKIP|") { skipped.append(String(line.dropFirst(5))); continue }
            if line.hasPrefix("D|") { current = String(line.dropFirst(2)); if current.isEmpty { current = "/" }; order[current] = [:]; continue }
            if line.hasPrefix("N|") {
                let name = String(line.dropFirst(2))
                let next = order[current]?.count ?? 0
                if order[current]?[name] == nil { order[current]?[name] = next }
                continue
            }
            guard line.hasPrefix("E|") else { continue }
            let f = line.dropFirst(2).split(separator: "|", maxSplits: 15, omittingEmptySubsequences: false).map(String.init)
            guard f.count == 16, let level = Int(f[0]) else { continue }
            guard let stat = RemoteStat.parse(ProbeOutput("S|" + f[2...13].joined(separator: "|")), tag: "S") else { continue }
            let entry = Entry(level: level, isDirectory: f[1] == "1", stat: stat, blocks: Int(f[14]) ?? 0, path: f[15])
            byParent[entry.parent, default: []].append(entry)
        }
        // Names readdir gave come in its order; any it could not show on one line come last.
        for (parent, entries) in byParent {
            let rank = order[parent] ?? [:]
            children[parent] = entries.enumerated().sorted { a, b in
                (rank[a.element.name] ?? Int.max, a.offset) < (rank[b.element.name] ?? Int.max, b.offset)
            }.map(\.element)
        }
    }

    /// The entries of `directory` as `os.walk` splits them: non-directories, then directories.
    func split(_ directory: String) -> (files: [Entry], dirs: [Entry]) {
        let all = children[directory] ?? []
        return (all.filter { !$0.isDirectory }, all.filter(\.isDirectory))
    }
}
