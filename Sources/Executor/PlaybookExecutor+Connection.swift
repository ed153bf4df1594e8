import Connection
import Core
import Foundation
import Inventory
import Modules
import Playbook

extension PlaybookExecutor {
    /// The connection a task uses on a host: `local` for `ansible_connection=local` and the
    /// implicit localhost, `ssh` otherwise (Ansible's default), one object per host for the run;
    /// wrapped with `become` when the task escalates.
    /// Connection variables (`ansible_user`, `ansible_become`, ...) beat play/block/task keywords
    /// (`remote_user`, `become`), which beat the command line (`-u`, `-b`), as in ansible-core.
    func connection(for host: String, task: Task, scope: VariableScope) -> any Connection {
        let implicit = inventory.host(named: host)?.implicit == true
        let kind = string("ansible_connection", scope, task: task)
            ?? keyword("connection", task: task, scope: scope)
            ?? options.connection
            ?? (implicit ? "local" : "ssh")
        let base: any Connection
        switch kind {
        case "local", "ansible.builtin.local":
            base = cached(host, key: "local") { LocalConnection() }
        case "ssh", "ansible.builtin.ssh", "paramiko", "smart":
            do {
                let settings = try sshSettings(host: host, task: task, scope: scope)
                base = cached(host, key: "ssh \(settings)") { SSHConnection(settings: settings) }
            } catch {
                return FailedConnection(error: error)
            }
        default:
            base = UnsupportedConnection(kind: kind)
        }
        switch becomeSettings(task: task, scope: scope) {
        case .none: return base
        case .some(.success(let become)): return BecomeConnection(base: base, become: become)
        case .some(.failure(let error)): return FailedConnection(error: error)
        }
    }

    /// Closes every connection of the run (ssh masters) and removes the ControlPath directory.
    func closeConnections() {
        for (_, entry) in connections { entry.connection.close() }
        connections.removeAll()
        SSHControlDirectory.shared.closeAll()
    }

    private func cached(_ host: String, key: String, make: () -> any Connection) -> any Connection {
        if let entry = connections[host], entry.key == key { return entry.connection }
        connections[host]?.connection.close()
        let made = make()
        connections[host] = (key, made)
        return made
    }

    /// The `ansible_ssh_*` variables of a host, with the command line and environment below them.
    func sshSettings(host: String, task: Task, scope: VariableScope) throws(ConnectionError) -> SSHSettings {
        let env = options.environment
        var s = SSHSettings(host: string("ansible_host", scope, task: task) ?? string("ansible_ssh_host", scope, task: task) ?? host)
        if let port = string("ansible_port", scope, task: task) ?? string("ansible_ssh_port", scope, task: task) {
            guard let p = Int(port) else { throw ConnectionError("ansible_port for \(host) is not a number: '\(port)'", unreachable: false) }
            s.port = p
        }
        s.user = string("ansible_user", scope, task: task) ?? string("ansible_ssh_user", scope, task: task)
            ?? keyword("remote_user", task: task, scope: scope) ?? options.remoteUser ?? env["ANSIBLE_REMOTE_USER"]
        s.privateKeyFile = (string("ansible_ssh_private_key_file", scope, task: task) ?? string("ansible_private_key_file", scope, task: task)
            ?? options.privateKeyFile ?? env["ANSIBLE_PRIVATE_KEY_FILE"]).map { ($0 as NSString).expandingTildeInPath }
        if let args = string("ansible_ssh_args", scope, task: task) ?? env["ANSIBLE_SSH_ARGS"] { s.sshArgs = try words(args, "ansible_ssh_args") }
        s.commonArgs = try words(string("ansible_ssh_common_args", scope, task: task) ?? options.sshCommonArgs ?? "", "ansible_ssh_common_args")
        s.extraArgs = try words(string("ansible_ssh_extra_args", scope, task: task) ?? options.sshExtraArgs ?? "", "ansible_ssh_extra_args")
        if let t = string("ansible_timeout", scope, task: task) ?? string("ansible_ssh_timeout", scope, task: task)
            ?? options.timeout.map(String.init) ?? env["ANSIBLE_TIMEOUT"] {
            s.timeout = Int(t) ?? Int(Double(t) ?? 10)
        }
        if let check = string("ansible_ssh_host_key_checking", scope, task: task) ?? string("ansible_host_key_checking", scope, task: task)
            ?? env["ANSIBLE_SSH_HOST_KEY_CHECKING"] ?? env["ANSIBLE_HOST_KEY_CHECKING"] {
            s.hostKeyChecking = ModuleContext.boolean(.string(check)) ?? true
        }
        if let exe = string("ansible_ssh_executable", scope, task: task) ?? env["ANSIBLE_SSH_EXECUTABLE"] { s.executable = exe }
        s.password = string("ansible_password", scope, task: task) ?? string("ansible_ssh_pass", scope, task: task)
            ?? string("ansible_ssh_password", scope, task: task) ?? options.connectionPassword
        return s
    }

    /// `become` for a task, nil when it does not escalate.
    func becomeSettings(task: Task, scope: VariableScope) -> Result<Become, ConnectionError>? {
        let env = options.environment
        guard let method = becomeMethod(task: task, scope: scope) else { return nil }
        let short = method.hasPrefix("ansible.builtin.") ? String(method.dropFirst("ansible.builtin.".count)) : method
        guard Become.supportedMethods.contains(short) else {
            return .failure(ConnectionError("the become method '\(method)' is not supported by runner yet (sudo and su are)", unreachable: false))
        }
        var become = Become(method: short)
        become.user = string("ansible_become_user", scope, task: task) ?? keyword("become_user", task: task, scope: scope)
            ?? options.becomeUser ?? env["ANSIBLE_BECOME_USER"] ?? "root"
        become.exe = string("ansible_become_exe", scope, task: task) ?? keyword("become_exe", task: task, scope: scope)
        become.flags = string("ansible_become_flags", scope, task: task) ?? keyword("become_flags", task: task, scope: scope)
        become.password = string("ansible_become_password", scope, task: task) ?? string("ansible_become_pass", scope, task: task)
            ?? string("ansible_\(short)_pass", scope, task: task) ?? options.becomePassword
        return .success(become)
    }

    /// The become method of a task that escalates (`ansible_become*` variables, then keywords,
    /// then the command line and environment); nil when it does not escalate.
    func becomeMethod(task: Task, scope: VariableScope) -> String? {
        let env = options.environment
        let on = string("ansible_become", scope, task: task) ?? keyword("become", task: task, scope: scope)
            ?? (options.become ? "true" : nil) ?? env["ANSIBLE_BECOME"]
        guard let on, ModuleContext.boolean(.string(on)) == true else { return nil }
        return string("ansible_become_method", scope, task: task) ?? keyword("become_method", task: task, scope: scope)
            ?? options.becomeMethod ?? env["ANSIBLE_BECOME_METHOD"] ?? "sudo"
    }

    /// A connection variable, templated; nil when unset or none.
    private func string(_ name: String, _ scope: VariableScope, task: Task) -> String? {
        guard let raw = scope.value(named: name), !raw.isNone else { return nil }
        let value = (try? engine.template(raw, vars: scope, origin: task.location)) ?? raw
        return value.isNone ? nil : value.pythonString
    }

    /// A task keyword, else the nearest enclosing block's, else the play's; templated.
    func keyword(_ name: String, task: Task, scope: VariableScope) -> String? {
        let raw = task.keywords[name] ?? blockKeywords.reversed().lazy.compactMap { $0[name] }.first ?? play.keywords[name]
        guard let raw, !raw.isNone else { return nil }
        let value = (try? engine.template(raw, vars: scope, origin: task.location)) ?? raw
        return value.isNone ? nil : value.pythonString
    }

    private func words(_ text: String, _ name: String) throws(ConnectionError) -> [String] {
        do {
            return try ShellWords.split(text)
        } catch {
            throw ConnectionError("\(name) could not be split into words: \(error.message)", unreachable: false)
        }
    }
}

/// A connection that could not be set up from the host's variables: every use fails with why.
struct FailedConnection: Connection {
    let error: ConnectionError

    func run(script: String, input: Data?, environment: [String: String]) throws(ConnectionError) -> CommandOutcome {
        throw error
    }
}
