import Foundation

/// The outcome of running one script on a host.
public struct CommandOutcome: Sendable {
    public var rc: Int32
    public var stdout: String
    public var stderr: String

    public init(rc: Int32, stdout: String, stderr: String) {
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// A way to run POSIX sh on a host. Scripts and data travel on stdin, never in argv, so that
/// secrets do not show in `ps`.
public protocol Connection: Sendable {
    /// Runs `script` with `/bin/sh` on the host; `input`, when given, is readable by the script
    /// on file descriptor 3. The script's own stdin is not the script channel.
    func run(script: String, input: Data?, environment: [String: String]) throws(ConnectionError) -> CommandOutcome

    /// Runs `script` as `run(script:input:environment:)` does, as another user when `become`
    /// is given. The default refuses `become` with a failed (not unreachable) error.
    func run(script: String, input: Data?, environment: [String: String], become: Become?) throws(ConnectionError) -> CommandOutcome

    /// Releases what the connection holds open (an ssh master); called once at the end of a run.
    func close()
}

extension Connection {
    public func run(script: String, input: Data?, environment: [String: String], become: Become?) throws(ConnectionError) -> CommandOutcome {
        guard let become else { return try run(script: script, input: input, environment: environment) }
        throw ConnectionError("privilege escalation (\(become.method)) is not supported by this connection", unreachable: false)
    }

    public func close() {}
}

/// A connection could not run the script: the host could not be reached (ansible's
/// `unreachable`), or, with `unreachable` false, privilege escalation failed (a failed task).
public struct ConnectionError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// True when the host could not be reached; false for a failure after connecting
    /// (privilege escalation), which Ansible reports as a failed task.
    public var unreachable: Bool
    public init(_ message: String, unreachable: Bool = true) {
        self.message = message
        self.unreachable = unreachable
    }
    public var description: String { message }
}
