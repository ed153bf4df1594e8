import Core

/// Jinja's and Ansible's global functions: `range`, `dict`, `namespace`, `cycler`, `joiner`,
/// `lookup`/`query`/`q`, `undef`, and a block's `super()`.
enum Globals {
    static func call(_ name: String, _ args: Arguments, _ r: Renderer) throws(TemplateError) -> JValue {
        switch name {
        case "range":
            var ints: [Int] = []
            for a in args.positional {
                guard case .int(let i) = try r.concrete(a).numeric?.value ?? .none, !(try r.concrete(a).isFloat) else {
                    throw .runtime("'\(try r.concrete(a).pythonTypeName)' object cannot be interpreted as an integer")
                }
                ints.append(i)
            }
            switch ints.count {
            case 1: return .object(.range(0, ints[0], 1))
            case 2: return .object(.range(ints[0], ints[1], 1))
            case 3:
                if ints[2] == 0 { throw .runtime("range() arg 3 must not be zero") }
                let count = r.rangeValues(ints[0], ints[1], ints[2]).count
                if count > 100_000 { throw .runtime("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).") }
                return .object(.range(ints[0], ints[1], ints[2]))
            default: throw .runtime("range expected at least 1 argument, got 0")
            }
        case "dict":
            var d = PyDict()
            if let first = args.positional.first {
                for item in try r.iterate(first) {
                    let pair = try r.concrete(item)
                    if let p = pair.listValue, p.count == 2 { d[p[0]] = p[1] } else if pair.dictValue == nil { throw .runtime("cannot convert dictionary update sequence element") }
                }
                let __t = try r.concrete(first); if case .dict(let src) = __t { d = src }
            }
            for (k, v) in args.keywords { d[.string(k)] = try r.concrete(v) }
            return .value(.dict(d))
        case "namespace":
            let ns = Namespace()
            if let first = args.positional.first, let d = try r.concrete(first).dictValue { ns.attrs = d }
            for (k, v) in args.keywords { ns.attrs[.string(k)] = try r.concrete(v) }
            return .object(.namespace(ns))
        case "cycler":
            return .object(.cycler(Cycler(items: args.positional)))
        case "joiner":
            let sep = try args.get(0, "sep").map { x throws(TemplateError) in try r.text(x) } ?? ", "
            return .object(.joiner(Joiner(sep: sep)))
        case "undef":
            let hint = try args.get(0, "hint").map { x throws(TemplateError) in try r.text(x) }
            return .undefined(Undefined(message: hint ?? "Mandatory variable has not been overridden"))
        case "lookup", "query", "q":
            return try Lookups.call(args, wantList: name != "lookup", r)
        case "lipsum":
            return .value(.string("Lorem ipsum dolor sit amet."))
        case "zip":
            let lists = try args.positional.map { x throws(TemplateError) in try r.iterate(x) }
            let n = lists.map(\.count).min() ?? 0
            return .value(.list(try (0..<n).map { i throws(TemplateError) in .tuple(try lists.map { l throws(TemplateError) in try r.concrete(l[i]) }) }))
        default:
            if name.hasPrefix("super:") {
                let parts = name.split(separator: ":")
                let block = String(parts[1]), level = Int(parts[2]) ?? 0
                guard let chain = r.ctx.blocks[block], level < chain.count else { return .value(.string("")) }
                let chunks = try r.capture([], scope: nil)
                _ = chunks
                let saved = r.out
                r.out = []
                defer { r.out = saved }
                try r.renderBlock(name: block, chain: chain, level: level)
                var s = ""
                for c in r.out { s += try r.text(c) }
                return .value(.string(s))
            }
            throw .runtime("'\(name)' is not callable")
        }
    }
}

extension Value {
    var isFloat: Bool { if case .float = self { return true } else { return false } }
}
