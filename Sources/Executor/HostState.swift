import Core
import Output

/// What a run knows about one host: facts set during the run and its fate so far.
struct HostState {
    /// `set_fact`, `register` and facts (ansible's host-level "nonpersistent" and fact caches).
    var facts = PyDict()
    /// Facts in the fact cache (`set_fact` with `cacheable: true`): what `ansible_facts` holds
    /// until `meta: clear_facts`.
    var cachedFacts = PyDict()
    /// Variables from `include_vars`.
    var includedVars = PyDict()
    var failed = false
    var unreachable = false
    /// `meta: end_host` or `end_play` for this host.
    var ended = false
    var stats = HostRecap()
    /// Handlers notified and not yet run, by handler name or listen topic.
    var notified: [String] = []
    /// `ansible_failed_task` and `ansible_failed_result`, visible in `rescue`.
    var failure = PyDict()
}

