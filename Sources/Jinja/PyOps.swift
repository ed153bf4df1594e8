import Core
import BigInt
import Foundation

/// Python's binary operators on values: int overflow promotes to big ints, `//` and `%`
/// floor toward negative infinity, `/` is true division, `+`/`*` work on str and list.
enum PyOps {
    static func binary(_ op: String, _ a: Value, _ b: Value) throws(TemplateError) -> Value {
        if let x = a.numeric, let y = b.numeric { return try numeric(op, x, y) }
        switch (op, a, b) {
        case ("+", _, _):
            if let s = a.stringValue, let t = b.stringValue { return .string(s + t) }
            if case .list(let l) = a, case .list(let r) = b { return .list(l + r) }
            if case .tuple(let l) = a, case .tuple(let r) = b { return .tuple(l + r) }
            if a.stringValue != nil { throw .runtime("can only concatenate str (not \"\(typeName(b))\") to str") }
            if case .list = a { throw .runtime("can only concatenate list (not \"\(typeName(b))\") to list") }
        case ("*", _, _):
            if let s = a.stringValue, case .int(let n) = b.numeric { return .string(n > 0 ? String(repeating: s, count: n) : "") }
            if let s = b.stringValue, case .int(let n) = a.numeric { return .string(n > 0 ? String(repeating: s, count: n) : "") }
            if let l = a.listValue, case .int(let n) = b.numeric { return .list(Array((0..<max(n, 0)).map { _ in l }.joined())) }
            if let l = b.listValue, case .int(let n) = a.numeric { return .list(Array((0..<max(n, 0)).map { _ in l }.joined())) }
        case ("%", _, _):
            if let s = a.stringValue { return .string(try PyFormat.percent(s, b)) }
        default: break
        }
        let sym = op
        throw .runtime("unsupported operand type(s) for \(sym): '\(typeName(a))' and '\(typeName(b))'")
    }

    static func typeName(_ v: Value) -> String {
        if case .unsafe = v { return "_AnsibleTaggedStr" }
        if case .string = v { return "_AnsibleTaggedStr" }
        return v.pythonTypeName
    }

    static func numeric(_ op: String, _ x: PyNumber, _ y: PyNumber) throws(TemplateError) -> Value {
        if case .float = x { return try floatOp(op, x.asDouble, y.asDouble) }
        if case .float = y { return try floatOp(op, x.asDouble, y.asDouble) }
        if case .int(let a) = x, case .int(let b) = y {
            switch op {
            case "+": let (r, o) = a.addingReportingOverflow(b); if !o { return .int(r) }
            case "-": let (r, o) = a.subtractingReportingOverflow(b); if !o { return .int(r) }
            case "*": let (r, o) = a.multipliedReportingOverflow(by: b); if !o { return .int(r) }
            case "/":
                if b == 0 { throw .runtime("division by zero") }
                return .float(Double(a) / Double(b))
            case "//":
                if b == 0 { throw .runtime("integer division or modulo by zero") }
                if a == Int.min && b == -1 { break }
                var q = a / b
                if (a % b != 0) && ((a < 0) != (b < 0)) { q -= 1 }
                return .int(q)
            case "%":
                if b == 0 { throw .runtime("integer division or modulo by zero") }
                if b == -1 { return .int(0) }
                var m = a % b
                if m != 0 && ((m < 0) != (b < 0)) { m += b }
                return .int(m)
            default: break
            }
        }
        let a = x.asBigInt!, b = y.asBigInt!
        switch op {
        case "+": return .integer(a + b)
        case "-": return .integer(a - b)
        case "*": return .integer(a * b)
        case "/":
            if b == 0 { throw .runtime("division by zero") }
            return .float(Double(a) / Double(b))
        case "//", "%":
            if b == 0 { throw .runtime("integer division or modulo by zero") }
            var (q, r) = a.quotientAndRemainder(dividingBy: b)
            if r != 0 && ((r < 0) != (b < 0)) { q -= 1; r += b }
            return .integer(op == "//" ? q : r)
        case "**":
            if b < 0 { return try floatOp("**", Double(a), Double(b)) }
            guard let e = Int(exactly: b), e < 100_000 else { throw .runtime("exponent too large") }
            return .integer(a.power(e))
        default: throw .runtime("unsupported operand")
        }
    }

    static func floatOp(_ op: String, _ a: Double, _ b: Double) throws(TemplateError) -> Value {
        switch op {
        case "+": return .float(a + b)
        case "-": return .float(a - b)
        case "*": return .float(a * b)
        case "/":
            if b == 0 { throw .runtime("float division by zero") }
            return .float(a / b)
        case "//":
            if b == 0 { throw .runtime("float floor division by zero") }
            return .float((a / b).rounded(.down))
        case "%":
            if b == 0 { throw .runtime("float modulo") }
            var m = fmod(a, b)
            if m != 0 && ((m < 0) != (b < 0)) { m += b }
            return .float(m)
        case "**":
            if a == 0 && b < 0 { throw .runtime("0.0 cannot be raised to a negative power") }
            let r = pow(a, b)
            if r.isInfinite && a.isFinite && b.isFinite { throw .runtime("(34, 'Numerical result out of range')") }
            return .float(r)
        default: throw .runtime("unsupported operand")
        }
    }

    /// Python's slice semantics for a sequence of `count` items.
    static func sliceIndices(count n: Int, start: Int?, stop: Int?, step: Int) -> [Int] {
        func clamp(_ v: Int?, _ def: Int, lower: Int, upper: Int) -> Int {
            guard var x = v else { return def }
            if x < 0 { x += n }
            return min(max(x, lower), upper)
        }
        var out: [Int] = []
        if step > 0 {
            let a = clamp(start, 0, lower: 0, upper: n), b = clamp(stop, n, lower: 0, upper: n)
            var i = a
            while i < b { out.append(i); i += step }
        } else {
            let a = clamp(start, n - 1, lower: -1, upper: n - 1), b = clamp(stop, -1, lower: -1, upper: n - 1)
            var i = a
            while i > b { out.append(i); i += step }
        }
        return out
    }
}
