import Core

/// Call arguments: positional, keyword, `*args` and `**kwargs`.
struct CallArgs: Sendable {
    var positional: [Expr] = []
    var keywords: [(String, Expr)] = []
    var star: Expr? = nil
    var doubleStar: Expr? = nil
}

/// A Jinja expression.
indirect enum Expr: Sendable {
    case const(Value)
    case name(String)
    case list([Expr])
    case tuple([Expr])
    case dict([(Expr, Expr)])
    case getattr(Expr, String)
    case getitem(Expr, Expr)
    case slice(Expr?, Expr?, Expr?)
    case call(Expr, CallArgs)
    /// A filter application; the base is nil inside `{% filter %}` blocks and `set` blocks.
    case filter(Expr?, String, CallArgs)
    case test(Expr, String, CallArgs, negated: Bool)
    case unary(String, Expr)
    case binary(String, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case compare(Expr, [(String, Expr)])
    case conditional(test: Expr, then: Expr, otherwise: Expr?)
}

/// An assignment target of `set`/`for`/`with`.
indirect enum Target: Sendable {
    case name(String)
    case tuple([Target])
    case attribute(String, String)
}

/// A macro parameter with an optional default.
struct Param: Sendable {
    var name: String
    var defaultValue: Expr?
}

struct ForLoop: Sendable {
    var target: Target
    var iterable: Expr
    var condition: Expr?
    var body: [Node]
    var elseBody: [Node]
    var recursive: Bool
}

struct MacroDef: Sendable {
    var name: String
    var params: [Param]
    var body: [Node]
}

/// A template statement.
indirect enum Node: Sendable {
    case data(String)
    case output(Expr)
    case ifChain([(Expr, [Node])], otherwise: [Node])
    case forLoop(ForLoop)
    case set(Target, Expr)
    case setBlock(Target, filter: Expr?, body: [Node])
    case macro(MacroDef)
    case callBlock(call: Expr, params: [Param], body: [Node])
    case filterBlock(Expr, body: [Node])
    case include(Expr, ignoreMissing: Bool, withContext: Bool)
    case importAs(Expr, name: String, withContext: Bool)
    case fromImport(Expr, names: [(String, String)], withContext: Bool)
    case with([(Target, Expr)], body: [Node])
    case block(String, body: [Node])
    case extends(Expr)
}

/// A parsed template: its statements, plus what Ansible needs to know about its source.
struct CompiledTemplate: Sendable {
    var body: [Node]
    var blocks: [String: [Node]]
    var extends: Expr?
}
