import Connection
import Core
import Foundation

/// `copy` of a controller directory: `src: tree` puts `tree/` inside `dest`, `src: tree/` puts
/// its contents there. Directories are created with `directory_mode` (else the umask), files
/// copied one by one as `copy` copies a file; symlinks on the controller are followed
/// (`local_follow`). The result is `{changed, dest, src}` as Ansible reports a tree copy.
struct CopyTree {
    var context: ModuleContext
    var source: String

    func walk() -> (directories: [String], files: [(local: String, rel: String)]) {
        let base = source.hasSuffix("/") ? String(source.dropLast()) : source
        let prefix = source.hasSuffix("/") ? "" : (base as NSString).lastPathComponent
        var directories: [String] = prefix.isEmpty ? [] : [prefix]
        var files: [(String, String)] = []
        let fm = FileManager.default
        for entry in ((try? fm.subpathsOfDirectory(atPath: base)) ?? []).sorted() {
            let local = (base as NSString).appendingPathComponent(entry)
            let rel = prefix.isEmpty ? entry : (prefix as NSString).appendingPathComponent(entry)
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: local, isDirectory: &isDir) else { continue }
            if isDir.boolValue { directories.append(rel) } else { files.append((local, rel)) }
        }
        return (directories, files)
    }

    func run(dest: String) throws(ModuleFailure) -> TaskResult {
        let destDir = dest.hasSuffix("/") ? dest : dest + "/"
        let (directories, files) = walk()
        var changed = false
        let directoryMode = FileMode(context.args["directory_mode"])
        var script = ""
        for rel in [""] + directories {
            let d = ShellQuote.quote(rel.isEmpty ? destDir : destDir + rel)
            if context.checkMode {
                script += "[ -d \(d) ] || echo 'MADE|\(rel.isEmpty ? "." : "x")'\n"
            } else {
                var make = "mkdir -p \(d) && echo 'MADE|x'"
                if let directoryMode, case .bits(let bits) = directoryMode, !rel.isEmpty {
                    make += " && chmod \(String(bits, radix: 8)) \(d)"
                }
                script += "[ -d \(d) ] || { \(make) || exit 1; }\n"
            }
        }
        let outcome = try context.remote(script)
        if outcome.rc != 0 { return .failed(outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines)) }
        if outcome.stdout.contains("MADE|") { changed = true }
        for (local, rel) in files {
            guard let data = FileManager.default.contents(atPath: local) else {
                return .failed("could not find src=\(local), could not read the file")
            }
            var one = CopyFile(context: context, bytes: [UInt8](data), sourceName: (local as NSString).lastPathComponent, sourceLabel: local)
            one.makeParents = true
            let result = try one.run(dest: destDir + rel)
            if result.isFailed { return result }
            changed = changed || result.isChanged
        }
        var v = PyDict()
        v["changed"] = .bool(changed)
        v["dest"] = .string(dest)
        v["src"] = .string(source)
        return TaskResult(v)
    }
}
