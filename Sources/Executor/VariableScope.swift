import Core
import Inventory
import Jinja
import Playbook

/// The variables one task sees on one host, layered in Ansible's precedence order (later
/// layers win): role defaults, inventory, play vars and vars_files, role vars, block and task
/// vars, include_vars, set_fact/register, role params, include params, extra vars; then the
/// magic variables (`inventory_hostname`, `groups`, `hostvars`, ...).
final class VariableScope: VariableSource, VariableNameListing, @unchecked Sendable {
    private var merged: PyDict
    private let lazy: @Sendable (String) -> Value?
    private var lazyCache: [String: Value] = [:]

    /// `mergeHashes` is `hash_behaviour = merge`: dicts of the same name merge recursively
    /// across layers instead of the higher one replacing the lower.
    init(layers: [PyDict], lazy: @escaping @Sendable (String) -> Value?, mergeHashes: Bool = false) {
        var merged = PyDict()
        for layer in layers {
            if mergeHashes { merged = Self.deepMerge(merged, layer) } else { merged.merge(layer) }
        }
        self.merged = merged
        self.lazy = lazy
    }

    /// ansible-core's `merge_hash`: nested dicts merge key by key, anything else is replaced.
    static func deepMerge(_ a: PyDict, _ b: PyDict) -> PyDict {
        var out = a
        for (k, v) in b.items {
            if case .dict(let old)? = out[k], case .dict(let new) = v {
                out[k] = .dict(deepMerge(old, new))
            } else {
                out[k] = v
            }
        }
        return out
    }

    func value(named name: String) -> Value? {
        if let v = merged[name] { return v }
        if let v = lazyCache[name] { return v }
        guard let v = lazy(name) else { return nil }
        lazyCache[name] = v
        return v
    }

    /// Adds variables on top (loop variables, `register` results for `changed_when`).
    func overlay(_ vars: PyDict) -> VariableScope {
        let scope = VariableScope(layers: [merged, vars], lazy: lazy)
        return scope
    }

    var all: PyDict { merged }

    /// Names for the `varnames` lookup: every variable but the magic ones built on demand.
    var variableNames: [String] { merged.keys.map(\.pythonString) }
}
