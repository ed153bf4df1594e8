import Core

/// A templating failure, named after the ansible-core exception class it mirrors
/// (`AnsibleUndefinedVariable`, `AnsibleTemplateSyntaxError`, ...), with the origin of the template.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    /// The ansible-core exception class this error corresponds to.
    public enum Kind: String, Sendable {
        case undefinedVariable = "AnsibleUndefinedVariable"
        case syntax = "AnsibleTemplateSyntaxError"
        case brokenConditional = "AnsibleBrokenConditionalError"
        case template = "AnsibleTemplateError"
        case filter = "AnsibleFilterError"
        case pluginRuntime = "AnsibleTemplatePluginRuntimeError"
        case pluginNotFound = "AnsibleTemplatePluginNotFoundError"
        case valueOmitted = "AnsibleValueOmittedError"
        case trustCheck = "TemplateTrustCheckFailedError"
    }

    public var kind: Kind
    public var message: String
    public var origin: SourceLocation?

    public init(_ kind: Kind, _ message: String, origin: SourceLocation? = nil) {
        self.kind = kind
        self.message = message
        self.origin = origin
    }

    /// The exception class name, as the goldens record it.
    public var typeName: String { kind.rawValue }

    public var description: String {
        if let origin { return "\(origin): \(message)" }
        return message
    }

    /// A Python runtime error raised while rendering (TypeError, ZeroDivisionError, ...).
    static func runtime(_ message: String) -> TemplateError {
        TemplateError(.template, "Error rendering template: " + message)
    }

    static func syntax(_ message: String) -> TemplateError {
        TemplateError(.syntax, "Syntax error in template: " + message)
    }

    /// A failure inside a filter, test or lookup plugin; the caller prefixes the plugin name.
    static func plugin(_ message: String) -> TemplateError {
        TemplateError(.pluginRuntime, message)
    }

    static func undefined(_ message: String) -> TemplateError {
        TemplateError(.undefinedVariable, message)
    }

    /// Diagnostic form for the CLI's single error renderer.
    public var diagnostic: Diagnostic { Diagnostic.error(message, at: origin) }
}
