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
        if let outcome = try runInShell(script: script, input: input, environment: environment, become: become) {
            return outcome
        }
        guard let become else {
            return try send(ShellBootstrap.stream(script: script, input: input, environment: environment))
        }
        let wrapped = become.wrap(script: script, input: input, environment: environment)
        let outcome = try send(wrapped.stream)
        return try become.unwrap(outcome, marker: wrapped.marker, host: settings.host)
    }

    public func close() {
        RemoteShellPool.shared.close(settings)
        SSHControlDirectory.shared.close(settings)
    }

    /// Runs the script in the host's persistent shell for `become`; nil when there is none to
    /// use (no master yet, shells turned off, or a payload the host's shell cannot cut out).
    func runInShell(script: String, input: Data?, environment: [String: String], become: Become?) throws(ConnectionError) -> CommandOutcome? {
        let pool = RemoteShellPool.shared
        guard pool.enabled, settings.speaksMuxDirectly else { return nil }
        let controlPath = try SSHControlDirectory.shared.controlPath(for: settings)
        guard let shell = try pool.checkout(.init(settings: settings, become: become), controlPath: controlPath) else { return nil }
        if input != nil && !shell.carriesPayloads {
            pool.checkin(shell, healthy: true)
            return nil
        }
        switch shell.run(ShellBootstrap.stream(script: script, input: input, environment: environment)) {
        case .answered(let outcome):
            pool.checkin(shell, healthy: true)
            return outcome
        case .gone(let outcome):
            pool.checkin(shell, healthy: false)
            if outcome.rc == 255 {
                let said = Self.withoutNoise(outcome.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
                throw ConnectionError(unreachableMessage(said.isEmpty ? "Shared connection to \(settings.host) closed." : said))
            }
            return outcome
        }
    }

    /// The destination as ssh takes it (an IPv6 address needs no brackets here).
    var destination: String { settings.host }

    func send(_ stream: Data) throws(ConnectionError) -> CommandOutcome {
        let controlPath = try SSHControlDirectory.shared.controlPath(for: settings)
        let output: ChildProcess.Output
        if settings.speaksMuxDirectly, let muxed = SSHMux.run(path: controlPath, command: ShellBootstrap.commandLine, input: stream) {
            output = muxed
        } else {
            // No master yet (the host's first task) or it has gone: ssh opens one, which the
            // following tasks reach through its socket.
            let options = settings.options(controlPath: controlPath)
            SSHControlDirectory.shared.register(settings, closeCommand: [settings.executable] + options + ["-O", "exit", destination])
            let argv = [settings.executable] + options + [destination, ShellBootstrap.commandLine]
            if let password = settings.password {
                // ssh asks runner itself for the password (SSHAskPass); the file goes as soon
                // as the master is up, or the attempt has failed.
                let askPass = try SSHAskPass.environment(password: password, directory: SSHControlDirectory.shared)
                defer { unlink(askPass.file) }
                output = try ChildProcess.run("/usr/bin/env", argv, environment: askPass.environment, stdin: stream)
            } else {
                output = try ChildProcess.run("/usr/bin/env", argv, stdin: stream)
            }
        }
        let stderr = Self.withoutNoise(String(decoding: output.stderr, as: UTF8.self))
        if output.status == 255 {
            if settings.password != nil, settings.hostKeyChecking, stderr.contains("Host key verification failed") {
                throw ConnectionError("Using a SSH password instead of a key is not possible because Host Key checking is enabled. "
                                      + "Please add this host's fingerprint to your known_hosts file to manage this host.", unreachable: false)
            }
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
