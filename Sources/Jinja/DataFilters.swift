import Core
import Foundation

/// Filters over sequences and mappings: map/select/reject, sort, unique, groupby, min/max, ...
enum DataFilters {
    static func register(_ t: inout [String: FilterFunction]) {
        t["map"] = plugin { r, v, a throws(TemplateError) in
            let items = try r.iterate(v)
            // As Jinja's prepare_map: `attribute=` selects attribute mode only without a filter
            // name; with one, every keyword goes to that filter (map('map', attribute='key')).
            if a.positional.isEmpty, let attr = a.keyword("attribute") {
                if let other = a.keywords.first(where: { $0.0 != "attribute" && $0.0 != "default" }) {
                    throw .plugin("Unexpected keyword argument '\(other.0)'")
                }
                let path = try r.str(attr)
                let def = a.keyword("default")
                return .value(.list(try items.map { i throws(TemplateError) in
                    var x = try r.attrPath(i, path)
                    let __t = try r.resolve(x); if case .undefined = __t, let def { x = def }
                    return try r.concrete(x)
                }))
            }
            guard let first = a.positional.first else { throw .plugin("map requires a filter argument") }
            let name = Renderer.shortName(try r.str(first))
            guard let f = Filters.table[name] else { throw .plugin("No filter named '\(name)'.") }
            let rest = Arguments(positional: Array(a.positional.dropFirst()), keywords: a.keywords)
            return .value(.list(try items.map { i throws(TemplateError) in try r.concrete(try f(r, i, rest)) }))
        }
        t["select"] = plugin { r, v, a throws(TemplateError) in try selectOrReject(r, v, a, select: true, attr: false) }
        t["reject"] = plugin { r, v, a throws(TemplateError) in try selectOrReject(r, v, a, select: false, attr: false) }
        t["selectattr"] = plugin { r, v, a throws(TemplateError) in try selectOrReject(r, v, a, select: true, attr: true) }
        t["rejectattr"] = plugin { r, v, a throws(TemplateError) in try selectOrReject(r, v, a, select: false, attr: true) }
        t["sort"] = plugin { r, v, a throws(TemplateError) in
            let rev = try r.boolArg(a, 0, "reverse", false)
            let cs = try r.boolArg(a, 1, "case_sensitive", false)
            let attr = try a.get(2, "attribute").map { x throws(TemplateError) in try r.str(x) }
            let items = try r.list(v)
            let sorted = try r.pySorted(items, key: { x throws(TemplateError) in
                guard let attr else { return r.sortKey(x, caseSensitive: cs) }
                let parts = attr.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
                let keys = try parts.map { p throws(TemplateError) in r.sortKey(try r.concrete(try r.attrPath(.value(x), p)), caseSensitive: cs) }
                return keys.count == 1 ? keys[0] : .list(keys)
            }, reverse: rev)
            return .value(.list(sorted))
        }
        t["unique"] = plugin { r, v, a throws(TemplateError) in
            let cs = try r.boolArg(a, 0, "case_sensitive", false)
            let attr = try a.get(1, "attribute").map { x throws(TemplateError) in try r.str(x) }
            var seen: [Value] = []
            var out: [Value] = []
            for x in try r.list(v) {
                var key = attr != nil ? try r.concrete(try r.attrPath(.value(x), attr!)) : x
                key = r.sortKey(key, caseSensitive: cs)
                if !seen.contains(key) { seen.append(key); out.append(x) }
            }
            return .value(.list(out))
        }
        t["groupby"] = plugin { r, v, a throws(TemplateError) in
            let attr = try r.strArg(a, 0, "attribute", "")
            let def = a.keyword("default")
            var groups: [(Value, [Value])] = []
            for item in try r.iterate(v) {
                var k = try r.attrPath(item, attr)
                let __t = try r.resolve(k); if case .undefined = __t, let def { k = def }
                let key = try r.concrete(k)
                let val = try r.concrete(item)
                if let i = groups.firstIndex(where: { $0.0 == key }) { groups[i].1.append(val) } else { groups.append((key, [val])) }
            }
            let sorted = try r.pySorted(groups.map { .tuple([$0.0, .list($0.1)]) }, key: { $0.listValue![0] }, reverse: false)
            return .value(.list(sorted))
        }
        t["max"] = plugin { r, v, a throws(TemplateError) in try minMax(r, v, a, max: true) }
        t["min"] = plugin { r, v, a throws(TemplateError) in try minMax(r, v, a, max: false) }
        t["slice"] = plugin { r, v, a throws(TemplateError) in
            let items = try r.list(v)
            let n = try r.intArg(a, 0, "slices", 1)
            let fill = try a.get(1, "fill_with").map { x throws(TemplateError) in try r.concrete(x) }
            let per = items.count / n, extra = items.count % n
            var out: [Value] = [], offset = 0
            for i in 0..<n {
                let start = i * per + min(i, extra)
                let end = start + per + (i < extra ? 1 : 0)
                var chunk = Array(items[start..<end])
                if let fill, i >= extra, extra > 0 { chunk.append(fill) }
                out.append(.list(chunk))
                offset = end
            }
            _ = offset
            return .value(.list(out))
        }
        t["dict2items"] = plugin { r, v, a throws(TemplateError) in
            let x = try r.concrete(v)
            guard let d = x.dictValue else { throw .plugin("dict2items requires a dictionary, got <class '\(x.pythonTypeName == "_AnsibleTaggedStr" ? "str" : x.pythonTypeName)'> instead.") }
            let kn = try r.strArg(a, 0, "key_name", "key"), vn = try r.strArg(a, 1, "value_name", "value")
            return .value(.list(d.items.map { .dict(PyDict([(.string(kn), $0.key), (.string(vn), $0.value)])) }))
        }
        t["items2dict"] = plugin { r, v, a throws(TemplateError) in
            let kn = try r.strArg(a, 0, "key_name", "key"), vn = try r.strArg(a, 1, "value_name", "value")
            var d = PyDict()
            for item in try r.list(v) {
                guard let m = item.dictValue else { throw .plugin("items2dict requires a list of dictionaries, got \(item.pythonTypeName)") }
                guard let k = m[.string(kn)], let x = m[.string(vn)] else { throw .plugin("items2dict requires each dictionary to have keys '\(kn)' and '\(vn)'") }
                d[k] = x
            }
            return .value(.dict(d))
        }
        t["flatten"] = plugin { r, v, a throws(TemplateError) in
            let levels = try a.get(0, "levels").map { x throws(TemplateError) in try r.concrete(x) }
            let skipNulls = try r.boolArg(a, 1, "skip_nulls", true)
            var depth: Int? = nil
            if case .int(let n)? = levels { depth = n }
            func flat(_ items: [Value], _ level: Int) -> [Value] {
                var out: [Value] = []
                for x in items {
                    if skipNulls, x.isNone || x.stringValue == "None" { continue }
                    if let l = x.listValue, depth.map({ level < $0 }) ?? true { out += flat(l, level + 1) } else { out.append(x) }
                }
                return out
            }
            return .value(.list(flat(try r.list(v), 0)))
        }
        t["zip"] = plugin { r, v, a throws(TemplateError) in
            let lists = try ([v] + a.positional).map { x throws(TemplateError) in try r.list(x) }
            let n = lists.map(\.count).min() ?? 0
            return .value(.list((0..<n).map { i in .tuple(lists.map { $0[i] }) }))
        }
        t["zip_longest"] = plugin { r, v, a throws(TemplateError) in
            let lists = try ([v] + a.positional).map { x throws(TemplateError) in try r.list(x) }
            let fill = try a.keyword("fillvalue").map { x throws(TemplateError) in try r.concrete(x) } ?? .none
            let n = lists.map(\.count).max() ?? 0
            return .value(.list((0..<n).map { i in .tuple(lists.map { i < $0.count ? $0[i] : fill }) }))
        }
        // ansible-core computes these with Python sets: ints come out in CPython's set order.
        func setOperation(_ name: String, _ op: @escaping @Sendable (PythonIntSet, PythonIntSet) -> PythonIntSet,
                          fallback: @escaping @Sendable ([Value], [Value]) -> [Value]) {
            t[name] = plugin { r, v, a throws(TemplateError) in
                let x = try r.list(v), b = try r.list(a.positional.first ?? .value(.list([])))
                if let xi = PythonIntSet.ints(x), let bi = PythonIntSet.ints(b) {
                    return .value(.list(op(PythonIntSet(xi), PythonIntSet(bi)).elements.map(Value.int)))
                }
                return .value(.list(fallback(x, b)))
            }
        }
        setOperation("union", PythonIntSet.union) { x, b in uniq(x + b) }
        setOperation("intersect", PythonIntSet.intersection) { x, b in uniq(x.filter { b.contains($0) }) }
        setOperation("difference", PythonIntSet.difference) { x, b in uniq(x.filter { !b.contains($0) }) }
        setOperation("symmetric_difference", PythonIntSet.symmetricDifference) { x, b in
            uniq(x.filter { !b.contains($0) } + b.filter { !x.contains($0) })
        }
        t["type_debug"] = plugin { r, v, _ throws(TemplateError) in
            let x = try r.resolve(v)
            if case .value(let val) = x, val.isOmit { return .value(.string("_OmitType")) }
            if case .value(.string) = x { return .value(.string("str")) }
            if case .lazy(.string) = x { return .value(.string("str")) }
            if case .lazy(.list) = x { return .value(.string("list")) }
            if case .lazy(.dict) = x { return .value(.string("dict")) }
            return .value(.string(r.typeName(x)))
        }
        t["ternary"] = plugin { r, v, a throws(TemplateError) in
            guard a.positional.count + a.keywords.count >= 2 else {
                throw .plugin("ternary() missing 2 required positional arguments: 'true_val' and 'false_val'")
            }
            let x = try r.resolve(v)
            if case .value(.none) = x, let n = a.get(2, "none_val") { return n }
            return try r.truthy(x) ? a.get(0, "true_val")! : a.get(1, "false_val")!
        }
    }

    static func uniq(_ items: [Value]) -> [Value] {
        var out: [Value] = []
        for x in items where !out.contains(x) { out.append(x) }
        return out
    }

    static func minMax(_ r: Renderer, _ v: JValue, _ a: Arguments, max: Bool) throws(TemplateError) -> JValue {
        let cs = try r.boolArg(a, 0, "case_sensitive", false)
        let attr = try a.get(1, "attribute").map { x throws(TemplateError) in try r.str(x) }
        let items = try r.list(v)
        guard !items.isEmpty else { return .undefined(Undefined(message: "No aggregated item, sequence was empty.")) }
        var best = items[0]
        func key(_ x: Value) throws(TemplateError) -> Value {
            let k = attr != nil ? try r.concrete(try r.attrPath(.value(x), attr!)) : x
            return r.sortKey(k, caseSensitive: cs)
        }
        var bestKey = try key(best)
        for x in items.dropFirst() {
            let k = try key(x)
            guard let c = k.pythonCompare(bestKey) else { throw .plugin("'<' not supported between instances") }
            if (max && c == .orderedDescending) || (!max && c == .orderedAscending) { best = x; bestKey = k }
        }
        return .value(best)
    }

    static func selectOrReject(_ r: Renderer, _ v: JValue, _ a: Arguments, select: Bool, attr: Bool) throws(TemplateError) -> JValue {
        var args = a.positional
        var attrName: String? = nil
        if attr {
            guard !args.isEmpty else { throw .plugin("Missing parameter for attribute name") }
            attrName = try r.str(args.removeFirst())
        }
        var testName: String? = nil
        if !args.isEmpty { testName = try r.str(args.removeFirst()) }
        var out: [Value] = []
        for item in try r.iterate(v) {
            let subject = attrName != nil ? try r.attrPath(item, attrName!) : item
            let ok: Bool
            if let testName {
                ok = try r.applyTest(testName, subject, Arguments(positional: args, keywords: a.keywords))
            } else {
                ok = try r.truthy(subject)
            }
            if ok == select { out.append(try r.concrete(item)) }
        }
        return .value(.list(out))
    }
}
