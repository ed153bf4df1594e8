import Core

/// One place a variable is defined, for `runner --explain-var`.
public struct VariableOrigin: Sendable {
    /// Where it sits on ansible's precedence ladder (`inventory group vars (web)`, ...).
    public var level: String
    /// The file and line (or what stands for them: `command line`).
    public var source: String
    public var value: Value

    public init(level: String, source: String, value: Value) {
        self.level = level
        self.source = source
        self.value = value
    }
}
