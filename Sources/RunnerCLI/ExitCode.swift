import Core

/// ansible-playbook's exit codes.
enum ExitCode {
    static let ok: Int32 = 0
    /// An error before or outside the run ("ERROR! ..."), such as a missing role.
    static let generalError: Int32 = 1
    /// A host failed.
    static let hostFailed: Int32 = 2
    /// A host was unreachable, or the playbook could not be parsed.
    static let unreachableOrParse: Int32 = 4
    /// Bad command-line options or option values (argparse's usage error).
    static let badOptions: Int32 = 2
    /// Bad option values found after parsing (AnsibleOptionsError).
    static let optionsError: Int32 = 5
    static let interrupted: Int32 = 99

    static func `for`(_ d: Diagnostic) -> Int32 {
        switch d.kind {
        case .parse: return unreachableOrParse
        case .general: return generalError
        case .options: return optionsError
        }
    }
}
