import Core

/// ansible-core's `combine_vars`: with the default `hash_behaviour=replace` a later dict's keys
/// replace earlier ones (existing keys keep their place); with `merge`, dicts merge recursively.
public enum VariableMerge {
    public static func combine(_ a: PyDict, _ b: PyDict, merge: Bool) -> PyDict {
        if merge { return mergeHash(a, b) }
        var out = a
        out.merge(b)
        return out
    }

    /// `merge_hash(x, y)`: y's keys win; nested dicts merge; lists are replaced.
    public static func mergeHash(_ x: PyDict, _ y: PyDict) -> PyDict {
        if x.isEmpty || Value.dict(x) == Value.dict(y) { return y }
        if y.isEmpty { return x }
        var out = x
        for (k, yv) in y.items {
            if let xv = out[k], let xd = xv.dictValue, let yd = yv.dictValue {
                out[k] = .dict(mergeHash(xd, yd))
            } else {
                out[k] = yv
            }
        }
        return out
    }

    /// `Host/Group.set_variable`: a dict value set over an existing dict combines with it.
    static func setting(_ vars: PyDict, _ key: String, _ value: Value, merge: Bool) -> PyDict {
        if vars[key]?.dictValue != nil, value.dictValue != nil {
            return combine(vars, PyDict([(.string(key), value)]), merge: merge)
        }
        var out = vars
        out[key] = value
        return out
    }

}
