import Foundation

/// Password authentication with the OpenSSH client and no `sshpass`, as ansible-core's default
/// `password_mechanism: ssh_askpass` does it: ssh runs with `SSH_ASKPASS` naming runner itself
/// and `SSH_ASKPASS_REQUIRE=force`, and runner, started by ssh with `RUNNER_SSH_ASKPASS_FILE`
/// in its environment, prints the password. The password waits in a 0600 file in the run's
/// private 0700 ControlPath directory only while ssh opens the master, and is removed as soon
/// as that ssh returns: never in argv, never in the environment.
public enum SSHAskPass {
    /// The environment variable that turns runner into ssh's askpass program.
    public static let marker = "RUNNER_SSH_ASKPASS_FILE"
    /// The text ssh's password prompt contains (ansible's `SSH_ASKPASS_DEFAULT_PROMPT`).
    static let passwordPrompt = "assword"

    /// Runner as ssh's askpass program: the exit status, or nil when runner was not started so
    /// (no marker, or more than one argument). A host-key question is answered "no", as
    /// ansible's helper does, so password logins never accept unknown keys on their own; any
    /// other prompt than a password's fails.
    public static func answer(arguments: [String], environment: [String: String]) -> Int32? {
        guard let path = environment[marker], arguments.count <= 1 else { return nil }
        let prompt = arguments.first ?? ""
        if prompt.contains("The authenticity of host ") || prompt.contains("differs from the key for the IP address") {
            FileHandle.standardOutput.write(Data("no".utf8))
            return 0
        }
        guard prompt.contains(passwordPrompt), let secret = FileManager.default.contents(atPath: path) else { return 1 }
        FileHandle.standardOutput.write(secret)
        return 0
    }

    /// The environment for an ssh that may ask for `password`, and the file to remove once it
    /// has returned.
    static func environment(password: String, directory: SSHControlDirectory) throws(ConnectionError) -> (environment: [String: String], file: String) {
        let file = try directory.secretFile(Data(password.utf8))
        var env = ProcessInfo.processInfo.environment
        env["SSH_ASKPASS"] = executable
        env["SSH_ASKPASS_REQUIRE"] = "force"
        if (env["DISPLAY"] ?? "").isEmpty { env["DISPLAY"] = "-" }
        env[marker] = file
        return (env, file)
    }

    /// runner's own executable, which ssh starts as its askpass program.
    static let executable: String = {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }()
}
