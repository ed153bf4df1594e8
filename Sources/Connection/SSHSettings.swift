/// How to reach one host with the OpenSSH client: the `ansible_ssh_*` connection variables
/// resolved for it.
public struct SSHSettings: Sendable, Hashable {
    /// `ansible_host` (else the inventory name).
    public var host: String
    /// `ansible_port`; nil leaves it to ssh (and `~/.ssh/config`).
    public var port: Int?
    /// `ansible_user` / `remote_user` / `-u`; nil leaves it to ssh.
    public var user: String?
    /// `ansible_ssh_private_key_file` / `--private-key`.
    public var privateKeyFile: String?
    /// `ansible_ssh_args`: replaces the default multiplexing options, as in Ansible.
    public var sshArgs: [String]?
    /// `ansible_ssh_common_args` / `--ssh-common-args`.
    public var commonArgs: [String] = []
    /// `ansible_ssh_extra_args` / `--ssh-extra-args`.
    public var extraArgs: [String] = []
    /// `ansible_timeout` / `-T`: ssh's ConnectTimeout, in seconds (Ansible's default is 10).
    public var timeout: Int = 10
    /// `host_key_checking`: on by default, as in Ansible.
    public var hostKeyChecking = true
    /// `ansible_ssh_executable`.
    public var executable = "ssh"
    /// `ansible_password` / `ansible_ssh_pass` / `-k`: sent by runner as ssh's askpass program
    /// (`SSHAskPass`); its presence turns BatchMode off and allows one password prompt.
    public var password: String?

    /// Ansible's default `ssh_args` without `-C` (compression costs more than it saves on the
    /// short scripts runner sends): one master per host, kept for 60 s after the last use.
    public static let defaultSSHArgs = ["-o", "ControlMaster=auto", "-o", "ControlPersist=60s"]

    public init(host: String) { self.host = host }

    /// Whether runner opens sessions on the host's master itself (and keeps persistent shells
    /// there). Not with an `ansible_ssh_executable` of the user's: that program then carries
    /// every task, as the user asked (a wrapper that logs or records sees them all).
    var speaksMuxDirectly: Bool { executable == "ssh" }

    /// The ssh options for this host, without the destination and the remote command. Order
    /// follows Ansible's (ssh keeps the first value it sees for an option).
    func options(controlPath: String) -> [String] {
        var args = sshArgs ?? Self.defaultSSHArgs
        if !hostKeyChecking {
            args += ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"]
        }
        if let port { args += ["-o", "Port=\(port)"] }
        if let privateKeyFile { args += ["-o", "IdentityFile=\"\(privateKeyFile)\""] }
        if password == nil {
            args += ["-o", "BatchMode=yes", "-o", "KbdInteractiveAuthentication=no", "-o", "PasswordAuthentication=no"]
        }
        if let user { args += ["-o", "User=\"\(user)\""] }
        args += ["-o", "ConnectTimeout=\(timeout)", "-o", "ControlPath=\(controlPath)"]
        // As ansible's ssh_askpass mechanism: a wrong password fails at once, no retries.
        if password != nil { args += ["-o", "NumberOfPasswordPrompts=1"] }
        args += commonArgs + extraArgs
        return args
    }
}
