import Connection
import Core
import Foundation

/// A `validate:` command, run on the target against the temporary file before it replaces the
/// old one, as Ansible's file-writing modules run it: `%s` becomes the temporary path (Python's
/// `validate % tmpfile`), the line is split as `shlex.split` does and run without a shell, and
/// a non-zero exit fails the task and leaves the old file untouched.
struct FileValidation {
    /// How the module words a failed validation: `copy`/`template` say `failed to validate` with
    /// `exit_status`, `stdout` and `stderr`; `lineinfile`, `blockinfile` and `replace` put the
    /// exit status and stderr in the message.
    enum Style { case copy, edit }

    var command: String
    var style: Style
    /// Keys the module's failure carries besides the message (copy's `checksum`, `diff`).
    var extra = PyDict()

    /// The task's `validate`, or nil when it has none.
    init?(_ context: ModuleContext, style: Style) {
        guard let command = context.string("validate"), !command.isEmpty else { return nil }
        self.command = command
        self.style = style
    }

    /// The command must name the file with `%s` (Ansible checks this only when it writes) and
    /// split into words.
    func check() throws(ModuleFailure) {
        if !command.contains("%s") { throw ModuleFailure(.failed("validate must contain %s: \(command)", extra)) }
        if ShellWords.split(commandLine("x"))?.isEmpty ?? true {
            throw ModuleFailure(.failed("failed to validate: could not parse the command: \(command)", extra))
        }
    }

    /// The command line for `path`: `%s` is the path, `%%` a percent sign.
    func commandLine(_ path: String) -> String {
        var out = ""
        var chars = command.makeIterator()
        while let c = chars.next() {
            guard c == "%" else { out.append(c); continue }
            switch chars.next() {
            case "s": out += path
            case "%": out += "%"
            case let other?: out.append(c); out.append(other)
            case nil: out.append(c)
            }
        }
        return out
    }

    static let marker = "\u{1}RUNNER-VALIDATE|"

    /// sh validating `temp`: on failure it removes `temp` (unless `keep`: copy's `remote_src`
    /// validates the source itself), prints the command's stdout (then `marker` and the exit
    /// status) and stderr, and ends the script with status 0.
    func script(temp: String, keep: Bool = false) -> String {
        let words = ShellWords.split(commandLine(temp)) ?? []
        let remove = keep ? ":" : "rm -f \(ShellQuote.quote(temp))"
        return """
        vo=$(mktemp) && ve=$(mktemp) || { \(remove); exit 1; }
        \(words.map(ShellQuote.quote).joined(separator: " ")) < /dev/null > "$vo" 2> "$ve"; rc=$?
        if [ "$rc" -ne 0 ]; then \(remove); cat "$vo"; cat "$ve" >&2; rm -f "$vo" "$ve"; printf '\(Self.marker)%s' "$rc"; exit 0; fi
        rm -f "$vo" "$ve"
        """
    }

    /// The failed result when the script's output says the validation failed.
    func failure(_ outcome: CommandOutcome) -> TaskResult? {
        guard let range = outcome.stdout.range(of: Self.marker, options: .backwards) else { return nil }
        let rc = Int(outcome.stdout[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)) ?? 1
        let stdout = String(outcome.stdout[..<range.lowerBound])
        switch style {
        case .copy:
            var v = extra
            v["exit_status"] = .int(rc)
            v["stdout"] = .string(stdout)
            v["stdout_lines"] = .list(CommandModule.splitLines(stdout).map { .string($0) })
            v["stderr"] = .string(outcome.stderr)
            v["stderr_lines"] = .list(CommandModule.splitLines(outcome.stderr).map { .string($0) })
            return .failed("failed to validate", v)
        case .edit:
            return .failed("failed to validate: rc:\(rc) error:\(outcome.stderr)", extra)
        }
    }
}
