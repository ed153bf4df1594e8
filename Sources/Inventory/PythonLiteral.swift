import BigInt
import Core
import Foundation

/// Python's `ast.literal_eval` as ansible-core's INI plugin applies it to every variable value.
///
/// Returns nil where Python raises (not a literal, or a syntax error): the INI plugin then keeps
/// the raw text. Tuples and sets become lists and complex numbers their `str()`, as the plugin
/// coerces them.
enum PythonLiteral {
    static func evaluate(_ text: String) -> Value? {
        var trimmed = Substring(text)
        while let f = trimmed.first, f == " " || f == "\t" { trimmed = trimmed.dropFirst() }
        var parser = Parser(scalars: Array(trimmed.unicodeScalars))
        guard let value = parser.parseTop() else { return nil }
        return value.coerced
    }

    /// A literal as Python builds it, before the INI plugin's coercion.
    indirect enum Literal {
        case value(Value)
        case complex(Double, Double)
        case tuple([Literal])
        case list([Literal])
        case set([Literal])
        case dict([(Literal, Literal)])
        case ellipsis

        var coerced: Value? {
            switch self {
            case .value(let v): return v
            case .complex(let re, let im): return .string(PythonLiteral.complexRepr(re, im))
            case .ellipsis: return .string("...")
            case .tuple(let items), .list(let items):
                let vs = items.compactMap(\.coerced)
                return vs.count == items.count ? .list(vs) : nil
            case .set(let items):
                var seen = Set<Value>(), out: [Value] = []
                for i in items {
                    guard let v = i.coerced else { return nil }
                    if seen.insert(v).inserted { out.append(v) }
                }
                return .list(out)
            case .dict(let pairs):
                var d = PyDict()
                for (k, v) in pairs {
                    guard let key = k.keyValue, let value = v.coerced else { return nil }
                    d[key] = value
                }
                return .dict(d)
            }
        }

        /// A dict key stays as Python built it (tuples stay tuples); unhashable keys fail.
        var keyValue: Value? {
            switch self {
            case .value(let v): return v
            case .complex(let re, let im): return .string(PythonLiteral.complexRepr(re, im))
            case .ellipsis: return .string("...")
            case .tuple(let items):
                let vs = items.compactMap(\.keyValue)
                return vs.count == items.count ? .tuple(vs) : nil
            default: return nil
            }
        }

        var number: Value? {
            if case .value(let v) = self {
                switch v {
                case .int, .bigInt, .float: return v
                default: return nil
                }
            }
            return nil
        }
    }

    /// Python's `repr(complex)`: `1j`, `(1+2j)`, `(-0-1j)`.
    static func complexRepr(_ re: Double, _ im: Double) -> String {
        func f(_ d: Double) -> String {
            let s = PyFloatFormat.repr(d)
            return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
        }
        if re == 0 && re.sign == .plus { return f(im) + "j" }
        let sign = (im < 0 || (im == 0 && im.sign == .minus)) ? "-" : "+"
        return "(" + f(re) + sign + f(abs(im)) + "j)"
    }
}

/// Python's `int(x)` for the values an inventory can hold (`ansible_group_priority`).
enum PythonInt {
    static func int(_ v: Value) -> Int? {
        switch v {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return i
        case .float(let f): return f.isFinite ? Int(exactly: f.rounded(.towardZero)) : nil
        case .string(let s), .unsafe(let s):
            let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
            var body = Substring(t)
            var negative = false
            if let first = body.first, first == "+" || first == "-" { negative = first == "-"; body = body.dropFirst() }
            guard !body.isEmpty, !body.hasPrefix("_"), !body.hasSuffix("_"), !body.contains("__"),
                  body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }),
                  let n = Swift.Int(body.replacingOccurrences(of: "_", with: "")) else { return nil }
            return negative ? -n : n
        default: return nil
        }
    }
}
