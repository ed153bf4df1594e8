import Core
import Foundation

/// The load-time type checks ansible-core makes on playbook keywords, with its messages and
/// exit codes: a list where a string belongs, `vars` that is not a mapping, `tags` as a
/// mapping, a bad `register` or `loop_control`. Values ansible checks only when a task runs
/// (booleans such as `become`, numbers such as `retries`) are left to the executor.
public enum KeywordTypes {
    /// Keywords ansible-core declares as strings: a list or mapping there is refused at load.
    static let stringFields: [String] = [
        "name", "connection", "remote_user", "become_user", "become_method", "become_flags", "become_exe",
        "delegate_to", "strategy",
    ]
    /// Keys a `loop_control` mapping takes.
    static let loopControl: Set<String> = ["loop_var", "index_var", "label", "pause", "extended", "extended_allitems", "break_when"]

    /// Checks a play, block, task or handler mapping; `kind` names it in messages ("Play", "Task").
    /// What ansible takes as tags: nothing, a list, or text (split at commas).
    static func isTagList(_ value: Value) -> Bool {
        switch value {
        case .none, .list, .tuple, .string, .unsafe: return true
        default: return false
        }
    }

    static func validate(_ entry: Located, kind: String) throws(Diagnostic) {
        guard let dict = entry.dict else { return }
        for key in stringFields {
            guard let child = entry.child(key) else { continue }
            if child.value.listValue != nil || child.value.dictValue != nil {
                throw parse("The field '\(key)' is supposed to be a string type, however the incoming data structure is a \(child.value.pythonTypeName)",
                            child, hint: "Give `\(key)` a single string.")
            }
        }
        if let vars = entry.child("vars"), !vars.value.isNone {
            guard let d = vars.dict else {
                throw parse("Vars in a \(kind) must be specified as a dictionary.", vars, hint: "Write `vars:` as a mapping of names to values.")
            }
            for (name, loc) in vars.keys where !isIdentifier(name) {
                _ = d
                throw Diagnostic.error("Invalid variable name '\(name)'.", at: loc,
                                       hint: "Variable names are letters, digits and underscores, not starting with a digit.")
            }
        }
        // Taggable._load_tags: a list or a comma-separated string; anything else is refused.
        if let tags = entry.child("tags"), !Self.isTagList(tags.value) {
            throw Diagnostic.error("tags must be specified as a list", at: tags.location, hint: "Write `tags: [a, b]` or `tags: a`.")
        }
        guard kind == "Task" || kind == "Handler" else { return }
        if let register = entry.child("register") {
            switch register.value {
            case .string(let s) where !isIdentifier(s):
                throw parse("Invalid 'register' specified: Invalid variable name '\(s)'.", register, hint: "Register into a valid variable name.")
            case .list, .dict:
                throw parse("Invalid 'register' specified: Invalid variable name of type '\(register.value.pythonTypeName)'.", register,
                            hint: "Register into a single variable name.")
            default: break
            }
        }
        if let args = entry.child("args") {
            switch args.value {
            case .dict, .none: break
            case .string(let s) where s.contains("{{"): break
            default:
                throw parse("The value of the task `args` keyword is invalid.", args, hint: "`args:` takes a mapping of module options.")
            }
        }
        if let control = entry.child("loop_control"), !control.value.isNone {
            guard control.dict != nil else {
                throw parse("the `loop_control` value must be specified as a dictionary and cannot be a variable itself (though it can contain variables)",
                            control, hint: "Write `loop_control:` as a mapping such as `{loop_var: x}`.")
            }
            for (key, loc) in control.keys where !loopControl.contains(key) {
                throw Diagnostic.error("'\(key)' is not a valid attribute for a LoopControl", at: loc,
                                       hint: "loop_control takes \(loopControl.sorted().joined(separator: ", ")).", kind: .parse)
            }
        }
        let withKeys = dict.keys.map(\.pythonString).filter(TaskKeywords.isLoopWith)
        if dict.contains("loop"), let with = withKeys.first {
            throw Diagnostic.error("duplicate loop in task: \(with.dropFirst(5))", at: entry.location,
                                   hint: "Use either `loop:` or `\(with):`, not both.")
        }
        if let listen = entry.child("listen") {
            for item in listen.value.listValue ?? [listen.value] where item.listValue != nil || item.dictValue != nil {
                throw parse("Keyword 'listen' items must be of type 'str', not '\(item.pythonTypeName)'.", listen,
                            hint: "`listen:` takes a topic name or a list of them.")
            }
        }
    }

    /// Play-only checks: `hosts`, `roles`, `vars_files`, `gather_facts`, `max_fail_percentage`.
    static func validatePlay(_ entry: Located) throws(Diagnostic) {
        if let hosts = entry.child("hosts") {
            switch hosts.value {
            case .none:
                throw parse("Hosts list cannot be empty. Please check your playbook", hosts, hint: "Give `hosts:` a pattern such as `all`.")
            case .string(let s) where s.isEmpty:
                throw parse("Hosts list cannot be empty. Please check your playbook", hosts, hint: "Give `hosts:` a pattern such as `all`.")
            case .string, .unsafe: break
            case .list(let items):
                for item in items {
                    switch item {
                    case .string, .unsafe, .int, .float: continue
                    default:
                        throw parse("Hosts list contains an invalid host value: '\(item.pythonString)'", hosts,
                                    hint: "List host patterns as strings.")
                    }
                }
            default:
                throw parse("Hosts list must be a sequence or string. Please check your playbook.", hosts,
                            hint: "Give `hosts:` a pattern string or a list of them.")
            }
        }
        if let roles = entry.child("roles"), !roles.value.isNone, roles.value.listValue == nil {
            throw Diagnostic.error("A malformed role declaration was encountered: \(roles.value.pythonRepr.prefix(80)) should be a list but was a \(roles.value.pythonTypeName)",
                                   at: entry.location, hint: "Write `roles:` as a list such as `[common]`.", kind: .parse)
        }
        if let files = entry.child("vars_files"), !files.value.isNone {
            let offenders = files.value.listValue == nil ? [files] : files.items
            for item in offenders where item.value.dictValue != nil {
                throw parse("Invalid `vars_files` value of type 'dict'.", item, hint: "List file names under `vars_files:`.")
            }
        }
        if let gather = entry.child("gather_facts"), !isBoolish(gather.value) {
            throw Diagnostic.error("Error processing keyword 'gather_facts': The value \(gather.value.pythonRepr) could not be converted to 'bool'.",
                                   at: entry.keyLocation("gather_facts"), hint: "Use true or false.", kind: .parse)
        }
        if let serial = entry.child("serial") {
            // ansible-playbook crashes on these (exit 250); runner refuses them at load instead.
            for item in serial.value.listValue ?? [serial.value] where !isPercent(item) {
                throw parse("Error processing keyword 'serial': The value \(item.pythonRepr) is not a number of hosts or a percentage.", serial,
                            hint: "Use a number such as 2, a percentage such as \"30%\", or a list of them.")
            }
        }
        if let percent = entry.child("max_fail_percentage"), !isPercent(percent.value) {
            throw parse("Error processing keyword 'max_fail_percentage': The value \(percent.value.pythonRepr) could not be converted to 'percent'.",
                        percent, hint: "Use a number from 0 to 100.")
        }
    }

    static func parse(_ message: String, _ at: Located, hint: String) -> Diagnostic {
        Diagnostic.error(message, at: at.location, hint: hint, kind: .parse)
    }

    /// A valid variable name: letters, digits and underscores, not starting with a digit.
    public static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }

    static func isTemplate(_ v: Value) -> Bool {
        if case .string(let s) = v { return s.contains("{{") || s.contains("{%") }
        return false
    }

    /// What ansible-core's `boolean()` accepts (or a template, decided later).
    static func isBoolish(_ v: Value) -> Bool {
        switch v {
        case .bool, .none: return true
        case .int(let i): return i == 0 || i == 1
        case .float(let f): return f == 0 || f == 1
        case .string(let s):
            return isTemplate(v) || ["y", "yes", "on", "1", "true", "t", "n", "no", "off", "0", "false", "f", ""].contains(s.lowercased())
        default: return false
        }
    }

    static func isPercent(_ v: Value) -> Bool {
        switch v {
        case .int, .float, .none: return true
        case .string(let s):
            let digits = s.hasSuffix("%") ? String(s.dropLast()) : s
            return isTemplate(v) || Double(digits.trimmingCharacters(in: .whitespaces)) != nil
        default: return false
        }
    }
}
