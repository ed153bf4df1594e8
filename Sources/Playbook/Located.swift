import Core
import YAML

/// A loaded value together with the YAML node it came from, so that every error can name the
/// file, line and column of the offending key or item.
struct Located {
    var value: Value
    var node: YAMLNode?
    var file: String

    var location: SourceLocation { node?.location ?? SourceLocation(file: file) }

    var dict: PyDict? { value.dictValue }

    /// The mapping's keys with their own locations, in file order (merged keys have none).
    var keys: [(key: String, location: SourceLocation)] {
        guard let d = value.dictValue else { return [] }
        return d.keys.map { ($0.pythonString, keyLocation($0.pythonString)) }
    }

    func keyLocation(_ key: String) -> SourceLocation {
        if case .mapping(let pairs)? = node?.content,
           let pair = pairs.last(where: { $0.key.scalarText == key }) {
            return pair.key.location
        }
        return location
    }

    func child(_ key: String) -> Located? {
        guard let v = value.dictValue?[key] else { return nil }
        var childNode: YAMLNode? = nil
        if case .mapping(let pairs)? = node?.content {
            childNode = pairs.last(where: { $0.key.scalarText == key })?.value
        }
        return Located(value: v, node: childNode, file: file)
    }

    var items: [Located] {
        guard let list = value.listValue else { return [] }
        var nodes: [YAMLNode] = []
        if case .sequence(let n)? = node?.content, n.count == list.count { nodes = n }
        return list.enumerated().map { Located(value: $0.element, node: nodes.isEmpty ? nil : nodes[$0.offset], file: file) }
    }
}
