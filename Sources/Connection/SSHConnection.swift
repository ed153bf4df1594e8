import Foundation

/// `ansible_connection=ssh`: each script runs through the OpenSSH client over one multiplexed
/// master per host (ControlMaster/ControlPersist, socket in a private directory). The remote
/// command is the fixed `ShellBootstrap` (nothing secret in argv on either end); the script and
/// its payload travel on ssh's stdin. ssh's exit status 255 means the host was unreachable.
public struct SSHConnection: Connection {
    public let settings: SSHSettings

    public init(settings: SSHSettings) {
        self.settings = settings
    }

    public func run(script: String, input: Data?, environment: [String: String]) throws(ConnectionError) -> CommandOutcome {
        try run(script: script, input: input, environment: environment, become: nil)
    }

    public func run(script: String, input: Data?, environment: [String: String], become: Become?) throws(ConnectionError) -> CommandOutcome {
        guard let become else {
            return try send(ShellBootstrap.stream(script: script, input: input, environment: environment))
        }
        let wrapped = become.wrap(script: script, input: input, environment: environment)
        let outcome = try send(wrapped.stream)
        return try become.unwrap(outcome, marker: wrapped.marker, host: settings.host)
    }

    public func close() {
        SSHControlDirectory.shared.close(settings)
    }

    /// The destination as ssh takes it (an IPv6 address needs no brackets here).
    var destination: String { settings.host }

    func send(_ stream: Data) throws(ConnectionError) -> CommandOutcome {
        if settings.password != nil {
            throw ConnectionError("password authentication (ansible_password) is not supported by runner yet: use a key or an ssh agent (host \(settings.host))")
        }
        let controlPath = try SSHControlDirectory.shared.controlPath()
        let options = settings.options(controlPath: controlPath)
        SSHControlDirectory.shared.register(settings, closeCommand: [settings.executable] + options + ["-O", "exit", destination])
        let argv = [settings.executable] + options + [destination, ShellBootstrap.commandLine]
        let output = try ChildProcess.run("/usr/bin/env", argv, stdin: stream)
        let stderr = Self.withoutNoise(String(decoding: output.stderr, as: UTF8.self))
        if output.status == 255 {
            throw ConnectionError(unreachableMessage(stderr))
        }
        return CommandOutcome(rc: output.status, stdout: String(decoding: output.stdout, as: UTF8.self), stderr: stderr)
    }

    /// Ansible's wording, naming the host and port whatever ssh said.
    func unreachableMessage(_ stderr: String) -> String {
        let said = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        var message = "Failed to connect to the host via ssh: " + (said.isEmpty ? "ssh exited with status 255" : said)
        let port = settings.port.map(String.init) ?? "22"
        if !said.contains("port \(port)") {
            message += " (\(settings.user.map { $0 + "@" } ?? "")\(settings.host), port \(port))"
        }
        return message
    }

    /// ssh's notes about adding a host key to a throwaway known_hosts file are not the
    /// command's stderr.
    static func withoutNoise(_ stderr: String) -> String {
        guard stderr.contains("Warning: Permanently added") else { return stderr }
        // ssh ends these lines with "\r\n", which Swift counts as one Character.
        return stderr.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
            .filter { !$0.hasPrefix("Warning: Permanently added") }
            .joined(separator: "\n")
    }
}
