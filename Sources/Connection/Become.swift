import Foundation

/// Privilege escalation for one task: Ansible's `become`, `become_method`, `become_user`,
/// `become_exe`, `become_flags` and `become_password`.
public struct Become: Sendable, Hashable {
    /// `sudo` or `su`.
    public var method: String
    /// The user to run as (`become_user`, default root).
    public var user: String
    /// The escalation program (`become_exe`), default the method's name.
    public var exe: String?
    /// `become_flags`; nil means the method's default (`-H -S -n` for sudo, none for su).
    public var flags: String?
    /// `become_password`, sent on stdin (never in argv).
    public var password: String?

    public static let supportedMethods: Set<String> = ["sudo", "su"]

    public init(method: String = "sudo", user: String = "root", exe: String? = nil, flags: String? = nil, password: String? = nil) {
        self.method = method
        self.user = user
        self.exe = exe
        self.flags = flags
        self.password = password
    }
}

/// A connection with privilege escalation applied to every script it runs: what the executor
/// hands a module when the task has `become: true`.
public struct BecomeConnection: Connection {
    public let base: any Connection
    public let become: Become

    public init(base: any Connection, become: Become) {
        self.base = base
        self.become = become
    }

    public func run(script: String, input: Data?, environment: [String: String]) throws(ConnectionError) -> CommandOutcome {
        try base.run(script: script, input: input, environment: environment, become: become)
    }

    public func run(script: String, input: Data?, environment: [String: String], become: Become?) throws(ConnectionError) -> CommandOutcome {
        try base.run(script: script, input: input, environment: environment, become: become ?? self.become)
    }

    public func close() { base.close() }
}
