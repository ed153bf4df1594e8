import Core
import Foundation

/// `lookup()`/`query()`: env, file, template, vars, varnames, pipe, lines, first_found,
/// fileglob, items, list, dict, indexed_items, sequence, together, nested, subelements, config.
enum Lookups {
    static func call(_ args: Arguments, wantList: Bool, _ r: Renderer) throws(TemplateError) -> JValue {
        guard let first = args.positional.first else { throw .runtime("lookup() missing plugin name") }
        let name = Renderer.shortName(try r.str(first))
        let terms = Array(args.positional.dropFirst())
        var kw = args
        kw.positional = []
        var want = wantList
        if let w = kw.keyword("wantlist"), try r.truthy(w) { want = true }
        kw.keywords.removeAll { $0.0 == "wantlist" }
        let results: [JValue]
        do {
            results = try run(name, terms, kw, r)
        } catch where error.kind == .pluginRuntime {
            let mode = try kw.keyword("errors").map { x throws(TemplateError) in try r.str(x) } ?? "strict"
            if mode == "ignore" || mode == "warn" { return .none }
            throw TemplateError(.pluginRuntime, "The lookup plugin '\(name)' failed: \(error.message)")
        }
        if want { return .value(.list(try results.map { x throws(TemplateError) in try r.concrete(x) })) }
        if results.isEmpty { return .value(.list([])) }
        let resolved = try results.map { x throws(TemplateError) in try r.resolve(x) }
        if resolved.allSatisfy({ if case .value(let v) = $0 { return v.stringValue != nil }; return false }) {
            return .value(.string(try resolved.map { x throws(TemplateError) in try r.str(x) }.joined(separator: ",")))
        }
        if resolved.count == 1 { return resolved[0] }
        return .value(.list(try resolved.map { x throws(TemplateError) in try r.concrete(x) }))
    }

    /// `value` with the last key of `path` removed from the mapping the rest of the path leads to.
    static func removing(_ path: [String], from value: Value) -> Value {
        guard case .dict(var d) = value, let first = path.first else { return value }
        if path.count == 1 {
            d[.string(first)] = nil
        } else if let inner = d[.string(first)] {
            d[.string(first)] = removing(Array(path.dropFirst()), from: inner)
        }
        return .dict(d)
    }

    static func flatTerms(_ terms: [JValue], _ r: Renderer) throws(TemplateError) -> [Value] {
        var out: [Value] = []
        for t in terms {
            let v = try r.concrete(t)
            if let l = v.listValue { out += l } else { out.append(v) }
        }
        return out
    }

    static func findFile(_ name: String, subdir: String, _ r: Renderer) -> String? {
        if name.hasPrefix("/") { return FileManager.default.fileExists(atPath: name) ? name : nil }
        let base = r.state.basedir
        for dir in [base + "/" + subdir, base] {
            let p = dir + "/" + name
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue { return p }
        }
        return nil
    }

    static func run(_ name: String, _ terms: [JValue], _ kw: Arguments, _ r: Renderer) throws(TemplateError) -> [JValue] {
        switch name {
        case "env":
            let env = ProcessInfo.processInfo.environment
            var out: [JValue] = []
            for t in try flatTerms(terms, r) {
                let key = Renderer.pyStr(t)
                if let v = env[key] { out.append(.value(.string(v))); continue }
                if let d = kw.keyword("default") {
                    let __t = try r.resolve(d); if case .undefined = __t { throw .undefined("The environment variable '\(key)' is not set.") }
                    out.append(d)
                } else {
                    out.append(.value(.string("")))
                }
            }
            return out
        case "file":
            var out: [JValue] = []
            let rstrip = try r.boolArg(kw, 99, "rstrip", true), lstrip = try r.boolArg(kw, 99, "lstrip", false)
            for t in try flatTerms(terms, r) {
                let n = Renderer.pyStr(t)
                guard let p = findFile(n, subdir: "files", r), let data = FileManager.default.contents(atPath: p) else {
                    throw .plugin("Unable to access the file '\(n)': File not found. Use -vvvvv to see paths searched.")
                }
                var s = String(decoding: data, as: UTF8.self)
                if rstrip { s = StringMethods.pyStrip(s, nil, left: false, right: true) }
                if lstrip { s = StringMethods.pyStrip(s, nil, left: true, right: false) }
                out.append(.value(.unsafe(s)))
            }
            return out
        case "template":
            var out: [JValue] = []
            for t in try flatTerms(terms, r) {
                let n = Renderer.pyStr(t)
                guard let p = findFile(n, subdir: "templates", r), let data = FileManager.default.contents(atPath: p) else {
                    throw .plugin("the template file \(n) could not be found for the lookup")
                }
                var opts = LexerOptions()
                opts.verbatimStringsInExpressions = false
                for (k, x) in kw.keywords {
                    let s = try r.str(x)
                    switch k {
                    case "variable_start_string": opts.variableStart = s
                    case "variable_end_string": opts.variableEnd = s
                    case "block_start_string": opts.blockStart = s
                    case "block_end_string": opts.blockEnd = s
                    case "comment_start_string": opts.commentStart = s
                    case "comment_end_string": opts.commentEnd = s
                    case "trim_blocks": opts.trimBlocks = try r.truthy(x)
                    default: break
                    }
                }
                let source = String(decoding: data, as: UTF8.self)
                let compiled = try r.state.engine.compile(source, options: opts)
                let dir = (p as NSString).deletingLastPathComponent
                var extra = r.state.extraVars
                if let tv = kw.keyword("template_vars"), let d = try r.concrete(tv).dictValue {
                    for (k, v) in d.items { extra[k.pythonString] = v }
                }
                let st = RenderState(engine: r.state.engine, vars: r.state.vars, extraVars: extra, searchPath: [dir, r.state.basedir + "/templates", r.state.basedir])
                let sub = Renderer(state: st, ctx: TemplateContext(options: opts), scope: Scope(parent: nil))
                try sub.renderTemplate(compiled)
                let res = try sub.nativeResult(source: source)
                out.append(.value(try sub.finalValue(res)))
            }
            return out
        case "vars":
            var out: [JValue] = []
            for t in try flatTerms(terms, r) {
                let n = Renderer.pyStr(t)
                if let v = r.lookupName(n), !({ if case .object = v { return true }; return false }()) {
                    out.append(.value(try r.concrete(v)))
                } else if let d = kw.keyword("default") {
                    out.append(d)
                } else {
                    throw .undefined("No variable named '\(n)' was found.")
                }
            }
            return out
        case "varnames":
            var names: [String] = []
            if let dv = r.state.vars as? DictVariables { names = Array(dv.vars.keys) } else if let lv = r.state.vars as? VariableNameListing { names = lv.variableNames }
            names.sort()
            var out: [JValue] = []
            for t in try flatTerms(terms, r) {
                let pattern = Renderer.pyStr(t)
                guard let re = try? NSRegularExpression(pattern: pattern) else {
                    throw .plugin("Unable to use \"\(pattern)\" as a search parameter: missing ), unterminated subpattern at position 0")
                }
                for n in names where re.firstMatch(in: n, range: NSRange(location: 0, length: (n as NSString).length))?.range.location == 0 || re.firstMatch(in: n, range: NSRange(location: 0, length: (n as NSString).length)) != nil {
                    out.append(.value(.string(n)))
                }
            }
            return out
        case "pipe", "lines":
            var out: [JValue] = []
            for t in try flatTerms(terms, r) {
                let cmd = Renderer.pyStr(t)
                let (status, text) = runShell(cmd, cwd: r.state.basedir)
                if status != 0 { throw .plugin("lookup_plugin.\(name)(\(cmd)) returned \(status)") }
                let s = StringMethods.pyStrip(text, nil, left: false, right: true)
                if name == "lines" { out += StringMethods.splitlines(s, keepends: false).map { .value(.string($0)) } } else { out.append(.value(.string(s))) }
            }
            return out
        case "first_found":
            var files: [String] = [], paths: [String] = []
            for t in try flatTerms(terms, r) {
                if let d = t.dictValue {
                    files += (d["files"]?.listValue ?? d["files"].map { [$0] } ?? []).map(Renderer.pyStr)
                    paths += (d["paths"]?.listValue ?? d["paths"].map { [$0] } ?? []).map(Renderer.pyStr)
                } else {
                    files.append(Renderer.pyStr(t))
                }
            }
            if let f = kw.keyword("files") { files += try r.list(f).map(Renderer.pyStr) }
            if let p = kw.keyword("paths") { paths += try r.list(p).map(Renderer.pyStr) }
            for f in files {
                if paths.isEmpty {
                    if let p = findFile(f, subdir: "files", r) { return [.value(.string(p))] }
                } else {
                    for dir in paths {
                        let base = dir.hasPrefix("/") ? dir : r.state.basedir + "/" + dir
                        if FileManager.default.fileExists(atPath: base + "/" + f) { return [.value(.string(base + "/" + f))] }
                    }
                }
            }
            if try r.boolArg(kw, 99, "skip", false) { return [] }
            throw .plugin("No file was found when using first_found.")
        case "fileglob":
            var out: [JValue] = []
            for t in try flatTerms(terms, r) {
                let pattern = Renderer.pyStr(t)
                let dirs = pattern.hasPrefix("/") ? [""] : [r.state.basedir + "/files/", r.state.basedir + "/"]
                for d in dirs {
                    let found = glob(d + pattern)
                    if !found.isEmpty { out += found.map { .value(.string($0)) }; break }
                }
            }
            return out
        case "items":
            return try flatTerms(terms, r).map { .value($0) }
        case "list":
            // The list lookup returns its terms as given: lookup('list', ['a']) is ['a'].
            var out: [JValue] = []
            for t in terms { out.append(.value(try r.concrete(t))) }
            return out
        case "dict":
            var out: [JValue] = []
            for t in terms {
                let v = try r.concrete(t)
                guard let d = v.dictValue else { throw .plugin("the 'dict' lookup plugin expects a dictionary, got '\(v.pythonRepr)'") }
                for (k, x) in d.items { out.append(.value(.dict(PyDict([("key", k), ("value", x)])))) }
            }
            return out
        case "indexed_items":
            return try flatTerms(terms, r).enumerated().map { .value(.list([.int($0.offset), $0.element])) }
        case "together":
            let lists = try terms.map { x throws(TemplateError) in try r.list(x) }
            let n = lists.map(\.count).max() ?? 0
            return (0..<n).map { i in .value(.list(lists.map { i < $0.count ? $0[i] : .none })) }
        case "nested":
            var result: [[Value]] = [[]]
            for t in terms {
                let l = try r.list(t)
                result = result.flatMap { p in l.map { p + [$0] } }
            }
            return result.map { .value(.list($0)) }
        case "subelements":
            guard terms.count >= 2, let f = Filters.table["subelements"] else { return [] }
            let res = try r.concrete(try f(r, terms[0], Arguments(positional: [terms[1]], keywords: kw.keywords)))
            // The lookup pops the list it walks from the parent (`subvalue.pop(subkey)`), so each
            // item's first element lacks that key, unlike the `subelements` filter's.
            let path = (try r.concrete(terms[1])).pythonString.split(separator: ".").map(String.init)
            return (res.listValue ?? []).map { pair in
                guard case .list(var both) = pair, both.count == 2 else { return .value(pair) }
                both[0] = Self.removing(path, from: both[0])
                return .value(.list(both))
            }
        case "sequence":
            return try SequenceLookup.run(terms, kw, r)
        case "random_choice":
            let items = try flatTerms(terms, r)
            return items.isEmpty ? [] : [.value(items.randomElement()!)]
        case "config":
            var out: [JValue] = []
            for t in try flatTerms(terms, r) {
                let n = Renderer.pyStr(t)
                guard n == "DEFAULT_MANAGED_STR" else { throw .plugin("No config definition exists for '\(n)'.") }
                out.append(.value(.string("Ansible managed")))
            }
            return out
        default:
            throw TemplateError(.pluginNotFound, "The lookup plugin '\(name)' was not found.")
        }
    }

    static func glob(_ pattern: String) -> [String] {
        let dir = (pattern as NSString).deletingLastPathComponent
        let filePattern = (pattern as NSString).lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        return names.sorted().filter { fnmatch(filePattern, $0, 0) == 0 && !$0.hasPrefix(".") }.map { dir + "/" + $0 }.filter {
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isDir) && !isDir.boolValue
        }
    }

    static func runShell(_ cmd: String, cwd: String) -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", cmd]
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        let pipe = Pipe()
        p.standardOutput = pipe
        // The termination handler, not waitUntilExit (which polls every 50 ms).
        let exited = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in exited.signal() }
        do { try p.run() } catch { return (127, "") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        exited.wait()
        // Closed now: Foundation keeps a finished Process's pipes open otherwise.
        try? pipe.fileHandleForReading.close()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A variable source that can list its names (for the `varnames` lookup).
public protocol VariableNameListing {
    var variableNames: [String] { get }
}
