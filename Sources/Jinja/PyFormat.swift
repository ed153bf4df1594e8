import Core
import Foundation

/// Python's `%` string formatting and `str.format`, for the conversions playbooks use.
enum PyFormat {
    static func percent(_ fmt: String, _ arg: Value) throws(TemplateError) -> String {
        var args: [Value]
        var mapping: PyDict? = nil
        switch arg {
        case .tuple(let t): args = t
        case .dict(let d): args = [arg]; mapping = d
        default: args = [arg]
        }
        var out = ""
        let chars = Array(fmt)
        var i = 0, argi = 0
        while i < chars.count {
            let c = chars[i]
            guard c == "%" else { out.append(c); i += 1; continue }
            i += 1
            guard i < chars.count else { throw .runtime("incomplete format") }
            var key: String? = nil
            if chars[i] == "(" {
                guard let close = chars[i...].firstIndex(of: ")") else { throw .runtime("incomplete format key") }
                key = String(chars[(i + 1)..<close])
                i = close + 1
            }
            var flags = ""
            while i < chars.count, "-+ #0".contains(chars[i]) { flags.append(chars[i]); i += 1 }
            var width = ""
            while i < chars.count, chars[i].isNumber || chars[i] == "*" { width.append(chars[i]); i += 1 }
            var precision: Int? = nil
            if i < chars.count, chars[i] == "." {
                i += 1
                var p = ""
                while i < chars.count, chars[i].isNumber { p.append(chars[i]); i += 1 }
                precision = Int(p) ?? 0
            }
            guard i < chars.count else { throw .runtime("incomplete format") }
            let conv = chars[i]
            i += 1
            if conv == "%" { out.append("%"); continue }
            let value: Value
            if let key {
                guard let m = mapping else { throw .runtime("format requires a mapping") }
                guard let v = m[.string(key)] else { throw .runtime("KeyError: '\(key)'") }
                value = v
            } else {
                guard argi < args.count else { throw .runtime("not enough arguments for format string") }
                value = args[argi]
                argi += 1
            }
            out += try formatOne(conv, value, flags: flags, width: Int(width), precision: precision)
        }
        if mapping == nil && argi < args.count { throw .runtime("not all arguments converted during string formatting") }
        return out
    }

    static func formatOne(_ conv: Character, _ v: Value, flags: String, width: Int?, precision: Int?) throws(TemplateError) -> String {
        var body: String
        switch conv {
        case "s": body = Renderer.pyStr(v); if let p = precision { body = String(body.prefix(p)) }
        case "r", "a": body = v.pythonRepr
        case "d", "i", "u":
            guard let n = v.numeric else { throw .runtime("%\(conv) format: a real number is required, not \(v.pythonTypeName)") }
            switch n {
            case .float(let f): body = String(Int(f.rounded(.towardZero)))
            default: body = n.value.pythonRepr
            }
            if flags.contains("+"), !body.hasPrefix("-") { body = "+" + body }
        case "f", "F", "e", "E", "g", "G":
            guard let n = v.numeric else { throw .runtime("must be real number, not \(v.pythonTypeName)") }
            body = String(format: "%\(flags.contains("+") ? "+" : "").\(precision ?? 6)\(conv)", n.asDouble)
        case "x", "X", "o":
            guard let n = v.numeric, let big = n.asBigInt else { throw .runtime("%\(conv) format: an integer is required") }
            body = String(big, radix: conv == "o" ? 8 : 16, uppercase: conv == "X")
            if flags.contains("#") { body = (conv == "o" ? "0o" : (conv == "x" ? "0x" : "0X")) + body }
        case "c":
            if case .int(let n) = v, let u = Unicode.Scalar(n) { body = String(Character(u)) } else { body = v.pythonString }
        default: throw .runtime("unsupported format character '\(conv)'")
        }
        if let w = width, body.count < w {
            let pad = w - body.count
            if flags.contains("-") {
                body += String(repeating: " ", count: pad)
            } else if flags.contains("0"), "dfiFeEgGxXo".contains(conv) {
                let neg = body.hasPrefix("-") || body.hasPrefix("+")
                let sign = neg ? String(body.first!) : ""
                body = sign + String(repeating: "0", count: pad) + (neg ? String(body.dropFirst()) : body)
            } else {
                body = String(repeating: " ", count: pad) + body
            }
        }
        return body
    }

    /// `str.format` with `{}`, `{0}`, `{name}`, attribute/index lookups and format specs.
    static func format(_ fmt: String, _ args: [Value], _ kwargs: [(String, Value)]) throws(TemplateError) -> String {
        var out = ""
        let chars = Array(fmt)
        var i = 0, auto = 0
        while i < chars.count {
            let c = chars[i]
            if c == "{" {
                if i + 1 < chars.count, chars[i + 1] == "{" { out.append("{"); i += 2; continue }
                guard let close = chars[i...].firstIndex(of: "}") else { throw .runtime("Single '{' encountered in format string") }
                let field = String(chars[(i + 1)..<close])
                i = close + 1
                var spec = ""
                var name = field
                if let colon = field.firstIndex(of: ":") { name = String(field[..<colon]); spec = String(field[field.index(after: colon)...]) }
                var conversion: Character? = nil
                if let bang = name.firstIndex(of: "!") { conversion = name[name.index(after: bang)]; name = String(name[..<bang]) }
                var head = name
                var rest = ""
                if let dot = name.firstIndex(where: { $0 == "." || $0 == "[" }) { head = String(name[..<dot]); rest = String(name[dot...]) }
                var value: Value
                if head.isEmpty {
                    guard auto < args.count else { throw .runtime("Replacement index \(auto) out of range for positional args tuple") }
                    value = args[auto]; auto += 1
                } else if let n = Int(head) {
                    guard n < args.count else { throw .runtime("Replacement index \(n) out of range for positional args tuple") }
                    value = args[n]
                } else {
                    guard let kv = kwargs.first(where: { $0.0 == head }) else { throw .runtime("'\(head)'") }
                    value = kv.1
                }
                if rest.hasPrefix(".__class__") {
                    out += rest.contains("__mro__") ? "(<class '\(value.pythonTypeName)'>, <class 'object'>)" : "<class '\(value.pythonTypeName)'>"
                    continue
                }
                for part in rest.split(separator: "[").map(String.init) where part.hasSuffix("]") {
                    let k = String(part.dropLast())
                    if let n = Int(k), let l = value.listValue, n < l.count { value = l[n] } else if let d = value.dictValue, let v = d[.string(k)] { value = v }
                }
                if conversion == "r" { value = .string(value.pythonRepr) }
                out += try formatSpec(value, spec)
            } else if c == "}" {
                if i + 1 < chars.count, chars[i + 1] == "}" { out.append("}"); i += 2; continue }
                throw .runtime("Single '}' encountered in format string")
            } else {
                out.append(c)
                i += 1
            }
        }
        return out
    }

    /// Python's format-spec mini language: `[[fill]align][sign][#][0][width][,][.precision][type]`.
    static func formatSpec(_ v: Value, _ spec: String) throws(TemplateError) -> String {
        if spec.isEmpty { return Renderer.pyStr(v) }
        var chars = Array(spec)
        var fill: Character = " ", align: Character? = nil
        if chars.count >= 2, "<>^=".contains(chars[1]) { fill = chars[0]; align = chars[1]; chars.removeFirst(2) } else if let f = chars.first, "<>^=".contains(f) { align = f; chars.removeFirst() }
        var sign = ""
        if let f = chars.first, "+- ".contains(f) { sign = String(f); chars.removeFirst() }
        if chars.first == "#" { chars.removeFirst() }
        if chars.first == "0" { if align == nil { fill = "0"; align = "=" }; chars.removeFirst() }
        var width = ""
        while let f = chars.first, f.isNumber { width.append(f); chars.removeFirst() }
        var comma = false
        if chars.first == "," || chars.first == "_" { comma = true; chars.removeFirst() }
        var precision: Int? = nil
        if chars.first == "." {
            chars.removeFirst()
            var p = ""
            while let f = chars.first, f.isNumber { p.append(f); chars.removeFirst() }
            precision = Int(p)
        }
        let type = chars.first
        var body: String
        let isNumber = v.numeric != nil
        switch type {
        case "d":
            body = v.numeric.map { $0.value.pythonRepr } ?? Renderer.pyStr(v)
        case "f", "F", "e", "E", "g", "G", "%":
            let d = v.numeric?.asDouble ?? 0
            if type == "%" { body = String(format: "%.\(precision ?? 6)f", d * 100) + "%" } else { body = String(format: "%.\(precision ?? 6)\(type!)", d) }
        case "x", "X", "o", "b":
            let n = v.numeric?.asBigInt ?? 0
            body = String(n, radix: type == "x" || type == "X" ? 16 : (type == "o" ? 8 : 2), uppercase: type == "X")
        case "s", nil:
            if isNumber, type == nil, let p = precision, case .float(let f) = v { body = String(format: "%.\(p)g", f) } else {
                body = Renderer.pyStr(v)
                if let p = precision, !isNumber { body = String(body.prefix(p)) }
            }
        default:
            throw .runtime("Unknown format code '\(type!)' for object of type '\(v.pythonTypeName)'")
        }
        if comma, isNumber {
            let neg = body.hasPrefix("-")
            var digits = neg ? String(body.dropFirst()) : body
            var frac = ""
            if let dot = digits.firstIndex(of: ".") { frac = String(digits[dot...]); digits = String(digits[..<dot]) }
            var grouped = ""
            for (k, ch) in digits.reversed().enumerated() { if k > 0 && k % 3 == 0 { grouped.append(",") }; grouped.append(ch) }
            body = (neg ? "-" : "") + String(grouped.reversed()) + frac
        }
        if isNumber, sign == "+", !body.hasPrefix("-") { body = "+" + body }
        if isNumber, sign == " ", !body.hasPrefix("-") { body = " " + body }
        if let w = Int(width), body.count < w {
            let pad = w - body.count
            let a = align ?? (isNumber ? ">" : "<")
            switch a {
            case "<": body += String(repeating: fill, count: pad)
            case ">": body = String(repeating: fill, count: pad) + body
            case "^": body = String(repeating: fill, count: pad / 2) + body + String(repeating: fill, count: pad - pad / 2)
            default:
                let neg = body.hasPrefix("-") || body.hasPrefix("+")
                body = (neg ? String(body.first!) : "") + String(repeating: fill, count: pad) + (neg ? String(body.dropFirst()) : body)
            }
        }
        return body
    }
}
