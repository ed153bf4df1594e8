import Foundation

/// `ansible_connection=local`: the same POSIX sh the remote modules send, run on the
/// controller through the same bootstrap as over ssh (the script is read from stdin, not
/// passed in argv).
public struct LocalConnection: Connection {
    public init() {}

    public func run(script: String, input: Data?, environment: [String: String]) throws(ConnectionError) -> CommandOutcome {
        // The same bootstrap as over ssh: the script (and a payload, stored 0600 in a private
        // directory, opened as descriptor 3 and unlinked before the script runs) on stdin.
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let output = try ChildProcess.run("/bin/sh", ["-c", ShellBootstrap.program], environment: env,
                                          stdin: ShellBootstrap.stream(script: script, input: input, environment: [:]))
        return CommandOutcome(rc: output.status, stdout: String(decoding: output.stdout, as: UTF8.self),
                              stderr: String(decoding: output.stderr, as: UTF8.self))
    }
}

extension LocalConnection {
    /// `become` on the controller: the same sudo/su wrapping as over ssh, through the bootstrap
    /// run by a local `/bin/sh`.
    public func run(script: String, input: Data?, environment: [String: String], become: Become?) throws(ConnectionError) -> CommandOutcome {
        guard let become else { return try run(script: script, input: input, environment: environment) }
        let wrapped = become.wrap(script: script, input: input, environment: environment)
        let output = try ChildProcess.run("/bin/sh", ["-c", ShellBootstrap.program], stdin: wrapped.stream)
        let outcome = CommandOutcome(rc: output.status, stdout: String(decoding: output.stdout, as: UTF8.self),
                                     stderr: String(decoding: output.stderr, as: UTF8.self))
        return try become.unwrap(outcome, marker: wrapped.marker, host: "localhost")
    }
}

final class DataBox: @unchecked Sendable {
    var data = Data()
}
