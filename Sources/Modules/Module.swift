import Connection
import Core
import Jinja

/// An Ansible module or action, run on the controller; remote work goes through the
/// connection as POSIX sh. Adding a module is one file and one line in `ModuleRegistry`.
public protocol Module: Sendable {
    /// Runs the module with templated arguments. A failure is a failed `TaskResult`, not a throw.
    func run(_ context: ModuleContext) -> TaskResult
}

/// What a module sees: its templated arguments, the host's variables and connection.
public struct ModuleContext: Sendable {
    public var args: PyDict
    public var host: String
    public var vars: any VariableSource
    public var engine: TemplateEngine
    public var connection: any Connection
    public var checkMode: Bool
    public var diffMode: Bool
    public var verbosity: Int
    /// Environment from the `environment:` keyword.
    public var environment: [String: String]
    /// Where the task was written, for templating errors.
    public var origin: SourceLocation?
    /// Controller directories a relative `src` is looked up in, most specific first: the
    /// task's role, the folder of the task's file, the playbook's folder. Modules look in
    /// `<dir>/files` (or `templates`) and then `<dir>` itself, as Ansible's `_find_needle` does.
    public var searchPaths: [String]

    public init(args: PyDict, host: String, vars: any VariableSource, engine: TemplateEngine, connection: any Connection,
                checkMode: Bool = false, diffMode: Bool = false, verbosity: Int = 0, environment: [String: String] = [:],
                origin: SourceLocation? = nil, searchPaths: [String] = []) {
        self.args = args
        self.host = host
        self.vars = vars
        self.engine = engine
        self.connection = connection
        self.checkMode = checkMode
        self.diffMode = diffMode
        self.verbosity = verbosity
        self.environment = environment
        self.origin = origin
        self.searchPaths = searchPaths
    }

    public func string(_ key: String) -> String? {
        guard let v = args[key], !v.isNone else { return nil }
        return v.pythonString
    }

    /// Ansible's boolean argument conversion (`yes`, `true`, `1`, `on` ...).
    public func bool(_ key: String, default fallback: Bool) -> Bool {
        guard let v = args[key] else { return fallback }
        return ModuleContext.boolean(v) ?? fallback
    }

    /// `bool(_:default:)` for an option with aliases: the first of `keys` given.
    public func bool(anyOf keys: [String], default fallback: Bool) -> Bool {
        guard let key = keys.first(where: { args[$0] != nil }) else { return fallback }
        return bool(key, default: fallback)
    }

    public static func boolean(_ v: Value) -> Bool? {
        switch v {
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let f): return f != 0
        case .string(let s), .unsafe(let s):
            switch s.lowercased() {
            case "yes", "on", "1", "true", "y", "t": return true
            case "no", "off", "0", "false", "n", "f", "": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// Rejects options the module does not know, with Ansible's message.
    /// Aliases are accepted too and listed apart, in parentheses, as Ansible lists them.
    public func unsupported(_ known: Set<String>, module: String, aliases: Set<String> = []) -> TaskResult? {
        let unknown = args.keys.map(\.pythonString).filter { !known.contains($0) && !aliases.contains($0) && !$0.hasPrefix("_ansible") }.sorted()
        guard !unknown.isEmpty else { return nil }
        let listed = aliases.isEmpty ? "" : " (\(aliases.sorted().joined(separator: ", ")))"
        return .failed("Unsupported parameters for (\(module)) module: \(unknown.joined(separator: ", ")). Supported parameters include: \(known.sorted().joined(separator: ", "))\(listed).")
    }
}
