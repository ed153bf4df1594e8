import BigInt
import Core
import Foundation

/// Builds `Value`s from YAML nodes exactly as PyYAML's `SafeConstructor` with Ansible's
/// additions: YAML 1.1 implicit typing of plain scalars, merge keys, `!unsafe` and `!vault`.
public struct YAMLConstructor {
    /// Duplicate mapping keys found along the way ("last one wins", as in Ansible).
    public private(set) var warnings: [Diagnostic] = []
    /// Whether Ansible's tags (`!unsafe`, `!vault`) are accepted. PyYAML's safe_load rejects them.
    public var ansibleTags = true
    /// Expanded node count beyond which alias use is refused as an alias bomb.
    public var maxExpandedNodes = 5_000_000

    private var built: [ObjectIdentifier: Value] = [:]

    public init(ansibleTags: Bool = true) { self.ansibleTags = ansibleTags }

    static let yamlTag = "tag:yaml.org,2002:"

    public mutating func construct(_ node: YAMLNode) throws(Diagnostic) -> Value {
        if node.expandedSize > maxExpandedNodes {
            throw Diagnostic.error("document expands to more than \(maxExpandedNodes) nodes through aliases (an alias bomb?)",
                                   at: node.location, hint: "Reduce the use of `*alias` references.", kind: .parse)
        }
        if node.anchor != nil, let v = built[ObjectIdentifier(node)] { return v }
        let value = try build(node)
        if node.anchor != nil { built[ObjectIdentifier(node)] = value }
        return value
    }

    private mutating func build(_ node: YAMLNode) throws(Diagnostic) -> Value {
        switch node.content {
        case .scalar(let text, let style):
            return try scalar(text, style: style, tag: node.tag, at: node.location)
        case .sequence(let items):
            switch node.tag {
            case "!unsafe" where ansibleTags:
                var out: [Value] = []
                for item in items { out.append(Self.markedUnsafe(try construct(item))) }
                return .list(out)
            case nil, Self.yamlTag + "seq":
                var out: [Value] = []
                out.reserveCapacity(items.count)
                for item in items { out.append(try construct(item)) }
                return .list(out)
            case Self.yamlTag + "omap", Self.yamlTag + "pairs":
                var out: [Value] = []
                for item in items {
                    guard case .mapping(let pairs) = item.content, pairs.count == 1 else {
                        throw constructorError("expected a mapping of length 1 in an ordered map", at: item.location)
                    }
                    out.append(.tuple([try construct(pairs[0].key), try construct(pairs[0].value)]))
                }
                return .list(out)
            default:
                throw unknownTag(node)
            }
        case .mapping:
            switch node.tag {
            case nil, Self.yamlTag + "map": return .dict(try mapping(node))
            case "!unsafe" where ansibleTags: return Self.markedUnsafe(.dict(try mapping(node)))
            case "!vault" where ansibleTags: throw constructorError("the '!vault' tag requires a string value", at: node.location)
            case Self.yamlTag + "set":
                // A Python set, held as a dict of its members with None values.
                var members = PyDict()
                for k in try mapping(node).keys { members[k] = Value.none }
                return .dict(members)
            default: throw unknownTag(node)
            }
        }
    }

    /// `!unsafe` on a collection makes every string inside it unsafe, keys included.
    static func markedUnsafe(_ value: Value) -> Value {
        switch value {
        case .string(let s): return .unsafe(s)
        case .list(let items): return .list(items.map(markedUnsafe))
        case .tuple(let items): return .tuple(items.map(markedUnsafe))
        case .dict(let d):
            var out = PyDict()
            for (k, v) in d.items { out[markedUnsafe(k)] = markedUnsafe(v) }
            return .dict(out)
        default: return value
        }
    }

    private func unknownTag(_ node: YAMLNode) -> Diagnostic {
        constructorError("could not determine a constructor for the tag '\(node.tag ?? "")'", at: node.location)
    }

    private func constructorError(_ message: String, at loc: SourceLocation) -> Diagnostic {
        Diagnostic.error(message, at: loc, kind: .parse)
    }

    /// PyYAML's `flatten_mapping`: `<<` merges come first (later sources in a list lose to
    /// earlier ones), then the mapping's own keys override them.
    /// A merged pair, and whether it came from an `!unsafe` mapping (its strings stay unsafe).
    typealias MergedPair = (pair: YAMLNode.Pair, unsafe: Bool)

    private func flattened(_ node: YAMLNode, unsafe: Bool = false) throws(Diagnostic) -> (merged: [MergedPair], own: [MergedPair]) {
        guard case .mapping(let pairs) = node.content else { return ([], []) }
        // ansible-core 2.21 keeps `!unsafe` through `<<: *alias` but not through an inline `<<: !unsafe {...}`.
        let unsafe = unsafe || (ansibleTags && node.tag == "!unsafe" && node.anchor != nil)
        var merged: [MergedPair] = []
        var own: [MergedPair] = []
        for pair in pairs {
            guard isMergeKey(pair.key) else { own.append((pair, unsafe)); continue }
            switch pair.value.content {
            case .mapping:
                let f = try flattened(pair.value, unsafe: unsafe)
                merged += f.merged + f.own
            case .sequence(let subs):
                var groups: [[MergedPair]] = []
                for sub in subs {
                    guard case .mapping = sub.content else {
                        throw constructorError("expected a mapping for merging, but found \(sub.kindName)", at: sub.location)
                    }
                    let f = try flattened(sub, unsafe: unsafe)
                    groups.append(f.merged + f.own)
                }
                for g in groups.reversed() { merged += g }
            case .scalar:
                throw constructorError("expected a mapping or list of mappings for merging, but found scalar", at: pair.value.location)
            }
        }
        return (merged, own)
    }

    private func isMergeKey(_ key: YAMLNode) -> Bool {
        if let tag = key.tag { return tag == Self.yamlTag + "merge" }
        guard case .scalar("<<", .plain) = key.content else { return false }
        return true
    }

    private mutating func mapping(_ node: YAMLNode) throws(Diagnostic) -> PyDict {
        let (merged, own) = try flattened(node)
        var dict = PyDict()
        dict.reserveCapacity(merged.count + own.count)
        for (pair, unsafe) in merged {
            let k = try key(pair.key), v = try construct(pair.value)
            dict[unsafe ? Self.markedUnsafe(k) : k] = unsafe ? Self.markedUnsafe(v) : v
        }
        for (pair, _) in own {
            let k = try key(pair.key)
            if dict.contains(k) {
                warnings.append(.warning(
                    "Found duplicate mapping key \(k.pythonRepr). Using last defined value only.",
                    at: pair.key.location))
            }
            dict[k] = try construct(pair.value)
        }
        return dict
    }

    private mutating func key(_ node: YAMLNode) throws(Diagnostic) -> Value {
        // A bare `=` key is the string "=" (PyYAML's flatten_mapping retags it).
        if node.tag == nil, case .scalar("=", .plain) = node.content { return .string("=") }
        let k = try construct(node)
        switch k {
        case .list, .dict:
            throw constructorError("found unhashable key (a \(node.kindName) cannot be a mapping key)", at: node.location)
        default: return k
        }
    }

    // MARK: scalars

    private func scalar(_ text: String, style: YAMLNode.ScalarStyle, tag: String?, at loc: SourceLocation) throws(Diagnostic) -> Value {
        guard let tag else {
            return style == .plain ? try YAMLScalarResolver.resolvePlain(text, at: loc) : .string(text)
        }
        switch tag {
        // ansible-core 2.21 re-resolves tagged scalars as if plain: `!unsafe "5"` is the int 5.
        case "!unsafe" where ansibleTags: return Self.markedUnsafe(try YAMLScalarResolver.resolvePlain(text, at: loc))
        case "!vault" where ansibleTags, "!vault-encrypted" where ansibleTags:
            guard case .string = try YAMLScalarResolver.resolvePlain(text, at: loc) else {
                throw constructorError("the '!vault' tag requires a string value", at: loc)
            }
            return .vault(VaultText(text))
        case Self.yamlTag + "str": return .string(text)
        case Self.yamlTag + "null": return .none
        case Self.yamlTag + "bool":
            if let b = YAMLScalarResolver.boolWords[text.lowercased()] { return .bool(b) }
            throw constructorError("invalid boolean '\(text)'", at: loc)
        case Self.yamlTag + "int":
            if let v = YAMLScalarResolver.constructInt(text) { return v }
            throw constructorError("invalid literal for int(): '\(text)'", at: loc)
        case Self.yamlTag + "float":
            if let v = YAMLScalarResolver.constructFloat(text) { return .float(v) }
            throw constructorError("could not convert string to float: '\(text)'", at: loc)
        case Self.yamlTag + "timestamp":
            if let t = try YAMLScalarResolver.constructTimestamp(text, at: loc) { return .timestamp(t) }
            throw constructorError("invalid timestamp '\(text)'", at: loc)
        case Self.yamlTag + "binary":
            let cleaned = text.filter { !$0.isWhitespace }
            guard let data = Data(base64Encoded: cleaned) else {
                throw constructorError("failed to decode base64 data", at: loc)
            }
            return .bytes([UInt8](data))
        case Self.yamlTag + "merge":
            return .string(text)
        default:
            throw constructorError("could not determine a constructor for the tag '\(tag)'", at: loc)
        }
    }
}
