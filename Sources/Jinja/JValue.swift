import Core

/// A value while a template runs: a plain `Value`, raw variable data still holding templates
/// (`lazy`), Jinja's undefined, or one of Jinja's runtime objects (macros, loops, ranges, ...).
indirect enum JValue {
    case value(Value)
    /// Raw variable data: trusted strings inside are templates, rendered when read.
    case lazy(Value)
    case undefined(Undefined)
    case markup(String)
    case object(JObject)

    static var none: JValue { .value(.none) }
    static var omit: JValue { .value(Value.omitMarker) }
}

/// Jinja's undefined: a missing variable, attribute or item. `silent` ones (an `x if c` with no
/// else branch) render as an empty string inside text.
struct Undefined {
    var message: String
    var silent = false

    static func variable(_ name: String) -> Undefined { Undefined(message: "'\(name)' is undefined") }
}

/// Jinja runtime objects that are not plain data.
indirect enum JObject {
    case macro(Macro)
    case namespace(Namespace)
    case loop(LoopContext)
    case cycler(Cycler)
    case joiner(Joiner)
    case range(Int, Int, Int)
    /// A global function (`range`, `lookup`, `dict`, ...) called by name.
    case function(String)
    /// A method bound to its receiver (`'a,b'.split`).
    case method(JValue, String)
    /// An imported template's exported names (`{% import 'x' as m %}`).
    case module(Scope)
    case dictView(kind: String, Value)

    var typeName: String {
        switch self {
        case .macro: return "Macro"
        case .namespace: return "Namespace"
        case .loop: return "LoopContext"
        case .cycler: return "Cycler"
        case .joiner: return "Joiner"
        case .range: return "range"
        case .function: return "function"
        case .method: return "builtin_function_or_method"
        case .module: return "TemplateModule"
        case .dictView(let k, _): return "dict_" + k
        }
    }
}

/// A variable scope of a render: `set` targets, loop variables, macro arguments.
final class Scope {
    var vars: [String: JValue] = [:]
    let parent: Scope?
    init(parent: Scope?) { self.parent = parent }

    func lookup(_ name: String) -> JValue? {
        var s: Scope? = self
        while let cur = s {
            if let v = cur.vars[name] { return v }
            s = cur.parent
        }
        return nil
    }
}

final class Macro {
    let def: MacroDef
    let closure: Scope
    let template: TemplateContext
    var caller: JValue? = nil
    init(def: MacroDef, closure: Scope, template: TemplateContext) {
        self.def = def
        self.closure = closure
        self.template = template
    }
}

final class Namespace {
    var attrs = PyDict()
}

final class LoopContext {
    var items: [JValue]
    var index0 = 0
    var depth0: Int
    let recurse: ((JValue, Int) throws(TemplateError) -> JValue)?
    init(items: [JValue], depth0: Int, recurse: ((JValue, Int) throws(TemplateError) -> JValue)?) {
        self.items = items
        self.depth0 = depth0
        self.recurse = recurse
    }
}

final class Cycler {
    let items: [JValue]
    var pos = 0
    init(items: [JValue]) { self.items = items }
}

final class Joiner {
    let sep: String
    var used = false
    init(sep: String) { self.sep = sep }
}

extension Value {
    /// Ansible's `omit` placeholder. It vanishes from lists and dict values when a template's
    /// result is stored, and a template resolving to it alone raises AnsibleValueOmittedError.
    public static let omitMarker = Value.unsafe("\u{1}<<Omit>>\u{1}")

    public var isOmit: Bool {
        if case .unsafe(let s) = self { return s == "\u{1}<<Omit>>\u{1}" }
        return false
    }
}
