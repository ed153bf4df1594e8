import Core

extension Parser {
    /// An expression, or a bare tuple `a, b` where Jinja allows one (print and set statements).
    mutating func tupleExpression(withCondExpr: Bool = true) throws(TemplateError) -> Expr {
        var items: [Expr] = []
        var sawComma = false
        while true {
            if !items.isEmpty {
                guard skipOp(",") else { break }
                sawComma = true
                if current == .varEnd || current == .blockEnd || isOp(")") || current == .eof { break }
                if isName("if") && !withCondExpr { break }
            }
            items.append(withCondExpr ? try expression() : try orExpr())
        }
        if !sawComma && items.count == 1 { return items[0] }
        return .tuple(items)
    }

    mutating func expression() throws(TemplateError) -> Expr {
        let e = try orExpr()
        if skipName("if") {
            let test = try orExpr()
            var otherwise: Expr? = nil
            if skipName("else") { otherwise = try expression() }
            return .conditional(test: test, then: e, otherwise: otherwise)
        }
        return e
    }

    mutating func orExpr() throws(TemplateError) -> Expr {
        var l = try andExpr()
        while skipName("or") { l = .or(l, try andExpr()) }
        return l
    }

    mutating func andExpr() throws(TemplateError) -> Expr {
        var l = try notExpr()
        while skipName("and") { l = .and(l, try notExpr()) }
        return l
    }

    mutating func notExpr() throws(TemplateError) -> Expr {
        if skipName("not") { return .unary("not", try notExpr()) }
        return try compareExpr()
    }

    mutating func compareExpr() throws(TemplateError) -> Expr {
        let l = try math1()
        var ops: [(String, Expr)] = []
        while true {
            if case .op(let o) = current, ["==", "!=", "<", ">", "<=", ">="].contains(o) {
                _ = advance()
                ops.append((o, try math1()))
            } else if skipName("in") {
                ops.append(("in", try math1()))
            } else if isName("not") && peekNext == .name("in") {
                i += 2
                ops.append(("notin", try math1()))
            } else {
                break
            }
        }
        return ops.isEmpty ? l : .compare(l, ops)
    }

    mutating func math1() throws(TemplateError) -> Expr {
        var l = try concatExpr()
        while case .op(let o) = current, o == "+" || o == "-" {
            _ = advance()
            l = .binary(o, l, try concatExpr())
        }
        return l
    }

    mutating func concatExpr() throws(TemplateError) -> Expr {
        var l = try math2()
        while skipOp("~") { l = .binary("~", l, try math2()) }
        return l
    }

    mutating func math2() throws(TemplateError) -> Expr {
        var l = try powExpr()
        while case .op(let o) = current, o == "*" || o == "/" || o == "//" || o == "%" {
            _ = advance()
            l = .binary(o, l, try powExpr())
        }
        return l
    }

    /// `**` is left-associative in Jinja (`2 ** 3 ** 2` is 64) and binds looser than unary minus.
    mutating func powExpr() throws(TemplateError) -> Expr {
        var l = try unary()
        while skipOp("**") { l = .binary("**", l, try unary()) }
        return l
    }

    mutating func unary(withFilter: Bool = true) throws(TemplateError) -> Expr {
        var node: Expr
        if skipOp("-") {
            node = .unary("-", try unary(withFilter: false))
        } else if skipOp("+") {
            node = .unary("+", try unary(withFilter: false))
        } else {
            node = try postfix(try primary())
        }
        if withFilter { node = try filterExpr(node) }
        return node
    }

    mutating func primary() throws(TemplateError) -> Expr {
        let t = current
        switch t {
        case .name(let n):
            _ = advance()
            switch n {
            case "true", "True": return .const(.bool(true))
            case "false", "False": return .const(.bool(false))
            case "none", "None": return .const(.none)
            default: return .name(n)
            }
        case .string(var s):
            _ = advance()
            while case .string(let more) = current { s += more; _ = advance() }
            return .const(.string(s))
        case .integer(let v): _ = advance(); return .const(v)
        case .float(let f): _ = advance(); return .const(.float(f))
        case .op("("):
            _ = advance()
            if skipOp(")") { return .tuple([]) }
            let e = try tupleExpression()
            try expectOp(")")
            return e
        case .op("["):
            _ = advance()
            var items: [Expr] = []
            while !isOp("]") {
                if !items.isEmpty { try expectOp(",") }
                if isOp("]") { break }
                items.append(try expression())
            }
            try expectOp("]")
            return .list(items)
        case .op("{"):
            _ = advance()
            var pairs: [(Expr, Expr)] = []
            while !isOp("}") {
                if !pairs.isEmpty { try expectOp(",") }
                if isOp("}") { break }
                let k = try expression()
                try expectOp(":")
                pairs.append((k, try expression()))
            }
            try expectOp("}")
            return .dict(pairs)
        case .varEnd, .blockEnd:
            throw .syntax("Expected an expression, got '\(t.describe)'")
        default:
            throw unexpected()
        }
    }

    mutating func postfix(_ base: Expr) throws(TemplateError) -> Expr {
        var node = base
        while true {
            if skipOp(".") {
                switch current {
                case .name(let n): _ = advance(); node = .getattr(node, n)
                case .integer(let v): _ = advance(); node = .getitem(node, .const(v))
                default: throw unexpected(expected: "name")
                }
            } else if skipOp("[") {
                var items: [Expr] = []
                while !isOp("]") {
                    if !items.isEmpty { try expectOp(",") }
                    items.append(try subscriptItem())
                }
                try expectOp("]")
                node = .getitem(node, items.count == 1 ? items[0] : .tuple(items))
            } else if isOp("(") {
                node = .call(node, try callArgs())
            } else {
                return node
            }
        }
    }

    mutating func subscriptItem() throws(TemplateError) -> Expr {
        var start: Expr? = nil
        if !isOp(":") {
            start = try expression()
            if !isOp(":") { return start! }
        }
        _ = advance()
        var stop: Expr? = nil, step: Expr? = nil
        if !isOp("]") && !isOp(",") && !isOp(":") { stop = try expression() }
        if skipOp(":") {
            if !isOp("]") && !isOp(",") { step = try expression() }
        }
        return .slice(start, stop, step)
    }

    mutating func callArgs() throws(TemplateError) -> CallArgs {
        try expectOp("(")
        var args = CallArgs()
        var first = true
        while !isOp(")") {
            if !first { try expectOp(",") ; if isOp(")") { break } }
            first = false
            if skipOp("*") { args.star = try expression(); continue }
            if skipOp("**") { args.doubleStar = try expression(); continue }
            if case .name(let n) = current, peekNext == .op("=") {
                i += 2
                args.keywords.append((n, try expression()))
                continue
            }
            args.positional.append(try expression())
        }
        try expectOp(")")
        return args
    }

    mutating func filterExpr(_ base: Expr) throws(TemplateError) -> Expr {
        var node = base
        while true {
            if isOp("|") {
                node = try filterChain(node)
            } else if skipName("is") {
                node = try testExpr(node)
            } else if isOp("(") {
                node = .call(node, try callArgs())
            } else {
                return node
            }
        }
    }

    /// `| name(args) | name ...`; with `first`, the leading `|` is absent (filter blocks).
    mutating func filterChain(_ base: Expr?, first: Bool = false) throws(TemplateError) -> Expr {
        var node = base
        var needPipe = !first
        while true {
            if needPipe { guard skipOp("|") else { break } }
            needPipe = true
            var name = try expectName()
            while skipOp(".") { name += "." + (try expectName()) }
            let args = isOp("(") ? try callArgs() : CallArgs()
            node = .filter(node, name, args)
            if base != nil || !first { if !isOp("|") { break } }
        }
        return node!
    }

    mutating func testExpr(_ base: Expr) throws(TemplateError) -> Expr {
        let negated = skipName("not")
        var name = try expectName()
        while skipOp(".") { name += "." + (try expectName()) }
        var args = CallArgs()
        if isOp("(") {
            args = try callArgs()
        } else {
            switch current {
            case .name(let n) where !["else", "or", "and", "if", "is", "in", "not"].contains(n):
                args.positional = [try postfix(try primary())]
            case .string, .integer, .float, .op("["), .op("{"):
                args.positional = [try postfix(try primary())]
            default: break
            }
        }
        return .test(base, name, args, negated: negated)
    }
}
