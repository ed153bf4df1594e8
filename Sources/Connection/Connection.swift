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
    /// Runs `script` with `/bin/sh` on the host, feeding `input` to the script's stdin.
    func run(script: String, input: Data?, environment: [String: String]) throws(ConnectionError) -> CommandOutcome
}

/// The host could not be reached (ansible's `unreachable`).
public struct ConnectionError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
