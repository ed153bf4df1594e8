import Core
import YAML

/// The `host_group_vars` vars plugin: `group_vars/NAME` and `host_vars/NAME` beside an
/// inventory source or a playbook, found and loaded once.
///
/// Only the first of `NAME`, `NAME.yml`, `NAME.yaml`, `NAME.json` counts; a directory of that
/// name gives all its files (sorted, recursing into extension-less subdirectories, skipping
/// hidden and `~` files) merged in order. Errors are kept and raised when the vars are asked for.
struct VarsFiles: Sendable {
    static let extensions = ["", ".yml", ".yaml", ".json"]

    private var found: [String: [String]] = [:]
    private var loaded: [String: Result<Value, Diagnostic>] = [:]
    private var listings: [String: Set<String>] = [:]

    /// Finds and loads the files of these entity names under `basedir/subdir`.
    mutating func prepare(basedir: String, subdir: String, names: [String], warnings: inout [Diagnostic]) {
        let opath = basedir + "/" + subdir
        guard listings[opath] == nil else {
            for name in names where found[key(opath, name)] == nil { find(opath, name) }
            return
        }
        if !InventoryPaths.exists(opath) { listings[opath] = []; return }
        if !InventoryPaths.isDirectory(opath) {
            listings[opath] = []
            warnings.append(.warning("Found \(subdir) that is not a directory, skipping: \(opath)"))
            return
        }
        listings[opath] = Set(InventoryPaths.listDirectory(opath))
        for name in names { find(opath, name) }
    }

    private func key(_ opath: String, _ name: String) -> String { opath + "\u{0}" + name }

    private mutating func find(_ opath: String, _ name: String) {
        guard let entries = listings[opath], !entries.isEmpty, !name.hasPrefix("/") else { return }
        var files: [String] = []
        for ext in Self.extensions {
            let candidate = name + ext
            let path = opath + "/" + candidate
            let present = candidate.contains("/") ? InventoryPaths.exists(path) : (entries.contains(candidate) && InventoryPaths.exists(path))
            guard present else { continue }
            files = InventoryPaths.isDirectory(path) ? Self.directoryFiles(path) : [path]
            break
        }
        found[key(opath, name)] = files
        for f in files where loaded[f] == nil {
            do { loaded[f] = .success(try YAMLLoader.loadFile(f).value) } catch { loaded[f] = .failure(error) }
        }
    }

    static func directoryFiles(_ path: String) -> [String] {
        var out: [String] = []
        for name in InventoryPaths.listDirectory(path) where !name.hasPrefix(".") && !name.hasSuffix("~") {
            let full = path + "/" + name
            let ext = InventoryPaths.pathExtension(name)
            if InventoryPaths.isDirectory(full) {
                if ext.isEmpty { out += directoryFiles(full) }
            } else if extensions.contains(ext) {
                out.append(full)
            }
        }
        return out
    }

    /// Each file of one entity under `basedir/subdir` that loaded, with its value, in file order.
    func definitions(basedir: String, subdir: String, name: String) -> [(String, Value)] {
        (found[key(basedir + "/" + subdir, name)] ?? []).compactMap { f in
            if case .success(let v)? = loaded[f] { return (f, v) }
            return nil
        }
    }

    /// The merged variables of one entity under `basedir/subdir`, in file order.
    func variables(basedir: String, subdir: String, name: String, merge: Bool) throws(Diagnostic) -> PyDict {
        let opath = basedir + "/" + subdir
        var data = PyDict()
        for f in found[key(opath, name)] ?? [] {
            let value: Value
            switch loaded[f] {
            case .success(let v)?: value = v
            case .failure(let e)?: throw Diagnostic(.error, kind: .parse, e.message, at: e.location, hint: e.hint)
            case nil: continue
            }
            guard value.isTruthy else { continue }
            guard let d = value.dictValue else {
                throw Diagnostic(.error, kind: .parse,
                                 "Could not process '\(f)': failed to combine variables, expected dicts but got a 'dict' and a '\(value.pythonTypeName)'.",
                                 at: SourceLocation(file: f, line: 1, column: 1), hint: "A vars file must hold a mapping of variable names to values.")
            }
            data = VariableMerge.combine(data, d, merge: merge)
        }
        return data
    }
}
