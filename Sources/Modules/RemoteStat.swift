import Connection
import Core

/// What `stat` tells about one path on the target, read with `stat -c` (GNU coreutils and
/// busybox both have it). Scripts print it as one tagged line so several paths and other
/// facts can come back from one round trip.
public struct RemoteStat: Sendable, Equatable {
    public var rawMode: Int
    public var uid: Int
    public var gid: Int
    public var owner: String
    public var group: String
    public var size: Int
    public var nlink: Int
    public var inode: Int
    public var dev: Int
    public var atime: Double
    public var mtime: Double
    public var ctime: Double
    /// `readlink` of a symlink.
    public var linkTarget: String?

    public var permissions: Int { rawMode & 0o7777 }
    public var fileType: Int { rawMode & 0o170000 }
    public var isDirectory: Bool { fileType == 0o040000 }
    public var isRegular: Bool { fileType == 0o100000 }
    public var isLink: Bool { fileType == 0o120000 }
    public var isCharDevice: Bool { fileType == 0o020000 }
    public var isBlockDevice: Bool { fileType == 0o060000 }
    public var isFIFO: Bool { fileType == 0o010000 }
    public var isSocket: Bool { fileType == 0o140000 }

    /// Ansible's `state` of a path: `directory`, `link`, `hard` (a file with several links),
    /// `file`.
    public var state: String {
        if isDirectory { return "directory" }
        if isLink { return "link" }
        if nlink > 1 { return "hard" }
        return "file"
    }

    static let format = "%f|%u|%g|%U|%G|%s|%h|%i|%d|%X|%Y|%Z"
    /// `format` with the times to the nanosecond (GNU stat; busybox's cannot, and a caller
    /// falls back to `format`).
    static let preciseFormat = format.replacingOccurrences(of: "%X|%Y|%Z", with: "%.9X|%.9Y|%.9Z")

    /// A time `stat` printed, as Python's os.stat makes its float: whole seconds as they are,
    /// "sec.nnnnnnnnn" as sec + nsec * 1e-9.
    static func time(_ text: String) -> Double? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 9, let sec = Int(parts[0]), let nsec = Int(parts[1]) else { return Double(text) }
        return Double(sec) + Double(nsec) * 1e-9
    }

    /// sh printing `TAG|<stat fields>` (or `TAG|missing`) and, for a symlink, `TAG@|<target>`.
    /// `follow` stats what a symlink points to.
    public static func command(_ path: String, tag: String, follow: Bool = false) -> String {
        command(word: ShellQuote.quote(path), tag: tag, follow: follow)
    }

    /// As `command(_:tag:follow:)`, for a path given as a ready sh word (`"$t"`).
    public static func command(word p: String, tag: String, follow: Bool = false) -> String {
        let flag = follow ? "-L " : ""
        return """
        if [ -e \(p) ] || [ -L \(p) ]; then printf '%s|' \(ShellQuote.quote(tag)); stat \(flag)-c '\(format)' \(p) || echo missing
        if [ -L \(p) ]; then printf '%s@|' \(ShellQuote.quote(tag)); readlink \(p); fi
        else echo \(ShellQuote.quote(tag))'|missing'; fi
        """
    }

    /// The stat of `tag` in a probe's output; nil when the path is missing.
    public static func parse(_ probe: ProbeOutput, tag: String) -> RemoteStat? {
        guard let line = probe[tag], line != "missing" else { return nil }
        let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard f.count >= 12, let raw = Int(f[0], radix: 16) else { return nil }
        return RemoteStat(rawMode: raw, uid: Int(f[1]) ?? 0, gid: Int(f[2]) ?? 0, owner: f[3], group: f[4],
                          size: Int(f[5]) ?? 0, nlink: Int(f[6]) ?? 1, inode: Int(f[7]) ?? 0, dev: Int(f[8]) ?? 0,
                          atime: time(f[9]) ?? 0, mtime: time(f[10]) ?? 0, ctime: time(f[11]) ?? 0,
                          linkTarget: probe[tag + "@"])
    }
}

/// Tagged lines a probe script printed: `TAG|payload`, one per tag (the last wins).
public struct ProbeOutput: Sendable {
    public var lines: [String: String] = [:]

    public init(_ stdout: String) {
        for line in stdout.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let bar = line.firstIndex(of: "|") else { continue }
            lines[String(line[..<bar])] = String(line[line.index(after: bar)...])
        }
    }

    public subscript(tag: String) -> String? { lines[tag] }
}

/// Facts about the remote user that decide a new file's mode and owner.
public struct RemoteIdentity: Sendable {
    public var uid: Int
    public var gid: Int
    public var user: String
    public var group: String
    public var umask: Int

    /// sh printing `ID|uid|gid|user|group|umask`.
    public static let command = "printf 'ID|%s|%s|%s|%s|%s\\n' \"$(id -u)\" \"$(id -g)\" \"$(id -un 2>/dev/null)\" \"$(id -gn 2>/dev/null)\" \"$(umask)\""

    public static func parse(_ probe: ProbeOutput) -> RemoteIdentity {
        let f = (probe["ID"] ?? "").split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard f.count >= 5 else { return RemoteIdentity(uid: 0, gid: 0, user: "root", group: "root", umask: 0o022) }
        return RemoteIdentity(uid: Int(f[0]) ?? 0, gid: Int(f[1]) ?? 0, user: f[2], group: f[3], umask: Int(f[4], radix: 8) ?? 0o022)
    }

    /// Permissions a newly created file gets (`0666 & ~umask`), or a directory (`0777 & ~umask`).
    public func newPermissions(directory: Bool) -> Int { (directory ? 0o777 : 0o666) & ~umask }
}
