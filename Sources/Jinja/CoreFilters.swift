import Core
import Foundation

/// Jinja2's built-in filters as ansible-core exposes them.
enum CoreFilters {
    static func register(_ t: inout [String: FilterFunction]) {
        t["default"] = defaultFilter
        t["d"] = defaultFilter
        t["abs"] = plugin { r, v, _ throws(TemplateError) in
            let x = try r.concrete(v)
            guard let n = x.numeric else { throw .plugin("bad operand type for abs(): '\(x.pythonTypeName)'") }
            switch n {
            case .int(let i): return .value(i == Int.min ? try PyOps.binary("*", x, .int(-1)) : .int(abs(i)))
            case .big(let b): return .value(.integer(b.magnitude.description.isEmpty ? b : (b < 0 ? -b : b)))
            case .float(let f): return .value(.float(abs(f)))
            }
        }
        t["attr"] = plugin { r, v, a throws(TemplateError) in
            let name = try r.strArg(a, 0, "name", "")
            let b = try r.resolve(v)
            if case .value(let x) = b, PyMethods.isMethod(name, of: x) { return .object(.method(b, name)) }
            if case .lazy(let x) = b, PyMethods.isMethod(name, of: x) { return .object(.method(b, name)) }
            if case .object(let o) = b, let res = try r.objectAttribute(o, name) { return res }
            return .undefined(Undefined(message: "object of type '\(r.typeName(b))' has no attribute '\(name)'"))
        }
        t["batch"] = plugin { r, v, a throws(TemplateError) in
            let n = try r.intArg(a, 0, "linecount", 1)
            let fill = try a.get(1, "fill_with").map { x throws(TemplateError) in try r.concrete(x) }
            var out: [Value] = [], cur: [Value] = []
            for x in try r.list(v) {
                cur.append(x)
                if cur.count == n { out.append(.list(cur)); cur = [] }
            }
            if !cur.isEmpty {
                if let fill { while cur.count < n { cur.append(fill) } }
                out.append(.list(cur))
            }
            return .value(.list(out))
        }
        t["capitalize"] = plugin { r, v, _ throws(TemplateError) in
            let s = try r.str(v)
            return .value(.string(s.prefix(1).uppercased() + s.dropFirst().lowercased()))
        }
        t["center"] = plugin { r, v, a throws(TemplateError) in
            .value(.string(StringMethods.pad(try r.str(v), width: try r.intArg(a, 0, "width", 80), fill: " ", mode: "center")))
        }
        let count: FilterFunction = { r, v, _ throws(TemplateError) in
            switch try r.resolve(v) {
            case .lazy(.list(let l)), .lazy(.tuple(let l)), .value(.list(let l)), .value(.tuple(let l)): return .value(.int(l.count))
            case .lazy(.dict(let d)), .value(.dict(let d)): return .value(.int(d.count))
            case .value(.string(let s)), .value(.unsafe(let s)), .markup(let s): return .value(.int(s.count))
            case .value(.bytes(let b)): return .value(.int(b.count))
            case .undefined(let u): throw .undefined(u.message)
            case .object(let o):
                if case .range(let x, let y, let z) = o { return .value(.int(r.rangeValues(x, y, z).count)) }
                if case .dictView(let k, let d) = o { return .value(.int(r.dictViewItems(k, d).count)) }
                throw .plugin("object of type '\(o.typeName)' has no len()")
            case let other: throw .plugin("object of type '\(r.typeName(other))' has no len()")
            }
        }
        t["count"] = count
        t["length"] = count
        t["dictsort"] = plugin { r, v, a throws(TemplateError) in
            guard let d = try r.concrete(v).dictValue else { throw .plugin("You can only sort by either \"key\" or \"value\"") }
            let cs = try r.boolArg(a, 0, "case_sensitive", false)
            let by = try r.strArg(a, 1, "by", "key")
            let rev = try r.boolArg(a, 2, "reverse", false)
            let pairs = d.items.map { Value.tuple([$0.key, $0.value]) }
            let sorted = try r.pySorted(pairs, key: { p in r.sortKey(p.listValue![by == "value" ? 1 : 0], caseSensitive: cs) }, reverse: rev)
            return .value(.list(sorted))
        }
        let escape: FilterFunction = { r, v, _ throws(TemplateError) in
            let __t = try r.resolve(v); if case .markup(let s) = __t { return .markup(s) }
            return .markup(htmlEscape(try r.str(v)))
        }
        t["escape"] = escape
        t["e"] = escape
        t["forceescape"] = plugin { r, v, _ throws(TemplateError) in .markup(htmlEscape(try r.text(v))) }
        t["safe"] = plugin { r, v, _ throws(TemplateError) in .markup(try r.text(v)) }
        t["filesizeformat"] = plugin { r, v, a throws(TemplateError) in
            let bytes = try r.concrete(v).numeric?.asDouble ?? 0
            let binary = try r.boolArg(a, 0, "binary", false)
            let base: Double = binary ? 1024 : 1000
            let prefixes = binary ? ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"] : ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
            if bytes == 1 { return .value(.string("1 Byte")) }
            if bytes < base { return .value(.string("\(Int(bytes)) Bytes")) }
            var unit = base
            for (i, p) in prefixes.enumerated() {
                unit = pow(base, Double(i + 2))
                if bytes < unit { return .value(.string(String(format: "%.1f %@", base * bytes / unit, p))) }
            }
            return .value(.string(String(format: "%.1f %@", base * bytes / unit, prefixes.last!)))
        }
        t["first"] = plugin { r, v, _ throws(TemplateError) in
            let items = try r.iterate(v)
            guard let f = items.first else { return .undefined(Undefined(message: "No first item, sequence was empty.")) }
            return f
        }
        t["last"] = plugin { r, v, _ throws(TemplateError) in
            let items = try r.iterate(v)
            guard let f = items.last else { return .undefined(Undefined(message: "No last item, sequence was empty.")) }
            return f
        }
        t["float"] = plugin { r, v, a throws(TemplateError) in
            let def = try a.get(0, "default").map { x throws(TemplateError) in try r.concrete(x) } ?? .float(0)
            let x = try r.concrete(v)
            switch x {
            case .float: return .value(x)
            case .int, .bool, .bigInt: return .value(.float(x.numeric!.asDouble))
            case .string(let s), .unsafe(let s):
                if let f = parseFloat(s) { return .value(.float(f)) }
                return .value(def)
            default: return .value(def)
            }
        }
        t["int"] = intFilter
        t["format"] = plugin { r, v, a throws(TemplateError) in
            let fmt = try r.str(v)
            if !a.keywords.isEmpty {
                var d = PyDict()
                for (k, x) in a.keywords { d[.string(k)] = try r.concrete(x) }
                return .value(.string(try PyFormat.percent(fmt, .dict(d))))
            }
            let args = try a.positional.map { x throws(TemplateError) in try r.concrete(x) }
            return .value(.string(try PyFormat.percent(fmt, .tuple(args))))
        }
        t["indent"] = plugin { r, v, a throws(TemplateError) in
            let s = try r.str(v)
            var pad = "    "
            if let w = a.get(0, "width") {
                let x = try r.concrete(w)
                if case .int(let n) = x { pad = String(repeating: " ", count: n) } else { pad = x.pythonString }
            }
            let first = try r.boolArg(a, 1, "first", false)
            let blank = try r.boolArg(a, 2, "blank", false)
            var lines = s.components(separatedBy: "\n")
            for i in lines.indices where i > 0 || first {
                if blank || !lines[i].isEmpty { lines[i] = pad + lines[i] }
            }
            return .value(.string(lines.joined(separator: "\n")))
        }
        t["items"] = plugin { r, v, _ throws(TemplateError) in
            let x = try r.resolve(v)
            if case .undefined(let u) = x { throw .undefined(u.message) }
            guard let d = try r.concrete(x).dictValue else { throw .plugin("Can only get item pairs from a mapping.") }
            return .value(.list(d.items.map { .tuple([$0.key, $0.value]) }))
        }
        t["join"] = plugin { r, v, a throws(TemplateError) in
            let sep = try r.strArg(a, 0, "d", "")
            let attr = try a.get(1, "attribute").map { x throws(TemplateError) in try r.str(x) }
            var parts: [String] = []
            for item in try r.iterate(v) {
                let x = attr != nil ? try r.attrPath(item, attr!) : item
                parts.append(try r.text(x, concat: true))
            }
            return .value(.string(parts.joined(separator: sep)))
        }
        t["list"] = plugin { r, v, _ throws(TemplateError) in
            do throws(TemplateError) { return .value(.list(try r.list(v))) } catch {
                if error.kind == .template && error.message.contains("not iterable") {
                    throw .plugin(error.message.replacingOccurrences(of: "Error rendering template: ", with: ""))
                }
                throw error
            }
        }
        t["lower"] = plugin { r, v, _ throws(TemplateError) in .value(.string(try r.str(v).lowercased())) }
        t["upper"] = plugin { r, v, a throws(TemplateError) in
            if !a.positional.isEmpty { throw .plugin("do_upper() takes 1 positional argument but \(a.positional.count + 1) were given") }
            if let k = a.keywords.first { throw .plugin("do_upper() got an unexpected keyword argument '\(k.0)'") }
            return .value(.string(try r.str(v).uppercased()))
        }
        t["pprint"] = plugin { r, v, _ throws(TemplateError) in .value(.string(try r.concrete(v).pythonRepr)) }
        t["replace"] = plugin { r, v, a throws(TemplateError) in
            let s = try r.str(v)
            let old = try r.strArg(a, 0, "old", ""), new = try r.strArg(a, 1, "new", "")
            let c = try a.get(2, "count").map { x throws(TemplateError) in try r.concrete(x) }
            var n = -1
            if case .int(let k)? = c { n = k }
            return .value(.string(StringMethods.pyReplace(s, old, new, count: n)))
        }
        t["reverse"] = plugin { r, v, _ throws(TemplateError) in
            let x = try r.resolve(v)
            if case .value(let s) = x, let str = s.stringValue { return .value(.string(String(str.reversed()))) }
            return .value(.list(try r.list(x).reversed()))
        }
        t["round"] = plugin { r, v, a throws(TemplateError) in
            let x = try r.concrete(v)
            let precision = try r.intArg(a, 0, "precision", 0)
            let method = try r.strArg(a, 1, "method", "common")
            guard ["common", "ceil", "floor"].contains(method) else { throw .plugin("method must be common, ceil or floor") }
            guard let n = x.numeric else { throw .plugin("type \(x.pythonTypeName) doesn't define __round__ method") }
            if case .float = n {} else if method == "common" { return .value(x) }
            let f = n.asDouble
            let m = pow(10.0, Double(precision))
            switch method {
            case "ceil": return .value(.float((f * m).rounded(.up) / m))
            case "floor": return .value(.float((f * m).rounded(.down) / m))
            default:
                let scaled = f * m
                var rounded = scaled.rounded(.toNearestOrEven)
                if precision != 0 {
                    rounded = Double(String(format: "%.\(max(precision, 0))f", f)) ?? rounded / m
                    return .value(.float(rounded))
                }
                return .value(.float(rounded / m))
            }
        }
        t["string"] = plugin { r, v, _ throws(TemplateError) in
            let x = try r.resolve(v)
            if case .value(let val) = x, val.isOmit { return .value(.string("<<Omit>>")) }
            if case .value(.none) = x { return .value(.string("None")) }
            return .value(.string(try r.text(x)))
        }
        t["striptags"] = plugin { r, v, _ throws(TemplateError) in
            var s = try r.str(v)
            s = s.replacingOccurrences(of: "<!--[\\s\\S]*?-->|<[^>]*>", with: "", options: .regularExpression)
            s = s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            return .value(.string(htmlUnescape(s)))
        }
        t["sum"] = plugin { r, v, a throws(TemplateError) in
            let attr = try a.get(0, "attribute").map { x throws(TemplateError) in try r.str(x) }
            var total = try a.get(1, "start").map { x throws(TemplateError) in try r.concrete(x) } ?? .int(0)
            for item in try r.iterate(v) {
                let x = try r.concrete(attr != nil ? try r.attrPath(item, attr!) : item)
                do { total = try PyOps.binary("+", total, x) } catch {
                    throw .plugin("unsupported operand type(s) for +: '\(total.pythonTypeName)' and '\(x.pythonTypeName)'")
                }
            }
            return .value(total)
        }
        t["title"] = plugin { r, v, _ throws(TemplateError) in .value(.string(jinjaTitle(try r.str(v)))) }
        t["trim"] = plugin { r, v, a throws(TemplateError) in
            let chars = try a.get(0, "chars").map { x throws(TemplateError) in try r.str(x) }
            return .value(.string(StringMethods.pyStrip(try r.str(v), chars, left: true, right: true)))
        }
        t["truncate"] = plugin { r, v, a throws(TemplateError) in
            let s = try r.str(v)
            let length = try r.intArg(a, 0, "length", 255)
            let kill = try r.boolArg(a, 1, "killwords", false)
            let end = try r.strArg(a, 2, "end", "...")
            let leeway = try r.intArg(a, 3, "leeway", 5)
            if s.count <= length + leeway { return .value(.string(s)) }
            if kill { return .value(.string(String(s.prefix(length - end.count)) + end)) }
            var head = String(s.prefix(length - end.count))
            if let sp = head.lastIndex(of: " ") { head = String(head[..<sp]) }
            return .value(.string(head + end))
        }
        t["wordcount"] = plugin { r, v, _ throws(TemplateError) in
            let s = try r.str(v)
            let n = s.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).count
            return .value(.int(n))
        }
        t["wordwrap"] = wordwrap
        t["xmlattr"] = plugin { r, v, a throws(TemplateError) in
            guard let d = try r.concrete(v).dictValue else { return .value(.string("")) }
            let auto = try r.boolArg(a, 0, "autospace", true)
            var parts: [String] = []
            for (k, x) in d.items where !x.isNone { parts.append("\(htmlEscape(k.pythonString))=\"\(htmlEscape(Renderer.pyStr(x)))\"") }
            let s = parts.joined(separator: " ")
            return .value(.string(auto && !s.isEmpty ? " " + s : s))
        }
        t["tojson"] = plugin { r, v, a throws(TemplateError) in
            let x = try r.concrete(v)
            let indent = try a.get(0, "indent").map { i throws(TemplateError) in try r.concrete(i) }
            var opts = JSONWriter.Options(sortKeys: true)
            if case .int(let n)? = indent { opts.indent = n }
            var s = try JSONWriter.write(x, opts)
            s = s.replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
                .replacingOccurrences(of: "&", with: "\\u0026").replacingOccurrences(of: "'", with: "\\u0027")
            return .markup(s)
        }
        t["urlencode"] = plugin { r, v, _ throws(TemplateError) in
            let x = try r.concrete(v)
            if let d = x.dictValue {
                return .value(.string(d.items.map { formEncode(Renderer.pyStr($0.key)) + "=" + formEncode(Renderer.pyStr($0.value)) }.joined(separator: "&")))
            }
            if let l = x.listValue {
                return .value(.string(l.compactMap { p -> String? in
                    guard let kv = p.listValue, kv.count == 2 else { return nil }
                    return formEncode(Renderer.pyStr(kv[0])) + "=" + formEncode(Renderer.pyStr(kv[1]))
                }.joined(separator: "&")))
            }
            return .value(.string(percentEncode(Renderer.pyStr(x), safe: "/")))
        }
    }

    static let defaultFilter: FilterFunction = { r, v, a throws(TemplateError) in
        let def = a.get(0, "default_value") ?? .value(.string(""))
        let boolean = try r.boolArg(a, 1, "boolean", false)
        let x = try r.resolve(v)
        if case .undefined = x { return try r.resolve(def) }
        if boolean, !(try r.truthy(x)) { return try r.resolve(def) }
        return x
    }

    static let intFilter: FilterFunction = { r, v, a throws(TemplateError) in
        let def = try a.get(0, "default").map { x throws(TemplateError) in try r.concrete(x) } ?? .int(0)
        let x = try r.concrete(v)
        switch x {
        case .int, .bigInt: return .value(x)
        case .bool(let b): return .value(.int(b ? 1 : 0))
        case .float(let f):
            guard f.isFinite else { return .value(def) }
            return .value(.int(Int(f.rounded(.towardZero))))
        case .string(let s), .unsafe(let s):
            var t = s.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "_", with: "")
            // Jinja reads `base` for strings only, and a base int() refuses ends in its float
            // fallback, as any other conversion error does.
            guard let base = try? r.intArg(a, 1, "base", 10) else {
                if let f = parseFloat(t), f.isFinite { return .value(.int(Int(f.rounded(.towardZero)))) }
                return .value(def)
            }
            if base != 10 {
                var neg = false
                if t.hasPrefix("-") { neg = true; t.removeFirst() }
                let lower = t.lowercased()
                for p in ["0x", "0o", "0b"] where lower.hasPrefix(p) {
                    let pb = p == "0x" ? 16 : (p == "0o" ? 8 : 2)
                    if pb == base || base == 0 { t = String(t.dropFirst(2)); return .value(Int(t, radix: pb).map { .int(neg ? -$0 : $0) } ?? def) }
                }
                return .value(Int(t, radix: base == 0 ? 10 : base).map { .int(neg ? -$0 : $0) } ?? def)
            }
            if let i = Value.integer(decimal: t) { return .value(i) }
            if let f = parseFloat(t), f.isFinite { return .value(.int(Int(f.rounded(.towardZero)))) }
            return .value(def)
        default: return .value(def)
        }
    }

    static let wordwrap: FilterFunction = { r, v, a throws(TemplateError) in
        let s = try r.str(v)
        let width = try r.intArg(a, 0, "width", 79)
        let breakLong = try r.boolArg(a, 1, "break_long_words", true)
        let wrap = try r.strArg(a, 2, "wrapstring", "\n")
        var lines: [String] = []
        for para in s.components(separatedBy: "\n") {
            var cur = ""
            for word in para.split(separator: " ").map(String.init) {
                var w = word
                if cur.isEmpty {
                    while breakLong && w.count > width { lines.append(String(w.prefix(width))); w = String(w.dropFirst(width)) }
                    cur = w
                } else if cur.count + 1 + w.count <= width {
                    cur += " " + w
                } else {
                    lines.append(cur)
                    while breakLong && w.count > width { lines.append(String(w.prefix(width))); w = String(w.dropFirst(width)) }
                    cur = w
                }
            }
            lines.append(cur)
        }
        return .value(.string(lines.joined(separator: wrap)))
    }

    static func parseFloat(_ s: String) -> Double? {
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "_", with: "")
        switch t.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan", "+nan", "-nan": return .nan
        default: break
        }
        guard !t.isEmpty, t.allSatisfy({ "0123456789.eE+-".contains($0) }) else { return nil }
        return Double(t)
    }

    static func htmlEscape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static func htmlUnescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&#34;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Jinja's `title`: upper-cases the first letter of each word (words split at spaces,
    /// hyphens and brackets), lower-cases the rest.
    static func jinjaTitle(_ s: String) -> String {
        var out = ""
        var atStart = true
        for c in s {
            if c.isWhitespace || "-([{<".contains(c) {
                out.append(c); atStart = true
            } else {
                out += atStart ? c.uppercased() : c.lowercased()
                atStart = false
            }
        }
        return out
    }

    static func percentEncode(_ s: String, safe: String) -> String {
        var out = ""
        for b in s.utf8 {
            let c = Character(UnicodeScalar(b))
            if (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || "_.-~".contains(c) || safe.contains(c) {
                out.append(c)
            } else {
                out += String(format: "%%%02X", b)
            }
        }
        return out
    }

    static func formEncode(_ s: String) -> String {
        percentEncode(s, safe: " ").replacingOccurrences(of: " ", with: "+")
    }
}
