import Core
import Playbook

/// What the command line asks of a run.
public struct RunOptions: Sendable {
    public var tags: TagSelection
    public var extraVars: PyDict
    public var limit: [String]?
    public var checkMode = false
    public var diffMode = false
    public var verbosity = 0
    public var forks = 5
    public var forceHandlers = false
    public var startAtTask: String?
    public var runTags: [String] = []
    public var skipTags: [String] = []
    /// `hash_behaviour = merge` (`ANSIBLE_HASH_BEHAVIOUR=merge`).
    public var mergeHashes = false

    // Connection and privilege escalation from the command line; inventory variables
    // (`ansible_user`, `ansible_become`, ...) and play keywords take precedence over these.
    /// `-c`: the connection type for hosts that set none (default ssh).
    public var connection: String?
    /// `-u`: the remote user when neither `ansible_user` nor `remote_user` says.
    public var remoteUser: String?
    /// `--private-key`.
    public var privateKeyFile: String?
    /// `-T`: connection timeout in seconds.
    public var timeout: Int?
    /// `--ssh-common-args`, `--ssh-extra-args`.
    public var sshCommonArgs: String?
    public var sshExtraArgs: String?
    /// `-b`, `--become-user`, `--become-method`.
    public var become = false
    public var becomeUser: String?
    public var becomeMethod: String?
    /// `-k` / `--connection-password-file`: the ssh password where `ansible_password` says none.
    public var connectionPassword: String?
    /// `-K` / `--become-password-file`: the become password where `ansible_become_password`
    /// says none.
    public var becomePassword: String?
    /// The environment connection defaults are read from (`ANSIBLE_HOST_KEY_CHECKING`, ...).
    public var environment: [String: String] = [:]

    public init(tags: TagSelection, extraVars: PyDict, limit: [String]?) {
        self.tags = tags
        self.extraVars = extraVars
        self.limit = limit
    }
}
