import Core
import Foundation

typealias TestFunction = @Sendable (Renderer, JValue, Arguments) throws(TemplateError) -> Bool

/// Jinja2's and ansible-core's tests (`x is defined`, `x is version('1.2', '>=')`, ...).
enum Tests {
    static let table: [String: TestFunction] = build()

    static func build() -> [String: TestFunction] {
        var t: [String: TestFunction] = [:]
        t["defined"] = plugin { r, v, _ throws(TemplateError) in
            let __t = try r.resolve(v); if case .undefined = __t { return false }
            return true
        }
        t["undefined"] = plugin { r, v, _ throws(TemplateError) in
            let __t = try r.resolve(v); if case .undefined = __t { return true }
            return false
        }
        t["none"] = plugin { r, v, _ throws(TemplateError) in try r.concrete(v).isNone }
        t["string"] = plugin { r, v, _ throws(TemplateError) in
            switch try r.resolve(v) {
            case .value(let x): return x.stringValue != nil && !x.isOmit
            case .lazy(.string), .lazy(.unsafe), .markup: return true
            case .undefined(let u): throw .undefined(u.message)
            default: return false
            }
        }
        t["number"] = plugin { r, v, _ throws(TemplateError) in
            switch try r.concrete(v) { case .int, .bigInt, .float, .bool: return true; default: return false }
        }
        t["integer"] = plugin { r, v, _ throws(TemplateError) in
            switch try r.concrete(v) { case .int, .bigInt: return true; default: return false }
        }
        t["float"] = plugin { r, v, _ throws(TemplateError) in try r.concrete(v).isFloat }
        t["boolean"] = plugin { r, v, _ throws(TemplateError) in let __t = try r.concrete(v); if case .bool = __t { return true }; return false }
        let mapping: TestFunction = { r, v, _ throws(TemplateError) in
            switch try r.resolve(v) {
            case .value(.dict), .lazy(.dict): return true
            case .object(.namespace): return false
            case .undefined(let u): throw .undefined(u.message)
            default: return false
            }
        }
        t["mapping"] = mapping
        t["sequence"] = plugin { r, v, _ throws(TemplateError) in
            switch try r.resolve(v) {
            case .value(let x), .lazy(let x):
                switch x { case .list, .tuple, .dict, .string, .unsafe, .bytes: return true; default: return false }
            case .markup: return true
            case .object(.range): return true
            case .undefined(let u): throw .undefined(u.message)
            default: return false
            }
        }
        t["iterable"] = plugin { r, v, _ throws(TemplateError) in
            switch try r.resolve(v) {
            case .value(let x), .lazy(let x):
                switch x { case .list, .tuple, .dict, .string, .unsafe, .bytes: return true; default: return false }
            case .markup: return true
            case .object(let o):
                switch o { case .range, .dictView: return true; default: return false }
            case .undefined(let u): throw .undefined(u.message)
            }
        }
        t["callable"] = plugin { r, v, _ throws(TemplateError) in
            let __t = try r.resolve(v); if case .object(let o) = __t {
                switch o { case .macro, .function, .method: return true; default: return false }
            }
            return false
        }
        t["sameas"] = plugin { r, v, a throws(TemplateError) in
            let x = try r.resolve(v), y = try r.resolve(a.positional.first ?? .none)
            switch (x, y) {
            case (.value(let p), .value(let q)):
                switch (p, q) {
                case (.none, .none): return true
                case (.bool(let m), .bool(let n)): return m == n
                case (.int(let m), .int(let n)): return m == n && m >= -5 && m <= 256
                default: return false
                }
            default: return false
            }
        }
        let eq: TestFunction = { r, v, a throws(TemplateError) in try r.compare("==", v, a.positional.first ?? .none) }
        t["eq"] = eq; t["equalto"] = eq; t["=="] = eq
        let ne: TestFunction = { r, v, a throws(TemplateError) in try r.compare("!=", v, a.positional.first ?? .none) }
        t["ne"] = ne; t["!="] = ne
        for (name, op) in [("lt", "<"), ("le", "<="), ("gt", ">"), ("ge", ">="), ("lessthan", "<"), ("greaterthan", ">"), ("<", "<"), ("<=", "<="), (">", ">"), (">=", ">=")] {
            t[name] = comparison(op)
        }
        t["in"] = plugin { r, v, a throws(TemplateError) in try r.contains(a.positional.first ?? .none, v) }
        t["contains"] = plugin { r, v, a throws(TemplateError) in try r.contains(v, a.positional.first ?? .none) }
        t["divisibleby"] = plugin { r, v, a throws(TemplateError) in
            let x = try r.concrete(v), y = try r.concrete(a.positional.first ?? .none)
            return try PyOps.binary("%", x, y) == .int(0)
        }
        t["even"] = plugin { r, v, _ throws(TemplateError) in
            let x = try r.concrete(v)
            guard x.numeric?.asBigInt != nil || x.isFloat else { throw .runtime("not all arguments converted during string formatting") }
            return try PyOps.binary("%", x, .int(2)) == .int(0)
        }
        t["odd"] = plugin { r, v, _ throws(TemplateError) in
            let x = try r.concrete(v)
            guard x.numeric != nil else { throw .runtime("not all arguments converted during string formatting") }
            return try PyOps.binary("%", x, .int(2)) == .int(1)
        }
        t["lower"] = plugin { r, v, _ throws(TemplateError) in let s = try r.str(v); return s == s.lowercased() }
        t["upper"] = plugin { r, v, _ throws(TemplateError) in let s = try r.str(v); return s == s.uppercased() }
        t["truthy"] = plugin { r, v, _ throws(TemplateError) in try r.truthy(v) }
        t["falsy"] = plugin { r, v, _ throws(TemplateError) in !(try r.truthy(v)) }
        t["true"] = plugin { r, v, _ throws(TemplateError) in let __t = try r.concrete(v); if case .bool(true) = __t { return true }; return false }
        t["false"] = plugin { r, v, _ throws(TemplateError) in let __t = try r.concrete(v); if case .bool(false) = __t { return true }; return false }
        t["escaped"] = plugin { r, v, _ throws(TemplateError) in let __t = try r.resolve(v); if case .markup = __t { return true }; return false }
        t["any"] = plugin { r, v, _ throws(TemplateError) in try r.list(v).contains { $0.isTruthy } }
        t["all"] = plugin { r, v, _ throws(TemplateError) in try r.list(v).allSatisfy { $0.isTruthy } }
        t["subset"] = plugin { r, v, a throws(TemplateError) in
            let x = try r.list(v), y = try r.list(a.positional.first ?? .value(.list([])))
            return x.allSatisfy { y.contains($0) }
        }
        t["superset"] = plugin { r, v, a throws(TemplateError) in
            let x = try r.list(v), y = try r.list(a.positional.first ?? .value(.list([])))
            return y.allSatisfy { x.contains($0) }
        }
        t["abs"] = plugin { r, v, _ throws(TemplateError) in (try r.str(v)).hasPrefix("/") }
        t["exists"] = plugin { r, v, _ throws(TemplateError) in FileManager.default.fileExists(atPath: PathFilters.expandUser(try r.str(v))) }
        t["file"] = plugin { r, v, _ throws(TemplateError) in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: try r.str(v), isDirectory: &isDir) && !isDir.boolValue
        }
        t["directory"] = plugin { r, v, _ throws(TemplateError) in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: try r.str(v), isDirectory: &isDir) && isDir.boolValue
        }
        t["link"] = plugin { r, v, _ throws(TemplateError) in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: try r.str(v))) != nil
        }
        t["same_file"] = plugin { r, v, a throws(TemplateError) in
            let p = URL(fileURLWithPath: try r.str(v)).resolvingSymlinksInPath().path
            let q = URL(fileURLWithPath: try r.str(a.positional.first ?? .none)).resolvingSymlinksInPath().path
            return p == q
        }
        t["mount"] = plugin { r, v, _ throws(TemplateError) in ["/", "/proc", "/sys", "/dev"].contains(try r.str(v)) }
        ResultTests.register(&t)
        RegexFilters.registerTests(&t)
        VersionCompare.registerTests(&t)
        return t
    }
}

extension Tests {
    static func comparison(_ op: String) -> TestFunction {
        return { r, v, a throws(TemplateError) in try r.compare(op, v, a.positional.first ?? .none) }
    }
}

/// Tests on registered task results (`succeeded`, `failed`, `changed`, `skipped`, ...).
enum ResultTests {
    static func register(_ t: inout [String: TestFunction]) {
        @Sendable func result(_ r: Renderer, _ v: JValue, _ name: String) throws(TemplateError) -> PyDict {
            guard let d = try r.concrete(v).dictValue else {
                throw .plugin("The '\(name)' test expects a dictionary")
            }
            return d
        }
        let failed: TestFunction = { r, v, _ throws(TemplateError) in (try result(r, v, "failed"))["failed"]?.isTruthy ?? false }
        let success: TestFunction = { r, v, _ throws(TemplateError) in !((try result(r, v, "success"))["failed"]?.isTruthy ?? false) }
        let changed: TestFunction = { r, v, _ throws(TemplateError) in (try result(r, v, "changed"))["changed"]?.isTruthy ?? false }
        let skipped: TestFunction = { r, v, _ throws(TemplateError) in (try result(r, v, "skipped"))["skipped"]?.isTruthy ?? false }
        let finished: TestFunction = { r, v, _ throws(TemplateError) in
            let d = try result(r, v, "finished")
            return d["finished"].map { $0 == .int(1) || $0 == .bool(true) } ?? true
        }
        let started: TestFunction = { r, v, _ throws(TemplateError) in
            let d = try result(r, v, "started")
            return d["started"].map { $0 == .int(1) || $0 == .bool(true) } ?? true
        }
        t["failed"] = failed; t["failure"] = failed
        t["succeeded"] = success; t["success"] = success; t["successful"] = success
        t["changed"] = changed; t["change"] = changed
        t["skipped"] = skipped; t["skip"] = skipped
        t["finished"] = finished; t["started"] = started
        t["unreachable"] = plugin { r, v, _ throws(TemplateError) in (try result(r, v, "unreachable"))["unreachable"]?.isTruthy ?? false }
        t["reachable"] = plugin { r, v, _ throws(TemplateError) in !((try result(r, v, "reachable"))["unreachable"]?.isTruthy ?? false) }
    }
}
