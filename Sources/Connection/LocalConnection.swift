import Foundation

/// `ansible_connection=local`: the same POSIX sh the remote modules send, run on the
/// controller with `/bin/sh -s` (the script is read from stdin, not passed in argv).
public struct LocalConnection: Connection {
    public init() {}

    public func run(script: String, input: Data?, environment: [String: String]) throws(ConnectionError) -> CommandOutcome {
        // The script comes first on stdin; a here-document would expose nothing either, but
        // separate payload data is passed through a temporary 0600 file descriptor instead.
        var fullScript = script
        var payloadFile: URL? = nil
        if let input {
            let dir = Self.payloadDirectory
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let file = dir.appendingPathComponent(UUID().uuidString)
            FileManager.default.createFile(atPath: file.path, contents: input, attributes: [.posixPermissions: 0o600])
            payloadFile = file
            fullScript = "exec 3<\(ShellQuote.quote(file.path))\n" + script
        }
        defer { if let payloadFile { try? FileManager.default.removeItem(at: payloadFile) } }
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let output = try ChildProcess.run("/bin/sh", ["-s"], environment: env, stdin: Data(fullScript.utf8))
        return CommandOutcome(rc: output.status, stdout: String(decoding: output.stdout, as: UTF8.self),
                              stderr: String(decoding: output.stderr, as: UTF8.self))
    }
}

extension LocalConnection {
    /// Where payload files wait (0600, in a 0700 directory of this run) until the script has
    /// opened them.
    static let payloadDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("runner-\(getpid())", isDirectory: true)

    /// Removes the payload directory (the end of a run, or an interruption).
    public static func removePayloadDirectory() {
        try? FileManager.default.removeItem(at: payloadDirectory)
    }

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
