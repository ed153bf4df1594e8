import CYaml
import Core
import Foundation

/// Turns YAML text into `YAMLNode` documents with libyaml's event API.
public struct YAMLParser {
    /// The name used in locations (a path, or `<extra-vars>` and the like).
    public let file: String

    public init(file: String) { self.file = file }

    /// Parses every document of a stream. Throws a `.parse` diagnostic pointing at the problem.
    public func parseDocuments(_ bytes: [UInt8]) throws(Diagnostic) -> [YAMLNode?] {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw Diagnostic.error("libyaml could not allocate a parser", at: SourceLocation(file: file), kind: .parse)
        }
        defer { yaml_parser_delete(&parser) }
        var result: Result<[YAMLNode?], Diagnostic> = .success([])
        bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = Builder(file: file, input: buffer)
            result = builder.run(&parser)
        }
        return try result.get()
    }

    /// Parses a stream that must hold at most one document, as PyYAML's `safe_load` does:
    /// an empty stream is nil (Python `None`).
    public func parseSingleDocument(_ bytes: [UInt8]) throws(Diagnostic) -> YAMLNode? {
        let documents = try parseDocuments(bytes)
        if documents.count > 1 {
            throw Diagnostic.error("expected a single document in the stream, but found another document",
                                   at: secondDocumentLocation(bytes), hint: "Remove the second `---` document or split the file.",
                                   kind: .parse)
        }
        return documents.first ?? nil
    }

    private func secondDocumentLocation(_ bytes: [UInt8]) -> SourceLocation {
        // Re-scan for the second DOCUMENT-START event's mark.
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return SourceLocation(file: file) }
        defer { yaml_parser_delete(&parser) }
        var found = SourceLocation(file: file)
        bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var starts = 0
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                if event.type == YAML_DOCUMENT_START_EVENT {
                    starts += 1
                    if starts == 2 {
                        found = SourceLocation(file: file, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
                        return
                    }
                }
                if event.type == YAML_STREAM_END_EVENT { return }
            }
        }
        return found
    }
}

/// Assembles nodes from libyaml events, keeping anchors for aliases.
private struct Builder {
    let file: String
    /// The input, for placing reader errors (libyaml gives those a byte offset only).
    var input: UnsafeBufferPointer<UInt8>? = nil
    var anchors: [String: YAMLNode] = [:]

    /// An open collection. A class, so appending to it never copies the items gathered so far
    /// (an enum payload taken out and put back is copied on every append: quadratic time).
    final class Frame {
        let isMapping: Bool
        var items: [YAMLNode] = []
        var pairs: [YAMLNode.Pair] = []
        var pendingKey: YAMLNode?
        let tag: String?
        let anchor: String?
        let location: SourceLocation

        init(isMapping: Bool, tag: String?, anchor: String?, location: SourceLocation) {
            self.isMapping = isMapping
            self.tag = tag
            self.anchor = anchor
            self.location = location
        }
    }

    var stack: [Frame] = []
    /// libyaml 0.2.6 (ansible's) stops at 1000 nested flow or indentation levels; deeper
    /// documents would also exhaust runner's stack when built into values.
    static let maxDepth = 1000
    var documents: [YAMLNode?] = []
    var root: YAMLNode? = nil

    init(file: String, input: UnsafeBufferPointer<UInt8>? = nil) {
        self.file = file
        self.input = input
    }

    /// The line and column of a byte of the input (columns count characters, as libyaml's marks).
    func location(byteOffset: Int) -> SourceLocation {
        guard let input else { return SourceLocation(file: file) }
        var line = 1, column = 1
        for byte in input.prefix(max(0, min(byteOffset, input.count))) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    static func string(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let p else { return nil }
        return String(cString: UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
    }

    func parserError(_ parser: inout yaml_parser_t) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown YAML error"
        var message = problem
        var loc = SourceLocation(file: file)
        switch parser.error {
        case YAML_READER_ERROR:
            message = "\(problem) (byte offset \(parser.problem_offset))"
            if parser.problem_value != -1 {
                message = "\(problem): #x\(String(parser.problem_value, radix: 16)) (byte offset \(parser.problem_offset))"
            }
            message += "; the file is not valid UTF-8/UTF-16 text"
            loc = location(byteOffset: Int(parser.problem_offset))
        default:
            loc = location(parser.problem_mark)
            if let context = parser.context.map({ String(cString: $0) }) {
                var d = Diagnostic.error("YAML syntax error: \(message)", at: loc,
                                         hint: "Fix the YAML at the marked position (check indentation, quoting and colons).",
                                         kind: .parse)
                d.related = (context, location(parser.context_mark))
                return d
            }
        }
        return Diagnostic.error("YAML syntax error: \(message)", at: loc,
                                hint: "Fix the YAML at the marked position (check indentation, quoting and colons).",
                                kind: .parse)
    }

    mutating func run(_ parser: inout yaml_parser_t) -> Result<[YAMLNode?], Diagnostic> {
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                return .failure(parserError(&parser))
            }
            defer { yaml_event_delete(&event) }
            let start = location(event.start_mark)
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return .success(documents)
            case YAML_DOCUMENT_START_EVENT:
                root = nil
                anchors = [:]
            case YAML_DOCUMENT_END_EVENT:
                documents.append(root)
            case YAML_ALIAS_EVENT:
                let name = Self.string(event.data.alias.anchor) ?? ""
                guard let node = anchors[name] else {
                    if isOpen(anchor: name) {
                        return .failure(.error("recursive alias '*\(name)' refers to the collection that contains it",
                                               at: start, hint: "A value cannot contain itself; copy the data instead.", kind: .parse))
                    }
                    return .failure(.error("found undefined alias '\(name)'", at: start,
                                           hint: "Define the anchor `&\(name)` before using `*\(name)`.", kind: .parse))
                }
                add(node)
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let text = s.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: s.length), as: UTF8.self) } ?? ""
                let style: YAMLNode.ScalarStyle
                switch s.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: style = .literal
                case YAML_FOLDED_SCALAR_STYLE: style = .folded
                default: style = .plain
                }
                var tag = Self.string(s.tag)
                if tag == "!" { tag = style == .plain ? nil : "tag:yaml.org,2002:str" }
                let anchor = Self.string(s.anchor)
                if let a = anchor, let error = duplicateAnchor(a, at: start) { return .failure(error) }
                let node = YAMLNode(content: .scalar(text, style), tag: tag, location: start, anchor: anchor)
                if let a = node.anchor { anchors[a] = node }
                add(node)
            case YAML_SEQUENCE_START_EVENT where stack.count >= Self.maxDepth, YAML_MAPPING_START_EVENT where stack.count >= Self.maxDepth:
                return .failure(.error("YAML syntax error: collections nested more than \(Self.maxDepth) levels deep", at: start,
                                       hint: "Flatten the data; libyaml 0.2.6 (used by ansible) refuses such nesting too.", kind: .parse))
            case YAML_SEQUENCE_START_EVENT:
                let s = event.data.sequence_start
                if let a = Self.string(s.anchor), let error = duplicateAnchor(a, at: start) { return .failure(error) }
                stack.append(Frame(isMapping: false, tag: Self.nonSpecific(Self.string(s.tag)), anchor: Self.string(s.anchor), location: start))
            case YAML_MAPPING_START_EVENT:
                let m = event.data.mapping_start
                if let a = Self.string(m.anchor), let error = duplicateAnchor(a, at: start) { return .failure(error) }
                stack.append(Frame(isMapping: true, tag: Self.nonSpecific(Self.string(m.tag)), anchor: Self.string(m.anchor), location: start))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let frame = stack.removeLast()
                let node = YAMLNode(content: frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items),
                                    tag: frame.tag, location: frame.location, anchor: frame.anchor)
                if let a = node.anchor { anchors[a] = node }
                add(node)
            default:
                break
            }
        }
    }

    /// PyYAML's composer refuses an anchor name used twice in one document.
    func duplicateAnchor(_ name: String, at loc: SourceLocation) -> Diagnostic? {
        guard anchors[name] != nil || isOpen(anchor: name) else { return nil }
        return .error("found duplicate anchor '&\(name)'", at: loc,
                      hint: "Give each anchor a unique name within the document.", kind: .parse)
    }

    static func nonSpecific(_ tag: String?) -> String? { tag == "!" ? nil : tag }

    func isOpen(anchor name: String) -> Bool {
        stack.contains { $0.anchor == name }
    }

    mutating func add(_ node: YAMLNode) {
        guard let top = stack.last else {
            root = node
            return
        }
        if !top.isMapping {
            top.items.append(node)
        } else if let key = top.pendingKey {
            top.pairs.append(YAMLNode.Pair(key: key, value: node))
            top.pendingKey = nil
        } else {
            top.pendingKey = node
        }
    }
}
