import Foundation

/// Path rules ansible-core applies to inventory sources: `unfrackpath(follow=False)`,
/// `basedir`, `os.path.splitext`.
enum InventoryPaths {
    static func isDirectory(_ path: String) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &d) && d.boolValue
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    static func isFile(_ path: String) -> Bool { exists(path) && !isDirectory(path) }

    /// Expands `~` and `$VAR`, makes the path absolute and normalises it, keeping symlinks.
    static func unfrack(_ path: String, cwd: String) -> String {
        var p = expandVariables((path as NSString).expandingTildeInPath)
        if !p.hasPrefix("/") { p = cwd + "/" + p }
        return normalize(p)
    }

    /// `os.path.normpath` for absolute paths.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for c in path.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }

    static func expandVariables(_ s: String) -> String {
        guard s.contains("$") else { return s }
        let env = ProcessInfo.processInfo.environment
        let re = HostAddress.regex(#"\$(\w+|\{[^}]*\})"#)
        let ns = s as NSString
        var out = ""
        var last = 0
        for m in re.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            var name = ns.substring(with: m.range(at: 1))
            if name.hasPrefix("{") { name = String(name.dropFirst().dropLast()) }
            out += env[name] ?? ns.substring(with: m.range)
            last = m.range.location + m.range.length
        }
        return out + ns.substring(from: last)
    }

    static func dirname(_ path: String) -> String { (path as NSString).deletingLastPathComponent }

    /// `ansible.utils.path.basedir`: the directory itself, a file's directory, else nil.
    static func baseDirectory(of source: String) -> String? {
        if isDirectory(source) { return normalize(source) }
        if isFile(source) { return normalize(dirname(source)) }
        return nil
    }

    /// `os.path.splitext(path)[1]`: the extension of the last component, ignoring leading dots.
    static func pathExtension(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let stripped = name.drop(while: { $0 == "." })
        guard let dot = stripped.lastIndex(of: ".") else { return "" }
        return String(stripped[dot...])
    }

    static func realpath(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    static func listDirectory(_ path: String) -> [String] {
        PythonText.sorted((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
    }
}
