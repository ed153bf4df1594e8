import Core

/// `json.dumps(value, sort_keys=True, indent=4, ensure_ascii=False)` with ansible-inventory's
/// legacy encoder: tuples as lists, dates in ISO format, vaulted values as `__ansible_vault`,
/// and untrusted strings as `__ansible_unsafe` where the encoder applies trust.
public enum PythonJSON {
    /// Where (by key path) the encoder marks untrusted strings; nil never marks them.
    public typealias TrustPredicate = ([String]) -> Bool

    public static func encode(_ v: Value, indent: Int = 4, trustedAt: TrustPredicate? = nil) -> String {
        var out = ""
        out.reserveCapacity(1 << 16)
        var path: [String] = []
        writeDirect(v, into: &out, level: 0, indent: indent, path: &path, trustedAt: trustedAt)
        return out
    }

    /// Writes what `write(jsonData(v))` writes, without building the intermediate value (the
    /// `--list` of a large inventory spends most of its time here).
    static func writeDirect(_ v: Value, into out: inout String, level: Int, indent: Int, path: inout [String],
                            trustedAt: TrustPredicate?) {
        switch v {
        case .unsafe(let s):
            if trustedAt?(path) == true {
                write(.dict(PyDict([(.string("__ansible_unsafe"), .string(s))])), into: &out, level: level, indent: indent)
            } else {
                out += quote(s)
            }
        case .list(let items), .tuple(let items):
            if items.isEmpty { out += "[]"; return }
            let pad = String(repeating: " ", count: indent * (level + 1))
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                if trustedAt != nil { path.append(String(i)) }
                writeDirect(item, into: &out, level: level + 1, indent: indent, path: &path, trustedAt: trustedAt)
                if trustedAt != nil { path.removeLast() }
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent * level) + "]"
        case .dict(let d):
            if d.isEmpty { out += "{}"; return }
            let pad = String(repeating: " ", count: indent * (level + 1))
            var entries: [(key: String, value: Value)] = []
            entries.reserveCapacity(d.count)
            for i in 0..<d.count { entries.append((keyText(d.keys[i]), d.values[i])) }
            entries.sort { PythonText.less($0.key, $1.key) }
            out += "{\n"
            for (i, e) in entries.enumerated() {
                out += pad
                out += quote(e.key)
                out += ": "
                if trustedAt != nil { path.append(e.key) }
                writeDirect(e.value, into: &out, level: level + 1, indent: indent, path: &path, trustedAt: trustedAt)
                if trustedAt != nil { path.removeLast() }
                out += i == entries.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent * level) + "}"
        case .vault, .timestamp, .bytes:
            write(jsonData(v, path: path, trustedAt: trustedAt), into: &out, level: level, indent: indent)
        default:
            write(v, into: &out, level: level, indent: indent)
        }
    }

    /// The value as the encoder sees it: only JSON types, dict keys as sorted strings.
    public static func jsonData(_ v: Value, path: [String] = [], trustedAt: TrustPredicate? = nil) -> Value {
        switch v {
        case .none, .bool, .int, .bigInt, .float, .string: return v
        case .unsafe(let s):
            return trustedAt?(path) == true ? .dict(PyDict([(.string("__ansible_unsafe"), .string(s))])) : .string(s)
        case .vault(let t): return .dict(PyDict([(.string("__ansible_vault"), .string(t.ciphertext))]))
        case .timestamp(let t): return .string(t.pythonString.replacingOccurrences(of: " ", with: "T"))
        case .bytes: return .string(v.pythonString)
        case .list(let items), .tuple(let items):
            return .list(items.enumerated().map { jsonData($0.element, path: path + [String($0.offset)], trustedAt: trustedAt) })
        case .dict(let d):
            let entries = d.items.map { (key: keyText($0.key), value: $0.value) }.sorted { PythonText.less($0.key, $1.key) }
            return .dict(PyDict(entries.map { (.string($0.key), jsonData($0.value, path: path + [$0.key], trustedAt: trustedAt)) }))
        }
    }

    static func write(_ v: Value, into out: inout String, level: Int, indent: Int) {
        switch v {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .float(let f):
            if f.isNaN { out += "NaN" } else if f.isInfinite { out += f < 0 ? "-Infinity" : "Infinity" } else { out += PyFloatFormat.repr(f) }
        case .string(let s), .unsafe(let s): out += quote(s)
        case .list(let items):
            if items.isEmpty { out += "[]"; return }
            let pad = String(repeating: " ", count: indent * (level + 1))
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                write(item, into: &out, level: level + 1, indent: indent)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent * level) + "]"
        case .dict(let d):
            if d.isEmpty { out += "{}"; return }
            let pad = String(repeating: " ", count: indent * (level + 1))
            out += "{\n"
            for (i, e) in d.items.enumerated() {
                out += pad + quote(e.key.stringValue ?? "") + ": "
                write(e.value, into: &out, level: level + 1, indent: indent)
                out += i == d.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent * level) + "}"
        default: out += v.pythonRepr
        }
    }

    static func keyText(_ k: Value) -> String {
        switch k {
        case .string(let s), .unsafe(let s): return s
        case .none: return "null"
        case .bool(let b): return b ? "true" : "false"
        default: return k.pythonRepr
        }
    }

    static func quote(_ s: String) -> String {
        JSONString.quote(s, ensureASCII: false)
    }
}
