import Core
import Foundation
import YAML

/// Serialization and data-shaping filters: JSON/YAML, extract, subelements, split, dates, URLs.
enum StructureFilters {
    static func register(_ t: inout [String: FilterFunction]) {
        t["to_json"] = plugin { r, v, a throws(TemplateError) in
            var o = JSONWriter.Options()
            o.sortKeys = try r.boolArg(a, 99, "sort_keys", false)
            if case .int(let n)? = try a.keyword("indent").map({ x throws(TemplateError) in try r.concrete(x) }) { o.indent = n }
            o.ensureASCII = try r.boolArg(a, 99, "ensure_ascii", true)
            return .value(.string(try JSONWriter.write(try r.concrete(v), o)))
        }
        t["to_nice_json"] = plugin { r, v, a throws(TemplateError) in
            var o = JSONWriter.Options(sortKeys: try r.boolArg(a, 99, "sort_keys", true))
            o.indent = try r.intArg(a, 0, "indent", 4)
            o.ensureASCII = try r.boolArg(a, 99, "ensure_ascii", true)
            o.itemSeparator = ","
            return .value(.string(try JSONWriter.write(try r.concrete(v), o)))
        }
        t["from_json"] = plugin { r, v, _ throws(TemplateError) in
            let x = try r.concrete(v)
            guard let s = x.stringValue else { throw .plugin("the JSON object must be str, bytes or bytearray, not \(x.pythonTypeName)") }
            var p = JSONReader(Array(s.utf8), unsafe: { if case .unsafe = x { return true }; return false }())
            return .value(try p.parseDocument())
        }
        let fromYAML: FilterFunction = { r, v, _ throws(TemplateError) in
            let x = try r.concrete(v)
            guard let s = x.stringValue else { return .value(x) }
            do {
                let loaded = try YAMLLoader.load(s, file: "<string>").value
                if case .unsafe = x { return .value(makeUnsafe(loaded)) }
                return .value(loaded)
            } catch { throw .plugin("\(error)") }
        }
        t["from_yaml"] = fromYAML
        t["from_yaml_all"] = plugin { r, v, a throws(TemplateError) in
            let x = try r.concrete(v)
            guard let s = x.stringValue else { return .value(x) }
            var docs: [Value] = []
            for part in s.components(separatedBy: "\n---") where !part.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                let text = part.hasPrefix("---") ? String(part.dropFirst(3)) : part
                docs.append(try fromYAML(r, .value(.string(text)), a).valueOrNone)
            }
            return .value(.list(docs))
        }
        t["to_yaml"] = plugin { r, v, a throws(TemplateError) in
            let indent = try r.intArg(a, 99, "indent", 2)
            // default_flow_style: None (the default) puts scalar-only collections in flow style.
            let flowStyle = try a.keyword("default_flow_style").map { x throws(TemplateError) in try r.concrete(x) }
            let flowLeaves = flowStyle.map { $0.isNone || $0.isTruthy } ?? true
            return .value(.string(YAMLWriter.dump(try r.concrete(v), indent: indent, flowLeaves: flowLeaves)))
        }
        t["to_nice_yaml"] = plugin { r, v, a throws(TemplateError) in
            let indent = try r.intArg(a, 0, "indent", 4)
            return .value(.string(YAMLWriter.dump(try r.concrete(v), indent: indent, flowLeaves: false)))
        }
        t["extract"] = plugin { r, v, a throws(TemplateError) in
            guard let container = a.get(0, "container") else { throw .plugin("extract() missing container") }
            var cur = try r.item(container, v)
            if let morekeys = a.get(1, "morekeys") {
                let mk = try r.concrete(morekeys)
                for k in mk.listValue ?? [mk] { cur = try r.item(cur, .value(k)) }
            }
            if case .undefined(let u) = cur { throw .undefined(u.message) }
            return cur
        }
        t["subelements"] = plugin { r, v, a throws(TemplateError) in
            let path = try r.strArg(a, 0, "subelements", "")
            let skip = try r.boolArg(a, 1, "skip_missing", false)
            var out: [Value] = []
            for item in try r.list(v) {
                var cur: Value? = item
                for part in path.split(separator: ".") { cur = cur?.dictValue?[.string(String(part))] }
                guard let sub = cur else {
                    if skip { continue }
                    throw .plugin("could not find '\(path)' key in iterated item \(item.pythonRepr)")
                }
                guard let l = sub.listValue else { throw .plugin("the key \(path) should point to a list, got \(sub.pythonRepr)") }
                for x in l { out.append(.list([item, x])) }
            }
            return .value(.list(out))
        }
        t["split"] = plugin { r, v, a throws(TemplateError) in
            let x = try r.concrete(v)
            guard let s = x.stringValue else { throw .plugin("descriptor 'split' for 'str' objects doesn't apply to a '\(x.pythonTypeName)' object") }
            let sep = try a.get(0, "sep").map { y throws(TemplateError) in try r.str(y) }
            let maxsplit = try r.intArg(a, 1, "maxsplit", -1)
            return .value(.list(StringMethods.pySplit(s, sep: sep, maxsplit: maxsplit, fromRight: false).map(Value.string)))
        }
        t["urlsplit"] = plugin { r, v, a throws(TemplateError) in
            let s = try r.str(v)
            let parts = urlsplit(s)
            if let q = a.get(0, "query") { return .value(parts[.string(try r.str(q))] ?? .none) }
            return .value(.dict(parts))
        }
        t["urldecode"] = plugin { r, v, _ throws(TemplateError) in
            .value(.string((try r.str(v)).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""))
        }
        t["expandvars"] = plugin { r, v, _ throws(TemplateError) in
            let s = try r.str(v)
            let env = ProcessInfo.processInfo.environment
            guard let re = try? NSRegularExpression(pattern: "\\$(\\w+|\\{[^}]*\\})") else { return .value(.string(s)) }
            let ns = s as NSString
            var out = "", last = 0
            for m in re.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
                out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
                var name = ns.substring(with: m.range(at: 1))
                if name.hasPrefix("{") { name = String(name.dropFirst().dropLast()) }
                out += env[name] ?? ns.substring(with: m.range)
                last = m.range.location + m.range.length
            }
            return .value(.string(out + ns.substring(from: last)))
        }
        t["comment"] = commentFilter
        DateFilters.register(&t)
        VersionCompare.register(&t)
        MathFilters.register(&t)
    }

    static func makeUnsafe(_ v: Value) -> Value {
        switch v {
        case .string(let s): return .unsafe(s)
        case .list(let l): return .list(l.map(makeUnsafe))
        case .dict(let d):
            var out = PyDict()
            for (k, x) in d.items { out[k] = makeUnsafe(x) }
            return .dict(out)
        default: return v
        }
    }

    static func urlsplit(_ s: String) -> PyDict {
        var rest = Substring(s)
        var scheme = "", netloc = "", query = "", fragment = ""
        if let c = rest.firstIndex(of: ":"), rest[..<c].allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }), !rest[..<c].isEmpty {
            scheme = rest[..<c].lowercased()
            rest = rest[rest.index(after: c)...]
        }
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let end = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
            netloc = String(rest[..<end])
            rest = rest[end...]
        }
        if let h = rest.firstIndex(of: "#") { fragment = String(rest[rest.index(after: h)...]); rest = rest[..<h] }
        if let q = rest.firstIndex(of: "?") { query = String(rest[rest.index(after: q)...]); rest = rest[..<q] }
        var d = PyDict()
        d["fragment"] = .string(fragment)
        var host = netloc
        var user: Value = .none, password: Value = .none, port: Value = .none
        if let at = host.lastIndex(of: "@") {
            let cred = String(host[..<at])
            host = String(host[host.index(after: at)...])
            let cp = cred.split(separator: ":", maxSplits: 1).map(String.init)
            user = .string(cp[0])
            if cp.count > 1 { password = .string(cp[1]) }
        }
        if let colon = host.lastIndex(of: ":"), !host.contains("]") || host.hasSuffix("]") == false {
            if let p = Int(host[host.index(after: colon)...]) { port = .int(p) }
            host = String(host[..<colon])
        }
        d["hostname"] = host.isEmpty ? .none : .string(host.lowercased())
        d["netloc"] = .string(netloc)
        d["password"] = password
        d["path"] = .string(String(rest))
        d["port"] = port
        d["query"] = .string(query)
        d["scheme"] = .string(scheme)
        d["username"] = user
        return d
    }

    static let commentFilter: FilterFunction = { r, v, a throws(TemplateError) in
        let text = try r.str(v)
        let style = try r.strArg(a, 0, "style", "plain")
        var p: [String: String] = ["newline": "\n", "beginning": "", "prefix": "# ", "prefix_count": "1", "decoration": "# ", "postfix": "#", "postfix_count": "1", "end": ""]
        switch style {
        case "erlang": p["prefix"] = "%"; p["decoration"] = "% "; p["postfix"] = "%"
        case "c": p["decoration"] = "// "; p["prefix"] = "//"; p["postfix"] = "//"
        case "cblock": p["beginning"] = "/*"; p["prefix"] = " *"; p["decoration"] = " * "; p["postfix"] = " *"; p["end"] = " */"
        case "xml": p["beginning"] = "<!--"; p["prefix"] = " -"; p["decoration"] = " - "; p["postfix"] = " -"; p["end"] = "-->"
        default: p["prefix"] = "#"; p["postfix"] = "#"
        }
        for (k, x) in a.keywords { p[k] = try r.str(x) }
        let nl = p["newline"]!
        var out: [String] = []
        if !p["beginning"]!.isEmpty { out.append(p["beginning"]!) }
        for _ in 0..<(Int(p["prefix_count"]!) ?? 1) { out.append(p["prefix"]!) }
        for line in text.components(separatedBy: "\n") { out.append((p["decoration"]! + line).replacingOccurrences(of: " +$", with: "", options: .regularExpression)) }
        for _ in 0..<(Int(p["postfix_count"]!) ?? 1) { out.append(p["postfix"]!) }
        if !p["end"]!.isEmpty { out.append(p["end"]!) }
        return .value(.string(out.joined(separator: nl)))
    }
}

extension JValue {
    var valueOrNone: Value {
        if case .value(let v) = self { return v }
        return .none
    }
}
