import Foundation

/// `ansible_connection=local`: the same POSIX sh the remote modules send, run on the
/// controller with `/bin/sh -s` (the script is read from stdin, not passed in argv).
public struct LocalConnection: Connection {
    public init() {}

    public func run(script: String, input: Data?, environment: [String: String]) throws(ConnectionError) -> CommandOutcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The script comes first on stdin; a here-document would expose nothing either, but
        // separate payload data is passed through a temporary 0600 file descriptor instead.
        var fullScript = script
        var payloadFile: URL? = nil
        if let input {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runner-\(getpid())", isDirectory: true)
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let file = dir.appendingPathComponent(UUID().uuidString)
            FileManager.default.createFile(atPath: file.path, contents: input, attributes: [.posixPermissions: 0o600])
            payloadFile = file
            fullScript = "exec 3<\(ShellQuote.quote(file.path))\n" + script
        }
        defer { if let payloadFile { try? FileManager.default.removeItem(at: payloadFile) } }
        process.arguments = ["-s"]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw ConnectionError("could not start /bin/sh: \(error)")
        }
        let writer = stdin.fileHandleForWriting
        writer.write(Data(fullScript.utf8))
        try? writer.close()
        // Read both pipes concurrently so a chatty stderr cannot block stdout.
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = stderr.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CommandOutcome(rc: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                              stderr: String(decoding: errBox.data, as: UTF8.self))
    }
}

extension LocalConnection {
    /// `become` on the controller: the same sudo/su wrapping as over ssh, through the bootstrap
    /// run by a local `/bin/sh`.
    public func run(script: String, input: Data?, environment: [String: String], become: Become?) throws(ConnectionError) -> CommandOutcome {
        guard let become else { return try run(script: script, input: input, environment: environment) }
        let wrapped = become.wrap(script: script, input: input, environment: environment)
        let output = try ChildProcess.run("/bin/sh", ["-c", ShellBootstrap.program],
                                          stdin: ShellBootstrap.stream(script: wrapped.script, input: wrapped.input, environment: [:]))
        let outcome = CommandOutcome(rc: output.status, stdout: String(decoding: output.stdout, as: UTF8.self),
                                     stderr: String(decoding: output.stderr, as: UTF8.self))
        return try become.unwrap(outcome, marker: wrapped.marker, host: "localhost")
    }
}

final class DataBox: @unchecked Sendable {
    var data = Data()
}
