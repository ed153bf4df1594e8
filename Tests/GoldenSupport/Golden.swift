import Core
import Foundation

/// Reading goldens recorded from the real tools (PyYAML, ansible-core) by the scripts beside
/// them, and comparing runner's values with them in the typed encoding those scripts write:
/// `["int", "5"]`, `["str", "x"]`, `["dict", [[k, v], ...]]`, ...
public enum Golden {
    /// The directory of a test file's fixtures: `Tests/<Target>/Fixtures`.
    public static func fixtures(_ filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    public static func json(_ url: URL) throws -> Any {
        try GoldenJSON.parse(Data(contentsOf: url))
    }

    /// A JSON document (such as a `json` callback's output) with Swift's own Bool, Int and
    /// Double, so a test can tell `true` from `1`.
    public static func json(data: Data) throws -> Any {
        try GoldenJSON.parse(data)
    }

    /// Differences between an encoded golden value and a runner value; empty when they agree.
    public static func diff(_ expected: Any, _ actual: Value, path: String = "$") -> [String] {
        guard let enc = expected as? [Any], let kind = enc.first as? String else {
            return ["\(path): malformed golden \(expected)"]
        }
        func mismatch() -> [String] { ["\(path): expected \(describe(expected)), found \(actual.pythonTypeName) \(actual.pythonRepr.prefix(200))"] }
        switch (kind, actual) {
        case ("none", .none): return []
        case ("bool", .bool(let b)): return (enc[1] as? Bool) == b ? [] : mismatch()
        case ("int", .int), ("int", .bigInt): return (enc[1] as? String) == actual.pythonRepr ? [] : mismatch()
        case ("float", .float(let f)): return (enc[1] as? String) == PyFloatFormat.repr(f) ? [] : mismatch()
        case ("str", .string(let s)): return (enc[1] as? String) == s ? [] : mismatch()
        case ("unsafe", .unsafe(let s)): return (enc[1] as? String) == s ? [] : mismatch()
        case ("vault", .vault(let v)): return (enc[1] as? String) == v.ciphertext ? [] : mismatch()
        case ("date", .timestamp(let t)) where !t.hasTime: return (enc[1] as? String) == t.pythonString ? [] : mismatch()
        case ("datetime", .timestamp(let t)) where t.hasTime: return (enc[1] as? String) == t.pythonString ? [] : mismatch()
        case ("bytes", .bytes(let b)): return (enc[1] as? String) == Data(b).base64EncodedString() ? [] : mismatch()
        case ("set", .dict(let d)):
            // runner holds a YAML `!!set` as a dict whose values are all None (its members are
            // the keys); PyYAML builds a Python set. Same members, same truthiness.
            guard let exp = enc[1] as? [Any], d.values.allSatisfy(\.isNone) else { return mismatch() }
            let got = d.keys.map(\.pythonRepr).sorted()
            let want = exp.compactMap(value).map(\.pythonRepr).sorted()
            return got == want ? [] : mismatch()
        case ("list", .list(let items)), ("tuple", .tuple(let items)):
            guard let exp = enc[1] as? [Any] else { return mismatch() }
            guard exp.count == items.count else { return ["\(path): expected \(exp.count) items, found \(items.count): \(actual.pythonRepr.prefix(200))"] }
            return zip(exp, items).enumerated().flatMap { diff($0.element.0, $0.element.1, path: "\(path)[\($0.offset)]") }
        case ("dict", .dict(let d)):
            guard let exp = enc[1] as? [[Any]] else { return mismatch() }
            guard exp.count == d.count else { return ["\(path): expected \(exp.count) keys, found \(d.count): \(actual.pythonRepr.prefix(300))"] }
            var out: [String] = []
            for (i, (pair, item)) in zip(exp, d.items).enumerated() {
                out += diff(pair[0], item.key, path: "\(path).key[\(i)]")
                out += diff(pair[1], item.value, path: "\(path)[\(item.key.pythonRepr)]")
            }
            return out
        default:
            return mismatch()
        }
    }

    public static func describe(_ enc: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: enc, options: [.fragmentsAllowed, .sortedKeys]),
              let s = String(data: data, encoding: .utf8) else { return "\(enc)" }
        return String(s.prefix(200))
    }

    /// Decodes a golden's typed encoding into a runner value (for inputs given in goldens).
    public static func value(_ enc: Any) -> Value? {
        guard let e = enc as? [Any], let kind = e.first as? String else { return nil }
        switch kind {
        case "none": return Value.none
        case "bool": return (e[1] as? Bool).map(Value.bool)
        case "int":
            guard let s = e[1] as? String else { return nil }
            return Value.integer(decimal: s)
        case "float": return (e[1] as? String).flatMap { Double($0) }.map(Value.float)
        case "str": return (e[1] as? String).map(Value.string)
        case "unsafe": return (e[1] as? String).map(Value.unsafe)
        case "list", "tuple":
            guard let items = e[1] as? [Any] else { return nil }
            let vs = items.compactMap(value)
            guard vs.count == items.count else { return nil }
            return kind == "list" ? .list(vs) : .tuple(vs)
        case "dict":
            guard let pairs = e[1] as? [[Any]] else { return nil }
            var d = PyDict()
            for p in pairs {
                guard let k = value(p[0]), let v = value(p[1]) else { return nil }
                d[k] = v
            }
            return .dict(d)
        default: return nil
        }
    }
}
