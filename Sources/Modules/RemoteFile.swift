import Connection
import Core
import Foundation

/// A whole file on the target, read into the controller and written back atomically: the new
/// content goes to a temporary file in the same directory (over the payload descriptor, never
/// in argv), gets its mode and owner, and is renamed over the old one, so a failed write leaves
/// the old file intact. Existing files keep their mode and owner unless asked otherwise; new
/// ones get `0666 & ~umask`, as Ansible's `atomic_move` gives them.
struct RemoteFile {
    /// The path as the task gave it.
    var path: String
    /// Where writes go: the path with symlinks resolved (Ansible writes through links).
    var realPath: String
    /// The file (symlinks followed); nil when it does not exist.
    var stat: RemoteStat?
    /// The content; nil when missing or not a readable regular file.
    var content: [UInt8]?
    var identity: RemoteIdentity
    var parentExists: Bool

    /// sh printing base64 of a file (its first `limit` bytes, if given) on one line after
    /// `TAG|` (hex after `TAG|hex:` without base64).
    static func contentCommand(_ path: String, tag: String, limit: Int? = nil) -> String {
        let p = ShellQuote.quote(path)
        let source = limit.map { "head -c \($0) < \(p)" }
        let base64 = source.map { "\($0) | base64" } ?? "base64 < \(p)"
        let od = source.map { "\($0) | od -An -v -tx1" } ?? "od -An -v -tx1 < \(p)"
        return """
        printf '%s|' \(ShellQuote.quote(tag)); if command -v base64 >/dev/null 2>&1; then \(base64) | tr -d '\\n'; \
        else printf 'hex:'; \(od) | tr -d ' \\n'; fi; echo
        """
    }

    /// Decodes what `contentCommand` printed.
    static func decodeContent(_ payload: String) -> [UInt8]? {
        if payload.hasPrefix("hex:") {
            var bytes: [UInt8] = []
            var chars = payload.dropFirst(4).makeIterator()
            while let a = chars.next(), let b = chars.next() {
                guard let x = UInt8(String([a, b]), radix: 16) else { return nil }
                bytes.append(x)
            }
            return bytes
        }
        return Data(base64Encoded: payload).map { [UInt8]($0) }
    }

    /// Reads the file (content included when `withContent`) in one round trip.
    static func read(_ path: String, context: ModuleContext, withContent: Bool = true) throws(ModuleFailure) -> RemoteFile {
        let p = ShellQuote.quote(path)
        let parent = ShellQuote.quote((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
        var script = RemoteIdentity.command + "\n"
        script += "if [ -d \(parent) ]; then echo 'PARENT|yes'; fi\n"
        script += "if [ -e \(p) ]; then printf 'REAL|%s\\n' \"$(readlink -f \(p) 2>/dev/null || printf '%s' \(p))\"; fi\n"
        script += RemoteStat.command(path, tag: "S", follow: true) + "\n"
        if withContent {
            script += "if [ -f \(p) ] && [ -r \(p) ]; then \(contentCommand(path, tag: "DATA")); fi\n"
        }
        let probe = try context.probe(script)
        let stat = RemoteStat.parse(probe, tag: "S")
        let content = probe["DATA"].flatMap(decodeContent)
        let real = probe["REAL"].flatMap { $0.isEmpty ? nil : $0 } ?? path
        return RemoteFile(path: path, realPath: real, stat: stat, content: content,
                          identity: RemoteIdentity.parse(probe), parentExists: probe["PARENT"] != nil)
    }

    /// The outcome of `write`.
    struct Written {
        /// The requested mode/owner/group differed from what the file had (or would have had).
        var attributesChanged: Bool
        var backupFile: String?
        /// The file afterwards (predicted in check mode).
        var stat: RemoteStat
    }

    /// Writes `newContent` (nil: content unchanged) and the requested attributes. In check mode
    /// nothing is touched and the outcome is predicted. New content is checked by `validation`
    /// first, when given.
    func write(_ newContent: [UInt8]?, attributes: FileAttributes, context: ModuleContext,
               backup: Bool = false, makeParents: Bool = false, validation: FileValidation? = nil) throws(ModuleFailure) -> Written {
        let baseline = stat ?? RemoteStat.newFile(identity)
        let change = try attributes.plan(for: baseline, umask: identity.umask, path: path)
        var predicted = change.applied(to: baseline)
        if let newContent { predicted.size = newContent.count }
        if context.checkMode || (newContent == nil && change.isEmpty) {
            return Written(attributesChanged: !change.isEmpty, backupFile: nil, stat: predicted)
        }
        var script: String
        var input: Data? = nil
        var backupFile: String? = nil
        if let newContent {
            var write = AtomicWrite(path: realPath, permissions: predicted.permissions)
            write.owner = change.owner
            write.group = change.group
            if let stat { write.preserveOwnership = "\(stat.uid):\(stat.gid)" }
            write.makeParents = makeParents
            if let validation {
                try validation.check()
                write.validation = validation
            }
            if backup, stat != nil {
                backupFile = AtomicWrite.backupName(realPath)
                write.backup = backupFile
            }
            script = write.script()
            input = Data(newContent)
        } else {
            script = change.commands(realPath) + " || exit 1"
        }
        script += "\n" + RemoteStat.command(realPath, tag: "S")
        let outcome = try context.remote(script, input: input)
        if newContent != nil, let failure = validation?.failure(outcome) { throw ModuleFailure(failure) }
        guard outcome.rc == 0 else {
            throw ModuleFailure(.failed(AtomicWrite.errorMessage(outcome, path: realPath)))
        }
        let after = RemoteStat.parse(ProbeOutput(outcome.stdout), tag: "S") ?? predicted
        return Written(attributesChanged: !change.isEmpty, backupFile: backupFile, stat: after)
    }
}

/// The sh of one atomic file write; the content is read from descriptor 3.
struct AtomicWrite {
    var path: String
    var permissions: Int
    var owner: String?
    var group: String?
    var backup: String?
    var makeParents = false
    /// Run on the temporary file before the rename.
    var validation: FileValidation?
    /// `uid:gid` of the file being replaced, kept where the remote user may (best effort).
    var preserveOwnership: String?
    /// A file on the target whose content (and times) the new file takes, instead of the
    /// payload descriptor (`copy` with `remote_src`).
    var contentSource: String?

    init(path: String, permissions: Int) {
        self.path = path
        self.permissions = permissions
    }

    /// Ansible's backup name: `<file>.<pid>.<YYYY-MM-DD@HH:MM:SS>~`.
    static func backupName(_ path: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd@HH:mm:ss"
        return "\(path).\(getpid()).\(f.string(from: Date()))~"
    }

    func script() -> String {
        let dir = (path as NSString).deletingLastPathComponent
        let temp = RemoteTemp.name(in: dir, base: (path as NSString).lastPathComponent)
        let d = ShellQuote.quote(dir.isEmpty ? "." : dir), t = ShellQuote.quote(temp), p = ShellQuote.quote(path)
        var lines: [String] = []
        if makeParents { lines.append("[ -d \(d) ] || mkdir -p \(d) || exit 1") }
        lines.append("( umask 077; set -C; : > \(t) ) || exit 1")
        if let contentSource {
            let s = ShellQuote.quote(contentSource)
            lines.append("cat \(s) > \(t) || { rm -f \(t); exit 1; }")
            lines.append("touch -r \(s) \(t) 2>/dev/null || :")
        } else {
            lines.append("cat <&3 > \(t) || { rm -f \(t); exit 1; }")
        }
        if let preserveOwnership { lines.append("chown \(preserveOwnership) \(t) 2>/dev/null || :") }
        if let owner { lines.append("chown \(ShellQuote.quote(owner)) \(t) || { rm -f \(t); exit 1; }") }
        if let group { lines.append("chgrp \(ShellQuote.quote(group)) \(t) || { rm -f \(t); exit 1; }") }
        lines.append("chmod \(String(permissions, radix: 8)) \(t) || { rm -f \(t); exit 1; }")
        if let validation { lines.append(validation.script(temp: temp)) }
        if let backup { lines.append("cp -p \(p) \(ShellQuote.quote(backup)) || { rm -f \(t); exit 1; }") }
        lines.append("mv -f \(t) \(p) || { rm -f \(t); exit 1; }")
        return lines.joined(separator: "\n")
    }

    static func errorMessage(_ outcome: CommandOutcome, path: String) -> String {
        let err = outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        return "Could not write \(path): \(err.isEmpty ? "exit status \(outcome.rc)" : err)"
    }
}
