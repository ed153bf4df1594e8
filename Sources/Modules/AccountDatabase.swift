import Foundation
import Connection
import Core

/// The target's user and group databases as `getent` (or, on a system without it, the
/// `/etc/passwd`, `/etc/shadow` and `/etc/group` files) shows them, read in one round trip.
/// Ansible's `user` and `group` modules read the same through Python's `pwd`, `spwd` and `grp`.
struct AccountDatabase: Sendable {
    struct Passwd: Sendable {
        var name: String
        var password: String
        var uid: Int
        var gid: Int
        var gecos: String
        var home: String
        var shell: String
    }

    struct Group: Sendable {
        var name: String
        var gid: Int
        var members: [String]
    }

    var user: Passwd?
    /// The user's password hash from the shadow database (`x` in passwd means "look there").
    var shadowPassword: String?
    /// Every group, in the database's order.
    var groups: [Group] = []
    /// Facts about the target's tools, by probe tag (`HAS_usermod`, ...).
    var tools: Set<String> = []

    /// sh defining `rt_ent DB [KEY]`: getent when the target has it, else the file.
    static let entFunction = """
    rt_ent() { if command -v getent >/dev/null 2>&1; then getent "$@"; \
    elif [ $# -gt 1 ]; then awk -F: -v n="$2" '$1==n' "/etc/$1"; else cat "/etc/$1"; fi; }
    """

    /// sh printing the user's entries (when `user` is given), every group and which of `tools`
    /// exist on the target's PATH.
    static func probe(user: String?, tools: [String]) -> String {
        var s = entFunction + "\n"
        if let user {
            let u = ShellQuote.quote(user)
            s += "rt_ent passwd \(u) | sed -n '1s/^/PW|/p'\n"
            s += "rt_ent shadow \(u) 2>/dev/null | sed -n '1s/^/SP|/p'\n"
        }
        s += "rt_ent group | sed 's/^/GR|/'\n"
        for tool in tools {
            s += "command -v \(tool) >/dev/null 2>&1 && echo 'HAS|\(tool)'\n"
        }
        return s
    }

    init(_ stdout: String) {
        for line in stdout.split(separator: "\n", omittingEmptySubsequences: true) {
            let parts = line.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let fields = parts[1].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            switch parts[0] {
            case "PW" where fields.count >= 7:
                user = Passwd(name: fields[0], password: fields[1], uid: Int(fields[2]) ?? 0, gid: Int(fields[3]) ?? 0,
                              gecos: fields[4], home: fields[5], shell: fields[6])
            case "SP" where fields.count >= 2:
                shadowPassword = fields[1]
            case "GR" where fields.count >= 3:
                let members = fields.count > 3 ? fields[3].split(separator: ",").map(String.init) : []
                groups.append(Group(name: fields[0], gid: Int(fields[2]) ?? 0, members: members))
            case "HAS":
                tools.insert(String(parts[1]))
            default:
                break
            }
        }
    }

    /// A group by number (when the text is one and such a group exists) or else by name, as
    /// Ansible's `group_exists` looks it up.
    func group(_ nameOrID: String) -> Group? {
        if let gid = Int(nameOrID), let g = groups.first(where: { $0.gid == gid }) { return g }
        return groups.first { $0.name == nameOrID }
    }

    /// The password as Ansible compares it: the passwd field, or the shadow one when the passwd
    /// field is a one-character placeholder.
    var effectivePassword: String {
        guard let user else { return "" }
        return user.password.count <= 1 ? (shadowPassword ?? "") : user.password
    }
}

extension ModuleContext {
    /// Reads the account databases on the target.
    func accounts(user: String? = nil, tools: [String] = []) throws(ModuleFailure) -> AccountDatabase {
        AccountDatabase(try remote(AccountDatabase.probe(user: user, tools: tools)).stdout)
    }

    /// Runs a command given as words on the target, its stdin closed (or `input` on it).
    func runWords(_ words: [String], input: String? = nil) throws(ModuleFailure) -> CommandOutcome {
        let line = words.map(ShellQuote.quote).joined(separator: " ")
        if let input {
            return try remote("\(line) <&3", input: Data(input.utf8))
        }
        return try remote("\(line) </dev/null")
    }

    /// An integer argument, with Ansible's message when it is not one.
    func int(_ key: String) throws(ModuleFailure) -> Int? {
        guard let v = args[key], !v.isNone else { return nil }
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .float(let f) where f == f.rounded(): return Int(f)
        default:
            let text = v.pythonString.trimmingCharacters(in: .whitespaces)
            if let i = Int(text) { return i }
            throw ModuleFailure(.failed("argument '\(key)' is of type \(v.pythonTypeName) and we were unable to convert to int: \"\(v.pythonRepr)\" cannot be converted to an int"))
        }
    }

    /// A choice argument, with Ansible's "value of X must be one of" message.
    func choice(_ key: String, _ choices: [String], default fallback: String?) throws(ModuleFailure) -> String? {
        guard let v = string(key) else { return fallback }
        guard choices.contains(v) else {
            throw ModuleFailure(.failed("value of \(key) must be one of: \(choices.joined(separator: ", ")), got: \(v)"))
        }
        return v
    }
}

extension PyDict {
    /// Adds `stdout`/`stderr` (and their `_lines`) when a command printed something, as
    /// Ansible's account modules do.
    mutating func addOutput(_ outcome: CommandOutcome) {
        if !outcome.stdout.isEmpty {
            self["stdout"] = .string(outcome.stdout)
            self["stdout_lines"] = .list(CommandModule.splitLines(outcome.stdout).map(Value.string))
        }
        if !outcome.stderr.isEmpty {
            self["stderr"] = .string(outcome.stderr)
            self["stderr_lines"] = .list(CommandModule.splitLines(outcome.stderr).map(Value.string))
        }
    }
}
