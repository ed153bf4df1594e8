import Core

/// Recursive-descent parser from tokens to `Node`s, following Jinja2's grammar and precedence.
struct Parser {
    var tokens: [Token]
    var i = 0
    var blocks: [String: [Node]] = [:]
    var extends: Expr? = nil

    init(tokens: [Token]) { self.tokens = tokens }

    static func parse(_ tokens: [Token]) throws(TemplateError) -> CompiledTemplate {
        var p = Parser(tokens: tokens)
        let body = try p.subparse(endTags: [])
        return CompiledTemplate(body: body, blocks: p.blocks, extends: p.extends)
    }

    /// Parses a bare expression (conditionals): the whole token list must be one expression.
    static func parseExpression(_ tokens: [Token]) throws(TemplateError) -> Expr {
        var p = Parser(tokens: tokens)
        let e = try p.expression()
        guard p.current == .eof else { throw TemplateError(.syntax, "Syntax error in expression: chunk after expression") }
        return e
    }

    var current: Token { tokens[i] }
    var peekNext: Token { i + 1 < tokens.count ? tokens[i + 1] : .eof }

    mutating func advance() -> Token {
        let t = tokens[i]
        if i < tokens.count - 1 { i += 1 }
        return t
    }

    func isOp(_ o: String) -> Bool { current == .op(o) }
    func isName(_ n: String) -> Bool { current == .name(n) }

    mutating func skipOp(_ o: String) -> Bool {
        if isOp(o) { i += 1; return true }
        return false
    }

    mutating func skipName(_ n: String) -> Bool {
        if isName(n) { i += 1; return true }
        return false
    }

    mutating func expectOp(_ o: String) throws(TemplateError) {
        guard skipOp(o) else { throw unexpected(expected: o) }
    }

    mutating func expect(_ t: Token) throws(TemplateError) {
        guard current == t else { throw unexpected(expected: t.describe) }
        _ = advance()
    }

    func unexpected(expected: String? = nil) -> TemplateError {
        if current == .eof {
            if let expected { return .syntax("unexpected end of template, expected '\(expected)'.") }
            return .syntax("unexpected 'end of template'")
        }
        if let expected { return .syntax("expected token '\(expected)', got '\(current.describe)'") }
        return .syntax("unexpected '\(current.describe)'")
    }

    mutating func expectName() throws(TemplateError) -> String {
        guard case .name(let n) = current else { throw unexpected(expected: "name") }
        _ = advance()
        return n
    }

    // MARK: statements

    /// Parses nodes until one of `endTags` starts a block (left unconsumed: current is that name).
    mutating func subparse(endTags: Set<String>) throws(TemplateError) -> [Node] {
        var body: [Node] = []
        while true {
            switch current {
            case .data(let s):
                _ = advance()
                body.append(.data(s))
            case .varBegin:
                _ = advance()
                if current == .varEnd { throw .syntax("Expected an expression, got 'end of print statement'") }
                let e = try tupleExpression()
                try expect(.varEnd)
                body.append(.output(e))
            case .blockBegin:
                _ = advance()
                if case .name(let tag) = current, endTags.contains(tag) { return body }
                if let node = try statement() { body.append(node) }
            case .eof:
                if !endTags.isEmpty {
                    throw .syntax("Unexpected end of template. Jinja was looking for the following tags: \(endTags.sorted().map { "'\($0)'" }.joined(separator: " or ")).")
                }
                return body
            default:
                throw unexpected()
            }
        }
    }

    mutating func endBlock() throws(TemplateError) { try expect(.blockEnd) }

    mutating func statement() throws(TemplateError) -> Node? {
        guard case .name(let tag) = current else { throw .syntax("tag name expected") }
        _ = advance()
        switch tag {
        case "if": return try parseIf()
        case "for": return try parseFor()
        case "set": return try parseSet()
        case "macro": return try parseMacro()
        case "call": return try parseCall()
        case "filter": return try parseFilterBlock()
        case "include": return try parseInclude()
        case "import": return try parseImport()
        case "from": return try parseFrom()
        case "with": return try parseWith()
        case "block": return try parseBlock()
        case "extends":
            let e = try expression()
            try endBlock()
            extends = e
            return nil
        case "autoescape":
            _ = try expression()
            try endBlock()
            let body = try subparse(endTags: ["endautoescape"])
            _ = advance(); try endBlock()
            return .with([], body: body)
        default:
            throw .syntax("Encountered unknown tag '\(tag)'.")
        }
    }

    mutating func parseIf() throws(TemplateError) -> Node {
        var branches: [(Expr, [Node])] = []
        var otherwise: [Node] = []
        var cond = try tupleExpression()
        try endBlock()
        while true {
            let body = try subparse(endTags: ["elif", "else", "endif"])
            let tag = try expectName()
            branches.append((cond, body))
            if tag == "elif" {
                cond = try tupleExpression()
                try endBlock()
                continue
            }
            try endBlock()
            if tag == "else" {
                otherwise = try subparse(endTags: ["endif"])
                _ = advance()
                try endBlock()
            }
            return .ifChain(branches, otherwise: otherwise)
        }
    }

    mutating func parseAssignTarget(allowAttribute: Bool = false) throws(TemplateError) -> Target {
        var names: [Target] = []
        repeat {
            let n = try expectName()
            if allowAttribute, skipOp(".") {
                return .attribute(n, try expectName())
            }
            names.append(.name(n))
        } while skipOp(",") && !isName("in") && !isOp("=")
        return names.count == 1 ? names[0] : .tuple(names)
    }

    mutating func parseFor() throws(TemplateError) -> Node {
        let target: Target
        if skipOp("(") {
            target = try parseAssignTarget()
            try expectOp(")")
        } else {
            target = try parseAssignTarget()
        }
        guard skipName("in") else { throw unexpected(expected: "in") }
        let iter = try tupleExpression(withCondExpr: false)
        var cond: Expr? = nil
        if skipName("if") { cond = try expression() }
        let recursive = skipName("recursive")
        try endBlock()
        let body = try subparse(endTags: ["endfor", "else"])
        var elseBody: [Node] = []
        if try expectName() == "else" {
            try endBlock()
            elseBody = try subparse(endTags: ["endfor"])
            _ = advance()
        }
        try endBlock()
        return .forLoop(ForLoop(target: target, iterable: iter, condition: cond, body: body, elseBody: elseBody, recursive: recursive))
    }

    mutating func parseSet() throws(TemplateError) -> Node {
        let target = try parseAssignTarget(allowAttribute: true)
        if skipOp("=") {
            let e = try tupleExpression()
            try endBlock()
            return .set(target, e)
        }
        var filter: Expr? = nil
        if isOp("|") { filter = try filterChain(nil) }
        try endBlock()
        let body = try subparse(endTags: ["endset"])
        _ = advance()
        try endBlock()
        return .setBlock(target, filter: filter, body: body)
    }

    mutating func parseParams() throws(TemplateError) -> [Param] {
        var params: [Param] = []
        try expectOp("(")
        while !isOp(")") {
            if !params.isEmpty { try expectOp(",") }
            if isOp(")") { break }
            let n = try expectName()
            var d: Expr? = nil
            if skipOp("=") { d = try expression() }
            params.append(Param(name: n, defaultValue: d))
        }
        try expectOp(")")
        return params
    }

    mutating func parseMacro() throws(TemplateError) -> Node {
        let name = try expectName()
        let params = try parseParams()
        try endBlock()
        let body = try subparse(endTags: ["endmacro"])
        _ = advance()
        try endBlock()
        return .macro(MacroDef(name: name, params: params, body: body))
    }

    mutating func parseCall() throws(TemplateError) -> Node {
        var params: [Param] = []
        if isOp("(") { params = try parseParams() }
        let call = try expression()
        guard case .call = call else { throw .syntax("expected call") }
        try endBlock()
        let body = try subparse(endTags: ["endcall"])
        _ = advance()
        try endBlock()
        return .callBlock(call: call, params: params, body: body)
    }

    mutating func parseFilterBlock() throws(TemplateError) -> Node {
        let chain = try filterChain(nil, first: true)
        try endBlock()
        let body = try subparse(endTags: ["endfilter"])
        _ = advance()
        try endBlock()
        return .filterBlock(chain, body: body)
    }

    mutating func parseContextModifier(default value: Bool) -> Bool {
        if (isName("with") || isName("without")) && peekNext == .name("context") {
            let with = isName("with")
            i += 2
            return with
        }
        return value
    }

    mutating func parseInclude() throws(TemplateError) -> Node {
        let e = try expression()
        var ignore = false
        if isName("ignore") && peekNext == .name("missing") { i += 2; ignore = true }
        let ctx = parseContextModifier(default: true)
        try endBlock()
        return .include(e, ignoreMissing: ignore, withContext: ctx)
    }

    mutating func parseImport() throws(TemplateError) -> Node {
        let e = try expression()
        guard skipName("as") else { throw unexpected(expected: "as") }
        let n = try expectName()
        let ctx = parseContextModifier(default: false)
        try endBlock()
        return .importAs(e, name: n, withContext: ctx)
    }

    mutating func parseFrom() throws(TemplateError) -> Node {
        let e = try expression()
        guard skipName("import") else { throw unexpected(expected: "import") }
        var names: [(String, String)] = []
        var ctx = false
        while true {
            if !names.isEmpty { guard skipOp(",") else { break } }
            if (isName("with") || isName("without")) && peekNext == .name("context") { ctx = parseContextModifier(default: false); break }
            guard case .name = current else { break }
            let n = try expectName()
            var alias = n
            if skipName("as") { alias = try expectName() }
            names.append((n, alias))
        }
        ctx = parseContextModifier(default: ctx)
        try endBlock()
        return .fromImport(e, names: names, withContext: ctx)
    }

    mutating func parseWith() throws(TemplateError) -> Node {
        var assigns: [(Target, Expr)] = []
        while current != .blockEnd {
            if !assigns.isEmpty { try expectOp(",") }
            let t = try parseAssignTarget()
            try expectOp("=")
            assigns.append((t, try expression()))
        }
        try endBlock()
        let body = try subparse(endTags: ["endwith"])
        _ = advance()
        try endBlock()
        return .with(assigns, body: body)
    }

    mutating func parseBlock() throws(TemplateError) -> Node {
        let name = try expectName()
        _ = skipName("scoped")
        _ = skipName("required")
        try endBlock()
        let body = try subparse(endTags: ["endblock"])
        _ = advance()
        if case .name = current { _ = advance() }
        try endBlock()
        blocks[name] = body
        return .block(name, body: body)
    }
}
