import Core

/// A node of a YAML document as libyaml reported it, with its position in the file.
///
/// Nodes are reference types so that an alias is the very node its anchor marked, as in
/// PyYAML's composer; `YAMLConstructor` builds each shared node once.
public final class YAMLNode: Sendable {
    public enum ScalarStyle: Sendable { case plain, singleQuoted, doubleQuoted, literal, folded }

    public struct Pair: Sendable {
        public let key: YAMLNode
        public let value: YAMLNode
    }

    public enum Content: Sendable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([Pair])
    }

    public let content: Content
    /// The explicit tag as libyaml expanded it (`tag:yaml.org,2002:int`, `!unsafe`), or nil.
    public let tag: String?
    public let location: SourceLocation
    public let anchor: String?
    /// Nodes in this subtree, counting each alias again as often as it is used, capped; used
    /// to refuse alias bombs ("billion laughs") before they are expanded.
    public let expandedSize: Int

    init(content: Content, tag: String?, location: SourceLocation, anchor: String?) {
        self.content = content
        self.tag = tag
        self.location = location
        self.anchor = anchor
        var size = 1
        switch content {
        case .scalar: break
        case .sequence(let items): for n in items { size = Self.cappedAdd(size, n.expandedSize) }
        case .mapping(let pairs):
            for p in pairs { size = Self.cappedAdd(Self.cappedAdd(size, p.key.expandedSize), p.value.expandedSize) }
        }
        expandedSize = size
    }

    static let sizeCap = Int.max / 4
    static func cappedAdd(_ a: Int, _ b: Int) -> Int { min(sizeCap, a + b) }

    /// The scalar text, or nil for a collection.
    public var scalarText: String? { if case .scalar(let s, _) = content { return s } else { return nil } }

    /// The YAML kind name as PyYAML's messages say it: `scalar`, `sequence`, `mapping`.
    public var kindName: String {
        switch content {
        case .scalar: return "scalar"
        case .sequence: return "sequence"
        case .mapping: return "mapping"
        }
    }
}
