import Core

/// One lexical token of a Jinja template.
enum Token: Equatable, Sendable {
    case data(String)
    case varBegin, varEnd, blockBegin, blockEnd
    case name(String)
    case string(String)
    case integer(Value)
    case float(Double)
    case op(String)
    case eof

    /// How Jinja names the token in "expected token ..." messages.
    var describe: String {
        switch self {
        case .data: return "template data"
        case .varBegin: return "begin of print statement"
        case .varEnd: return "end of print statement"
        case .blockBegin: return "begin of statement block"
        case .blockEnd: return "end of statement block"
        case .name(let n): return n
        case .string(let s): return s
        case .integer(let v): return v.pythonRepr
        case .float(let f): return String(f)
        case .op(let o): return o
        case .eof: return "end of template"
        }
    }
}

/// Lexer settings that change how a template's source is tokenized (part of the cache key).
public struct LexerOptions: Sendable, Hashable {
    public var blockStart = "{%", blockEnd = "%}"
    public var variableStart = "{{", variableEnd = "}}"
    public var commentStart = "{#", commentEnd = "#}"
    public var trimBlocks = true
    public var lstripBlocks = false
    public var newlineSequence = "\n"
    /// Ansible's `escape_backslashes`: string literals inside `{{ }}` keep their backslashes verbatim
    /// (playbook values), while template files and `{% %}` tags use normal escape processing.
    public var verbatimStringsInExpressions = true

    public init() {}
}
