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

    public init(tags: TagSelection, extraVars: PyDict, limit: [String]?) {
        self.tags = tags
        self.extraVars = extraVars
        self.limit = limit
    }
}
