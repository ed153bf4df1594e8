import Core
import Foundation

typealias FilterFunction = @Sendable (Renderer, JValue, Arguments) throws(TemplateError) -> JValue

/// The filter table: Jinja2's built-ins plus ansible-core's, by short name (FQCNs are
/// reduced to their last component).
enum Filters {
    static let table: [String: FilterFunction] = {
        var t: [String: FilterFunction] = [:]
        CoreFilters.register(&t)
        DataFilters.register(&t)
        AnsibleFilters.register(&t)
        return t
    }()
}

/// Argument helpers shared by filters and tests.
extension Renderer {
    func str(_ v: JValue) throws(TemplateError) -> String {
        let x = try concrete(v)
        if x.isNone { return "None" }
        return Self.pyStr(x)
    }

    func strArg(_ a: Arguments, _ i: Int, _ name: String, _ def: String) throws(TemplateError) -> String {
        guard let v = a.get(i, name) else { return def }
        return try str(v)
    }

    func intArg(_ a: Arguments, _ i: Int, _ name: String, _ def: Int) throws(TemplateError) -> Int {
        guard let v = a.get(i, name) else { return def }
        let x = try concrete(v)
        switch x {
        case .int(let n): return n
        case .bool(let b): return b ? 1 : 0
        default: throw .plugin("'\(x.pythonTypeName)' object cannot be interpreted as an integer")
        }
    }

    func boolArg(_ a: Arguments, _ i: Int, _ name: String, _ def: Bool) throws(TemplateError) -> Bool {
        guard let v = a.get(i, name) else { return def }
        return try truthy(v)
    }

    func list(_ v: JValue) throws(TemplateError) -> [Value] {
        try iterate(v).map { x throws(TemplateError) in try concrete(x) }
    }

    /// Jinja's `make_attrgetter`: dotted paths, integer components index lists.
    func attrPath(_ item: JValue, _ path: String) throws(TemplateError) -> JValue {
        var cur = item
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            if let n = Int(part) {
                let next = try self.item(cur, .value(.int(n)))
                cur = next
            } else {
                cur = try self.item(cur, .value(.string(String(part))))
            }
        }
        return cur
    }

    func sortKey(_ v: Value, caseSensitive: Bool) -> Value {
        if !caseSensitive, let s = v.stringValue { return .string(s.lowercased()) }
        return v
    }

    func pySorted(_ items: [Value], key: (Value) throws(TemplateError) -> Value, reverse: Bool) throws(TemplateError) -> [Value] {
        let keyed = try items.map { x throws(TemplateError) in (try key(x), x) }
        var failure: TemplateError? = nil
        let sorted = keyed.enumerated().sorted { a, b in
            guard let c = a.element.0.pythonCompare(b.element.0) else {
                if failure == nil {
                    failure = .plugin("'<' not supported between instances of '\(b.element.0.pythonTypeName == "_AnsibleTaggedStr" ? "str" : b.element.0.pythonTypeName)' and '\(a.element.0.pythonTypeName == "_AnsibleTaggedStr" ? "str" : a.element.0.pythonTypeName)'")
                }
                return a.offset < b.offset
            }
            if c == .orderedSame { return a.offset < b.offset }
            return reverse ? c == .orderedDescending : c == .orderedAscending
        }
        if let failure { throw failure }
        return sorted.map { $0.element.1 }
    }
}

/// Wraps a filter closure. (Assigning a typed-throws closure literal straight into a dictionary
/// subscript crashes the Swift 6.3 compiler; passing it through a function does not.)
func plugin(_ f: @escaping FilterFunction) -> FilterFunction { f }

/// Wraps a test closure (see the filter overload).
func plugin(_ f: @escaping TestFunction) -> TestFunction { f }
