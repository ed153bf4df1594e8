import Core
import Foundation
import Jinja
import Modules
import Playbook

extension PlaybookExecutor {
    /// Keywords a task inherits from its blocks and play, with the type ansible-core converts
    /// them to when the task runs (`FieldAttribute(isa=...)` on its `Base`).
    static let inheritedKeywordTypes: [(name: String, type: KeywordType)] = [
        ("become", .bool), ("check_mode", .bool), ("diff", .bool), ("no_log", .bool), ("run_once", .bool),
        ("ignore_errors", .bool), ("ignore_unreachable", .bool), ("any_errors_fatal", .bool),
        ("timeout", .int), ("throttle", .int), ("port", .int),
    ]
    /// Task-only keywords and their types; `async` is ansible's `async_val`, the name its
    /// messages use.
    static let taskKeywordTypes: [(name: String, shown: String, type: KeywordType)] = [
        ("async", "async_val", .int), ("poll", "poll", .int), ("retries", "retries", .int), ("delay", "delay", .int),
        ("delegate_facts", "delegate_facts", .bool),
    ]
    /// The become plugins ansible-core ships: any other `become_method` is refused when the task
    /// escalates.
    static let becomePlugins: Set<String> = ["sudo", "su", "runas"]

    enum KeywordType: String {
        case bool, int
    }

    /// ansible-core's task post-validation, done on each host after `when` and before the
    /// action: every keyword value, templated, must convert to its type ("Error processing
    /// keyword 'retries': The value 'many' could not be converted to 'int'."). Returns the
    /// failed result, or nil when the task may run.
    func postValidate(_ task: Task, scope: VariableScope) -> TaskResult? {
        var checks: [(shown: String, raw: Value, type: KeywordType)] = []
        for (name, type) in Self.inheritedKeywordTypes {
            let key = Value.string(name)
            if let raw = task.keywords[key] ?? blockKeywords.reversed().lazy.compactMap({ $0[key] }).first ?? play.keywords[key] {
                checks.append((name, raw, type))
            }
        }
        for (name, shown, type) in Self.taskKeywordTypes {
            if let raw = task.keywords[name] { checks.append((shown, raw, type)) }
        }
        for (shown, raw, type) in checks {
            let value: Value
            do {
                value = try engine.template(raw, vars: scope, origin: task.location)
            } catch {
                return Self.taskFailure("Error processing keyword '\(shown)': \(error.message)")
            }
            let converts = type == .bool ? Self.convertsToBool(value) : Self.convertsToInt(value)
            if !converts {
                return Self.taskFailure("Error processing keyword '\(shown)': The value \(value.pythonRepr) could not be converted to '\(type.rawValue)'.")
            }
        }
        if let method = becomeMethod(task: task, scope: scope) {
            let short = method.hasPrefix("ansible.builtin.") ? String(method.dropFirst("ansible.builtin.".count)) : method
            if !Self.becomePlugins.contains(short) {
                return Self.taskFailure("Invalid become method specified, could not find matching plugin: '\(method)'. Use `ansible-doc -t become -l` to list available plugins.")
            }
        }
        return nil
    }

    /// A failure of the task itself rather than of its action: no `changed`, "Task failed: ".
    static func taskFailure(_ message: String) -> TaskResult {
        TaskResult(PyDict([("failed", true), ("msg", .string("Task failed: " + message))]))
    }

    /// ansible-core's strict `boolean()`: booleans, 0/1, and yes/no/on/off/true/false/y/n/t/f
    /// and "1"/"0" in any case; none leaves the keyword unset.
    static func convertsToBool(_ value: Value) -> Bool {
        switch value {
        case .none, .bool: return true
        case .int(let i): return i == 0 || i == 1
        case .float(let f): return f == 0 || f == 1
        case .string(let s), .unsafe(let s):
            return ["y", "yes", "on", "1", "true", "t", "n", "no", "off", "0", "false", "f"].contains(s.lowercased())
        default: return false
        }
    }

    /// What ansible-core turns into an int: whole numbers, booleans, and text Python's `int()`
    /// or `Decimal()` reads as a whole number (" 4 ", "1_000", "3.0"); none leaves it unset.
    static func convertsToInt(_ value: Value) -> Bool {
        switch value {
        case .none, .bool, .int: return true
        case .float(let f): return f.isFinite && f == f.rounded()
        case .string(let s), .unsafe(let s):
            let text = s.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-._eE".contains($0)) }) else { return false }
            if Int(text.replacingOccurrences(of: "_", with: "")) != nil { return true }
            guard let number = Double(text), number.isFinite else { return false }
            return number == number.rounded()
        default: return false
        }
    }
}
