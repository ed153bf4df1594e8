import Foundation

/// `ansible_connection=local`: the same POSIX sh the remote modules send, run on the
/// controller through the same bootstrap as over ssh (the script is read from stdin, not
/// passed in argv).
public struct LocalConnection: Connection {
    public init() {}

    public func run(script: String, input: Data?, environment: [String: String]) throws(ConnectionError) -> CommandOutcome {
        try run(script: script, input: input, environment: environment, become: nil)
    }

    /// With `become`, the same sudo/su wrapping as over ssh.
    public func run(script: String, input: Data?, environment: [String: String], become: Become?) throws(ConnectionError) -> CommandOutcome {
        guard let become else {
            var env = ProcessInfo.processInfo.environment
            for (k, v) in environment { env[k] = v }
            return try bootstrap(ShellBootstrap.stream(script: script, input: input, environment: [:]), environment: env)
        }
        let wrapped = become.wrap(script: script, input: input, environment: environment)
        return try become.unwrap(try bootstrap(wrapped.stream, environment: nil), marker: wrapped.marker, host: "localhost")
    }

    /// The bootstrap run by a local `/bin/sh` on `stream` (the script, and a payload stored 0600
    /// in a private directory, opened as descriptor 3 and unlinked before the script runs).
    private func bootstrap(_ stream: Data, environment: [String: String]?) throws(ConnectionError) -> CommandOutcome {
        let output = try ChildProcess.run("/bin/sh", ["-c", ShellBootstrap.program], environment: environment, stdin: stream)
        return CommandOutcome(rc: output.status, stdout: String(decoding: output.stdout, as: UTF8.self),
                              stderr: String(decoding: output.stderr, as: UTF8.self))
    }
}

final class DataBox: @unchecked Sendable {
    var data = Data()
}
