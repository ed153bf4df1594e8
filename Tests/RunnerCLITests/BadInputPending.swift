/// Bad-input cases runner does not handle as ansible-playbook does yet: which checks fail and
/// why. `withKnownIssue` fails the test when a listed check starts to pass, so this table can
/// only shrink. Reasons are shared by groups of cases.
enum BadInputPending {
    typealias Check = BadInputTests.Check

    static let extraNames = "deliberate: the faulty input is the -e value, not the playbook the case names; runner's error names the -e option and quotes the value (ansible-playbook names neither)"
    static let recursion = "deliberate: a playbook or tasks file that imports itself overflows ansible-playbook's stack (a Python traceback, exit 250); runner names the import loop and its location (exit 4)"
    static let crash = "deliberate: ansible-playbook crashes on this input with a Python traceback (exit 250); runner refuses it with an error instead, located when the input is a file"
    static let alias = "deliberate: runner refuses YAML alias bombs and recursive aliases at load (exit 4) so that a few lines of YAML cannot exhaust the controller's memory; ansible-playbook expands them"
    static let utf16 = "deliberate: runner reads a file with a UTF-16 byte order mark as UTF-16, as YAML 1.1 and libyaml specify; ansible-core 2.21 reads every file as UTF-8 and refuses it (exit 4)"

    static let cases: [String: (checks: Set<Check>, reason: String)] = [
        "cli_step_without_tty": ([.exitCode], crash),
        "extra_vars_bad_jinja_used": ([.namesFile], extraNames),
        "import_playbook_self": ([.exitCode], recursion),
        "import_tasks_self": ([.exitCode], recursion),
        "include_tasks_binary": ([.exitCode], utf16),
        "limit_file_binary": ([.exitCode], crash),
        "play_serial_dict": ([.exitCode], crash),
        "play_serial_string": ([.exitCode], crash),
        "yaml_billion_laughs_length": ([.exitCode], alias),
        "yaml_billion_laughs_unused": ([.exitCode], alias),
        "yaml_recursive_alias": ([.exitCode], alias),
        "yaml_utf16": ([.exitCode, .namesFile], utf16),
    ]
}
