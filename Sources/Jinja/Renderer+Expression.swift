import Core
import BigInt

/// Evaluated call arguments.
struct Arguments {
    var positional: [JValue] = []
    var keywords: [(String, JValue)] = []

    func keyword(_ name: String) -> JValue? { keywords.first { $0.0 == name }?.1 }

    /// The argument at `index`, or the keyword `name`.
    func get(_ index: Int, _ name: String) -> JValue? {
        if index < positional.count { return positional[index] }
        return keyword(name)
    }
}

extension Renderer {
    func eval(_ e: Expr) throws(TemplateError) -> JValue {
        switch e {
        case .const(let v):
            if state.templateConstStrings, case .string(let s) = v, TemplateEngine.containsTemplateSyntax(s) {
                return try resolve(.lazy(v))
            }
            return .value(v)
        case .name(let n):
            return lookupName(n) ?? .undefined(.variable(n))
        case .list(let items):
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try concreteKeepingOmit(try eval(item))) }
            return .value(.list(out))
        case .tuple(let items):
            var out: [Value] = []
            for item in items { out.append(try concreteKeepingOmit(try eval(item))) }
            return .value(.tuple(out))
        case .dict(let pairs):
            var d = PyDict()
            for (k, v) in pairs {
                let key = try concrete(try eval(k))
                if case .list = key { throw .runtime("unhashable type: 'list'") }
                if case .dict = key { throw .runtime("unhashable type: 'dict'") }
                d[key] = try concreteKeepingOmit(try eval(v))
            }
            return .value(.dict(d))
        case .getattr(let base, let name):
            return try attribute(try eval(base), name)
        case .getitem(let base, let key):
            let b = try eval(base)
            if case .slice(let start, let stop, let step) = key {
                return try slice(b, try start.map { x throws(TemplateError) in try eval(x) }, try stop.map { x throws(TemplateError) in try eval(x) }, try step.map { x throws(TemplateError) in try eval(x) })
            }
            return try item(b, try eval(key))
        case .slice:
            throw .runtime("slice outside subscript")
        case .call(let callee, let args):
            if case .getattr(.name(let n), let m) = callee, PyMethods.mutators.contains(m),
               let r = try callMutator(n, m, try evalArgs(args)) {
                return r
            }
            let f = try eval(callee)
            if case .undefined(let u) = f { throw .undefined(u.message) }
            return try callValue(f, try evalArgs(args))
        case .filter(let base, let name, let args):
            let input = try base.map { x throws(TemplateError) in try eval(x) } ?? .none
            return try applyFilter(name, input, args)
        case .test(let base, let name, let args, let negated):
            let r = try applyTest(name, try eval(base), try evalArgs(args))
            return .value(.bool(negated ? !r : r))
        case .unary(let op, let operand):
            return try unary(op, try eval(operand))
        case .binary(let op, let l, let r):
            return try binary(op, try eval(l), try eval(r))
        case .and(let l, let r):
            let lv = try resolve(try eval(l))
            return try truthy(lv) ? try eval(r) : lv
        case .or(let l, let r):
            let lv = try resolve(try eval(l))
            return try truthy(lv) ? lv : try eval(r)
        case .compare(let first, let ops):
            var left = try eval(first)
            for (op, rhsExpr) in ops {
                let right = try eval(rhsExpr)
                guard try compare(op, left, right) else { return .value(.bool(false)) }
                left = right
            }
            return .value(.bool(true))
        case .conditional(let test, let then, let otherwise):
            if try truthy(try eval(test)) { return try eval(then) }
            if let otherwise { return try eval(otherwise) }
            return .undefined(Undefined(message: "the inline if-expression on line 1 evaluated to false and no else section was defined.", silent: true))
        }
    }

    func evalArgs(_ args: CallArgs) throws(TemplateError) -> Arguments {
        var a = Arguments()
        for p in args.positional { a.positional.append(try eval(p)) }
        if let star = args.star { a.positional += try iterate(try eval(star)) }
        for (k, v) in args.keywords { a.keywords.append((k, try eval(v))) }
        if let ds = args.doubleStar, let d = try concrete(try eval(ds)).dictValue {
            for (k, v) in d.items { a.keywords.append((k.pythonString, .value(v))) }
        }
        return a
    }

    /// Looks a name up: template locals, then template-module vars, then the host's variables
    /// (raw, templated lazily), then Jinja and Ansible globals.
    func lookupName(_ n: String) -> JValue? {
        if let v = scope.lookup(n) { return v }
        if let v = state.extraVars[n] { return .value(v) }
        if let v = state.vars.value(named: n) { return .lazy(v) }
        switch n {
        case "omit": return .omit
        case "range", "dict", "lookup", "query", "q", "namespace", "cycler", "joiner", "undef", "lipsum", "zip", "now":
            return .object(.function(n))
        default: return nil
        }
    }

    func truthy(_ v: JValue) throws(TemplateError) -> Bool {
        switch try resolve(v) {
        case .value(let x), .lazy(let x): return x.isTruthy
        case .undefined(let u): throw .undefined(u.message)
        case .markup(let s): return !s.isEmpty
        case .object(let o):
            if case .range(let a, let b, let s) = o { return !rangeValues(a, b, s).isEmpty }
            return true
        }
    }

    func unary(_ op: String, _ v: JValue) throws(TemplateError) -> JValue {
        if op == "not" { return .value(.bool(!(try truthy(v)))) }
        let x = try concrete(v)
        guard let n = x.numeric else {
            throw .runtime("bad operand type for unary \(op): '\(x.pythonTypeName)'")
        }
        if op == "+" { return .value(n.value) }
        switch n {
        case .int(let i):
            if i == Int.min { return .value(.integer(-BigInt(i))) }
            return .value(.int(-i))
        case .big(let b): return .value(.integer(-b))
        case .float(let f): return .value(.float(-f))
        }
    }

    func binary(_ op: String, _ l: JValue, _ r: JValue) throws(TemplateError) -> JValue {
        if op == "~" { return .value(.string(try text(l, concat: true) + text(r, concat: true))) }
        let a = try concrete(l), b = try concrete(r)
        return .value(try PyOps.binary(op, a, b))
    }

    func compare(_ op: String, _ l: JValue, _ r: JValue) throws(TemplateError) -> Bool {
        switch op {
        case "in", "notin":
            let found = try contains(r, l)
            return op == "in" ? found : !found
        case "==", "!=":
            let a = try concreteKeepingOmit(l), b = try concreteKeepingOmit(r)
            return op == "==" ? a == b : a != b
        default:
            let a = try concrete(l), b = try concrete(r)
            guard let c = a.pythonCompare(b) else {
                throw .runtime("'\(op)' not supported between instances of '\(a.pythonTypeName)' and '\(b.pythonTypeName)'")
            }
            switch op {
            case "<": return c == .orderedAscending
            case ">": return c == .orderedDescending
            case "<=": return c != .orderedDescending
            default: return c != .orderedAscending
            }
        }
    }

    /// Python's `needle in haystack`; lazy containers are only rendered as far as needed.
    func contains(_ haystack: JValue, _ needle: JValue) throws(TemplateError) -> Bool {
        let h = try resolve(haystack)
        let n = try concrete(needle)
        switch h {
        case .lazy(.dict(let d)), .value(.dict(let d)): return d.contains(n)
        case .lazy(.list(let items)), .lazy(.tuple(let items)):
            for item in items where try concrete(.lazy(item)) == n { return true }
            return false
        case .value(.list(let items)), .value(.tuple(let items)): return items.contains(n)
        case .value(.string(let s)), .value(.unsafe(let s)), .markup(let s):
            guard let sub = n.stringValue else { throw .runtime("'in <string>' requires string as left operand, not \(n.pythonTypeName)") }
            return sub.isEmpty || s.contains(sub)
        case .undefined(let u): throw .undefined(u.message)
        case .value(let x): throw .runtime("argument of type '\(x.pythonTypeName)' is not iterable")
        default:
            return try iterate(h).contains { v in (try? concrete(v)) == n }
        }
    }
}
