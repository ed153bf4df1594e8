import Core
import Output

/// What a run knows about one host: facts set during the run and its fate so far.
struct HostState {
    /// `set_fact`, `register` and facts (ansible's host-level "nonpersistent" and fact caches).
    var facts = PyDict()
    /// The fact cache: facts from `setup`/`gather_facts` (and any module returning
    /// `ansible_facts`) and `set_fact` with `cacheable: true`, keyed as returned
    /// (`ansible_system`). `ansible_facts` shows it without the prefix; its names are also
    /// variables just above inventory variables. Emptied by `meta: clear_facts`.
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

