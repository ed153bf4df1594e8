import Core
import Foundation

/// ansible-core's own filters (`ansible.builtin.*`).
enum AnsibleFilters {
    static func register(_ t: inout [String: FilterFunction]) {
        t["bool"] = plugin { r, v, _ throws(TemplateError) in
            let x = try r.concrete(v)
            switch x {
            case .bool: return .value(x)
            case .none: return .value(.bool(false))
            case .int, .float, .bigInt: return .value(.bool(x == .int(1)))
            case .string(let s), .unsafe(let s):
                return .value(.bool(["yes", "on", "1", "true"].contains(s.lowercased())))
            default: return .value(.bool(false))
            }
        }
        t["mandatory"] = plugin { r, v, a throws(TemplateError) in
            let x = try r.resolve(v)
            if case .undefined(let u) = x {
                if let msg = a.get(0, "msg") { throw .plugin(try r.str(msg)) }
                var name = "<unknown>"
                if let q = u.message.firstIndex(of: "'") {
                    let rest = u.message[u.message.index(after: q)...]
                    if let e = rest.firstIndex(of: "'") { name = String(rest[..<e]) }
                }
                if u.message.hasPrefix("object of type") {
                    let parts = u.message.components(separatedBy: "'")
                    if parts.count >= 4 { name = parts[3] }
                }
                throw .plugin("Mandatory variable '\(name)' not defined.")
            }
            return x
        }
        t["combine"] = plugin { r, v, a throws(TemplateError) in
            let listMerge = try a.keyword("list_merge").map { x throws(TemplateError) in try r.str(x) } ?? "replace"
            // combine(*terms): the input and the arguments are flattened one level.
            let first = try r.concrete(v)
            var dicts: [Value] = first.listValue ?? [first]
            for p in a.positional {
                let x = try r.concrete(p)
                if case .list(let l) = x { dicts += l } else { dicts.append(x) }
            }
            let recursiveFlag = try a.keyword("recursive").map { x throws(TemplateError) in try r.truthy(x) } ?? false
            guard case .dict(var result) = dicts[0] else {
                throw .plugin("failed to combine variables, expected dicts but got a '\(dicts[0].pythonTypeName == "_AnsibleTaggedStr" ? "str" : dicts[0].pythonTypeName)' and a '_AnsibleLazyTemplateDict'.")
            }
            for d in dicts.dropFirst() {
                guard case .dict(let m) = d else { throw .plugin("failed to combine variables, expected dicts but got a 'dict' and a '\(d.pythonTypeName)'.") }
                result = try merge(result, m, recursive: recursiveFlag, listMerge: listMerge)
            }
            return .value(.dict(result))
        }
        RegexFilters.register(&t)
        EncodingFilters.register(&t)
        PathFilters.register(&t)
        StructureFilters.register(&t)
    }

    static func merge(_ a: PyDict, _ b: PyDict, recursive: Bool, listMerge: String) throws(TemplateError) -> PyDict {
        var out = a
        for (k, bv) in b.items {
            if let av = out[k] {
                if recursive, case .dict(let ad) = av, case .dict(let bd) = bv {
                    out[k] = .dict(try merge(ad, bd, recursive: true, listMerge: listMerge))
                    continue
                }
                if case .list(let al) = av, case .list(let bl) = bv {
                    switch listMerge {
                    case "keep": continue
                    case "append": out[k] = .list(al + bl); continue
                    case "prepend": out[k] = .list(bl + al); continue
                    case "append_rp": out[k] = .list(al.filter { !bl.contains($0) } + bl); continue
                    case "prepend_rp": out[k] = .list(bl + al.filter { !bl.contains($0) }); continue
                    case "replace": break
                    default: throw .plugin("'\(listMerge)' is not a valid list_merge value")
                    }
                }
            }
            out[k] = bv
        }
        return out
    }
}
