/// A problem found while reading or running a playbook, carrying where it came from.
///
/// Diagnostics are values: code that finds a problem builds one and either throws it (to
/// abort) or hands it on (a warning). They are rendered for the user in one place,
/// `DiagnosticRenderer`.
public struct Diagnostic: Error, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    /// What kind of failure this is, which decides ansible-playbook's exit code.
    public enum Kind: Sendable {
        /// A YAML or playbook-structure error ("ERROR! ..." before anything runs): exit 4 in
        /// ansible-playbook for parse errors, 1 for other load-time errors.
        case parse
        /// A generic error before or outside a run: exit 1.
        case general
        /// Bad command-line options: exit 5.
        case options
    }

    public var severity: Severity
    public var kind: Kind
    public var message: String
    public var location: SourceLocation?
    /// One sentence telling the user what to do about it.
    public var hint: String?
    /// Optional context names (play, task, host), shown after the message.
    public var context: [String: String]
    /// A second place worth showing, such as where an unclosed bracket was opened.
    public var related: (label: String, location: SourceLocation)?

    public init(_ severity: Severity = .error, kind: Kind = .general, _ message: String,
                at location: SourceLocation? = nil, hint: String? = nil, context: [String: String] = [:]) {
        self.severity = severity
        self.kind = kind
        self.message = message
        self.location = location
        self.hint = hint
        self.context = context
        self.related = nil
    }

    public static func error(_ message: String, at location: SourceLocation? = nil, hint: String? = nil,
                             kind: Kind = .general) -> Diagnostic {
        Diagnostic(.error, kind: kind, message, at: location, hint: hint)
    }

    public static func warning(_ message: String, at location: SourceLocation? = nil) -> Diagnostic {
        Diagnostic(.warning, message, at: location)
    }

    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }
}
