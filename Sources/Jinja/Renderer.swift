import Core
import Foundation

/// Executes a compiled template's statements, collecting output chunks so a template that is
/// a single `{{ expression }}` can keep the expression's native type (Ansible's native Jinja).
final class Renderer {
    let state: RenderState
    var ctx: TemplateContext
    var scope: Scope
    var out: [JValue] = []

    init(state: RenderState, ctx: TemplateContext, scope: Scope) {
        self.state = state
        self.ctx = ctx
        self.scope = scope
    }

    func render(_ nodes: [Node]) throws(TemplateError) {
        for node in nodes { try execute(node) }
    }

    /// Renders nodes into a separate chunk list (macro bodies, block sets, filter blocks).
    func capture(_ nodes: [Node], scope newScope: Scope? = nil) throws(TemplateError) -> [JValue] {
        let savedOut = out, savedScope = scope
        out = []
        if let newScope { scope = newScope }
        defer { out = savedOut; scope = savedScope }
        try render(nodes)
        return out
    }

    func execute(_ node: Node) throws(TemplateError) {
        switch node {
        case .data(let s): out.append(.value(.string(s)))
        case .output(let e): out.append(try eval(e))
        case .ifChain(let branches, let otherwise):
            for (cond, body) in branches where try truthy(try eval(cond)) {
                try render(body)
                return
            }
            try render(otherwise)
        case .forLoop(let loop): try executeFor(loop)
        case .set(let target, let e): try assign(target, try eval(e))
        case .setBlock(let target, let filter, let body):
            let chunks = try capture(body, scope: Scope(parent: scope))
            var v = JValue.value(.string(try chunks.map { c throws(TemplateError) in try text(c) }.joined()))
            if let filter { v = try applyFilterChain(filter, to: v) }
            try assign(target, v)
        case .macro(let def):
            scope.vars[def.name] = .object(.macro(Macro(def: def, closure: scope, template: ctx)))
        case .callBlock(let call, let params, let body):
            try executeCallBlock(call, params: params, body: body)
        case .filterBlock(let chain, let body):
            let chunks = try capture(body, scope: Scope(parent: scope))
            let v = JValue.value(.string(try chunks.map { c throws(TemplateError) in try text(c) }.joined()))
            out.append(try applyFilterChain(chain, to: v))
        case .include(let e, let ignore, let withContext):
            try executeInclude(e, ignoreMissing: ignore, withContext: withContext)
        case .importAs(let e, let name, let withContext):
            scope.vars[name] = .object(.module(try importModule(e, withContext: withContext)))
        case .fromImport(let e, let names, let withContext):
            let module = try importModule(e, withContext: withContext)
            for (name, alias) in names {
                guard let v = module.vars[name] else {
                    throw TemplateError(.undefinedVariable, "the template does not export the requested name '\(name)'")
                }
                scope.vars[alias] = v
            }
        case .with(let assigns, let body):
            let inner = Scope(parent: scope)
            for (t, e) in assigns {
                let v = try eval(e)
                try bind(t, v, into: inner)
            }
            _ = try withScope(inner) { () throws(TemplateError) in try render(body) }
        case .block(let name, let body):
            let chain = ctx.blocks[name] ?? [body]
            try renderBlock(name: name, chain: chain, level: 0)
        case .extends:
            break
        }
    }

    func renderBlock(name: String, chain: [[Node]], level: Int) throws(TemplateError) {
        let inner = Scope(parent: scope)
        if level + 1 < chain.count {
            inner.vars["super"] = .object(.function("super:\(name):\(level + 1)"))
        }
        try withScope(inner) { () throws(TemplateError) in try render(chain[level]) }
    }

    func withScope<T>(_ s: Scope, _ body: () throws(TemplateError) -> T) throws(TemplateError) -> T {
        let saved = scope
        scope = s
        defer { scope = saved }
        return try body()
    }

    func assign(_ target: Target, _ value: JValue) throws(TemplateError) {
        if case .attribute(let obj, let attr) = target {
            guard case .object(.namespace(let ns))? = lookupName(obj) else {
                throw TemplateError.runtime("cannot assign attribute on non-namespace object")
            }
            ns.attrs[.string(attr)] = try concreteForStorage(value)
            return
        }
        try bind(target, value, into: scope)
    }

    func bind(_ target: Target, _ value: JValue, into s: Scope) throws(TemplateError) {
        switch target {
        case .name(let n): s.vars[n] = value
        case .attribute: try assign(target, value)
        case .tuple(let targets):
            let items = try iterate(value)
            if items.count > targets.count { throw .runtime("too many values to unpack (expected \(targets.count))") }
            if items.count < targets.count { throw .runtime("not enough values to unpack (expected \(targets.count), got \(items.count))") }
            for (t, v) in zip(targets, items) { try bind(t, v, into: s) }
        }
    }

    /// Values stored into namespaces keep Jinja objects out; plain data is resolved.
    func concreteForStorage(_ v: JValue) throws(TemplateError) -> Value {
        try concrete(v)
    }

    func executeFor(_ loop: ForLoop) throws(TemplateError) {
        try runLoop(loop, iterable: try eval(loop.iterable), depth0: 0)
    }

    @discardableResult
    func runLoop(_ loop: ForLoop, iterable: JValue, depth0: Int) throws(TemplateError) -> Bool {
        var items = try iterate(iterable)
        let outer = scope
        if let cond = loop.condition {
            var kept: [JValue] = []
            for item in items {
                let s = Scope(parent: outer)
                try bind(loop.target, item, into: s)
                if try withScope(s, { () throws(TemplateError) in try truthy(try eval(cond)) }) { kept.append(item) }
            }
            items = kept
        }
        if items.isEmpty {
            try render(loop.elseBody)
            return false
        }
        var recurse: ((JValue, Int) throws(TemplateError) -> JValue)? = nil
        if loop.recursive {
            recurse = { [unowned self] (v: JValue, d: Int) throws(TemplateError) -> JValue in
                let saved = self.out
                self.out = []
                defer { self.out = saved }
                try self.withScope(outer) { () throws(TemplateError) in try self.runLoop(loop, iterable: v, depth0: d) }
                return .value(.string(try self.out.map { c throws(TemplateError) in try self.text(c) }.joined()))
            }
        }
        let ctxLoop = LoopContext(items: items, depth0: depth0, recurse: recurse)
        for (n, item) in items.enumerated() {
            ctxLoop.index0 = n
            let s = Scope(parent: outer)
            s.vars["loop"] = .object(.loop(ctxLoop))
            try bind(loop.target, item, into: s)
            try withScope(s) { () throws(TemplateError) in try render(loop.body) }
        }
        return true
    }

    func executeCallBlock(_ call: Expr, params: [Param], body: [Node]) throws(TemplateError) {
        guard case .call(let calleeExpr, let args) = call else { return }
        let callee = try eval(calleeExpr)
        let callerDef = MacroDef(name: "caller", params: params, body: body)
        let caller = JValue.object(.macro(Macro(def: callerDef, closure: scope, template: ctx)))
        out.append(try callValue(callee, try evalArgs(args), caller: caller))
    }
}
