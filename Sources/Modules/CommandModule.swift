import Connection
import Core
import Foundation

/// `command` and `shell`. `command` runs an argv without a shell (its words split like
/// Python's `shlex.split`, `$VAR`s expanded as `os.path.expandvars` does); `shell` runs the
/// string with `/bin/sh`. Both honour `chdir`, `creates`, `removes`, `stdin`; the command's
/// own stdin is never the script channel.
struct CommandModule: Module {
    let shell: Bool

    static let options: Set<String> = [
        "_raw_params", "cmd", "argv", "chdir", "creates", "removes", "stdin", "stdin_add_newline",
        "strip_empty_ends", "executable", "expand_argument_vars", "_uses_shell",
    ]

    /// A `shell` command run as ansible's `/bin/sh -c CMD` runs it, so that the shell's own
    /// messages read the same ("/bin/sh: 1: cannot create ..."), without the command in argv:
    /// `/bin/sh -s` reads it from a here-document, and its first line hands the command its real
    /// stdin (/dev/null or the `stdin` data on descriptor 3). That is safe where the shell has
    /// read the whole here-document before the first line runs: a one-line command in any
    /// shell, any command in dash or busybox ash (they read their input in blocks, and a
    /// here-document this short is in the pipe in full). Otherwise (bash reads a script from a
    /// pipe line by line, and would take the rest from the new stdin) the command runs in a
    /// subshell of the module's own shell, whose messages say "eval".
    static func shellScript(_ command: String, stdin: Bool) -> String {
        let inline = "( \(command)\n)"
        guard command.utf8.count < 3_000 else { return inline }
        let fence = "__RUNNER_SH_\(UInt64.random(in: 0..<UInt64.max))__"
        let fromHere = "/bin/sh -s <<'\(fence)'\n\(stdin ? "exec 0<&3 3<&-" : "exec 0</dev/null"); \(command)\n\(fence)"
        if !command.contains("\n") { return fromHere }
        return """
            case $(readlink -f /bin/sh 2>/dev/null) in
            */dash|*/busybox) \(fromHere)
             ;;
            *) \(inline) ;;
            esac
            """
    }

    func run(_ context: ModuleContext) -> TaskResult {
        let name = shell ? "shell" : "command"
        if let failure = context.unsupported(Self.options, module: name) { return failure }
        if ["_raw_params", "cmd", "argv"].filter({ context.args[$0].map { !$0.isNone } ?? false }).count > 1 {
            return .failed("parameters are mutually exclusive: _raw_params|cmd|argv")
        }
        let raw = context.string("_raw_params") ?? context.string("cmd")
        var argv: [String]? = nil
        if !shell, let list = context.args["argv"]?.listValue {
            argv = list.map(\.pythonString)
        }
        if raw == nil && argv == nil {
            return .failed("no command given")
        }
        var result = PyDict()
        var script = ""
        if let chdir = context.string("chdir") {
            // Why the directory cannot be entered, as the errno os.chdir would raise.
            let d = ShellQuote.quote(chdir)
            script += "if [ ! -e \(d) ]; then e=2; elif [ ! -d \(d) ]; then e=20; else e=13; fi\n"
            script += "cd \(d) 2>/dev/null || { printf '\(Self.chdirMarker)%s\\n' \"$e\" >&2; exit 97; }\n"
        }
        let commandStart = script.endIndex
        let displayCmd: Value
        if shell {
            displayCmd = .string(raw ?? "")
            if let executable = context.string("executable") {
                // The command text reaches the shell on a here-document descriptor, not argv.
                let fence = "__RUNNER_CMD_\(UInt64.random(in: 0..<UInt64.max))__"
                script += "\(ShellQuote.quote(executable)) /dev/fd/4 4<<'\(fence)'\n\(raw ?? "")\n\(fence)\n"
            } else {
                script += Self.shellScript(raw ?? "", stdin: context.string("stdin") != nil)
            }
        } else {
            let words: [String]
            if let argv {
                words = argv
            } else {
                guard let split = ShellWords.split(raw ?? "") else { return .failed("No closing quotation in command") }
                words = split
            }
            guard !words.isEmpty else { return .failed("no command given") }
            displayCmd = .list(words.map(Value.string))
            let expand = context.bool("expand_argument_vars", default: true)
            script += "exec " + words.map { expand ? ShellExpansion.expandVars($0) : ShellQuote.quote($0) }.joined(separator: " ")
        }
        // After chdir, as ansible's module looks for `creates`/`removes` in the new directory;
        // in check mode the command itself is not run.
        var guards = ""
        if let creates = context.string("creates") {
            guards += "if [ -e \(ShellQuote.quote(creates)) ]; then echo __RUNNER_SKIP__; exit 0; fi\n"
        }
        if let removes = context.string("removes") {
            guards += "if [ ! -e \(ShellQuote.quote(removes)) ]; then echo __RUNNER_SKIP__ removes; exit 0; fi\n"
        }
        script = String(script[..<commandStart]) + guards + (context.checkMode ? "echo __RUNNER_CHECK__" : String(script[commandStart...]))
        var input: Data? = nil
        if let stdin = context.string("stdin") {
            let add = context.bool("stdin_add_newline", default: true)
            input = Data((stdin + (add ? "\n" : "")).utf8)
            script = "{\n\(script)\n} <&3"
        } else {
            script = "{\n\(script)\n} </dev/null"
        }
        let outcome: CommandOutcome
        let started = Date()
        do {
            outcome = try context.connection.run(script: script, input: input, environment: context.environment)
        } catch {
            return TaskResult(connectionError: error)
        }
        let ended = Date()
        if outcome.stdout.hasPrefix("__RUNNER_SKIP__") {
            // `creates` is checked first; a skip by `removes` means its path does not exist.
            let path = context.string("creates") ?? context.string("removes") ?? ""
            let creates = context.string("creates") != nil && !outcome.stdout.hasPrefix("__RUNNER_SKIP__ removes")
            let reason = creates ? "exists" : "does not exist"
            result["changed"] = false
            result["cmd"] = displayCmd
            result["rc"] = 0
            result["stdout"] = .string("skipped, since \(creates ? path : context.string("removes") ?? path) \(reason)")
            result["stdout_lines"] = .list([result["stdout"]!])
            result["stderr"] = ""
            result["stderr_lines"] = .list([])
            result["msg"] = .string("\(context.checkMode ? "Would" : "Did") not run command since '\(creates ? path : context.string("removes") ?? path)' \(reason)")
            for key in ["start", "end", "delta"] { result[.string(key)] = Value.none }
            return TaskResult(result)
        }
        if context.checkMode, outcome.stdout.hasPrefix("__RUNNER_CHECK__") {
            // ansible's partial check mode: the command would run; with `creates` or `removes`
            // that counts as a change, without them the task is skipped.
            let guarded = context.string("creates") != nil || context.string("removes") != nil
            result["changed"] = .bool(guarded)
            if !guarded { result["skipped"] = true }
            result["cmd"] = displayCmd
            result["rc"] = 0
            result["msg"] = "Command would have run if not in check mode"
            for key in ["stdout", "stderr"] { result[.string(key)] = "" }
            for key in ["stdout_lines", "stderr_lines"] { result[.string(key)] = .list([]) }
            for key in ["start", "end", "delta"] { result[.string(key)] = Value.none }
            return TaskResult(result)
        }
        let strip = context.bool("strip_empty_ends", default: true)
        let stdout = strip ? Self.stripNewlines(outcome.stdout) : outcome.stdout
        let stderr = strip ? Self.stripNewlines(outcome.stderr) : outcome.stderr
        result["changed"] = true
        result["cmd"] = displayCmd
        result["rc"] = .int(Int(outcome.rc))
        result["stdout"] = .string(stdout)
        result["stderr"] = .string(stderr)
        result["stdout_lines"] = .list(Self.splitLines(stdout).map(Value.string))
        result["stderr_lines"] = .list(Self.splitLines(stderr).map(Value.string))
        // Times as the module reports them: str() of local datetimes and of their difference.
        result["start"] = .string(Self.timestamp(started))
        result["end"] = .string(Self.timestamp(ended))
        result["delta"] = .string(Self.duration(ended.timeIntervalSince(started)))
        result["msg"] = ""
        if outcome.rc == 97, let chdir = context.string("chdir"), outcome.stderr.hasPrefix(Self.chdirMarker) {
            let errno = outcome.stderr.dropFirst(Self.chdirMarker.count).prefix { $0.isNumber }
            let reason = ["2": "No such file or directory", "20": "Not a directory"][String(errno)] ?? "Permission denied"
            // ansible's module fails before running anything: its result keeps its empty start;
            // the reason is in the error report, not in `msg`.
            var r = PyDict()
            r["changed"] = false
            r["cmd"] = displayCmd
            for key in ["delta", "end", "start"] { r[.string(key)] = Value.none }
            r["failed"] = true
            r["msg"] = "Unable to change directory before execution."
            for key in ["stderr", "stdout"] { r[.string(key)] = ""; r[.string(key + "_lines")] = .list([]) }
            r["_ansible_error_summary"] = .string("Unable to change directory before execution: [Errno \(errno)] \(reason): b'\(chdir)'")
            return TaskResult(r)
        }
        if outcome.rc == 127 && !shell {
            result["failed"] = true
            result["msg"] = .string("[Errno 2] No such file or directory: b'\(ShellWords.split(raw ?? "")?.first ?? argv?.first ?? "")'")
            result["rc"] = 2
            return TaskResult(result)
        }
        if outcome.rc != 0 {
            result["failed"] = true
            result["msg"] = "The command exited with a non-zero return code."
        }
        return TaskResult(result)
    }

    /// Python's `str(datetime.datetime.now())`: local time with microseconds.
    static func timestamp(_ date: Date) -> String {
        let c = Calendar.current.dateComponents(in: TimeZone.current, from: date)
        let micro = Int((date.timeIntervalSince1970 * 1_000_000).rounded(.down) .truncatingRemainder(dividingBy: 1_000_000))
        return PyTimestamp(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1, hour: c.hour ?? 0, minute: c.minute ?? 0,
                           second: c.second ?? 0, microsecond: max(0, micro), utcOffsetMinutes: nil).pythonString
    }

    /// Python's `str(timedelta)`: `0:00:00.013704` (days in front when there are any).
    static func duration(_ seconds: Double) -> String {
        let micro = Int((max(0, seconds) * 1_000_000).rounded())
        let days = micro / 86_400_000_000
        let rest = micro % 86_400_000_000
        let (h, m, s, us) = (rest / 3_600_000_000, rest / 60_000_000 % 60, rest / 1_000_000 % 60, rest % 1_000_000)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        var text = "\(h):\(two(m)):\(two(s))"
        if us != 0 { text += "." + String(String(us + 1_000_000).dropFirst()) }
        return days == 0 ? text : "\(days) day\(days == 1 ? "" : "s"), " + text
    }

    static let chdirMarker = "__RUNNER_CHDIR__ "

    static func stripNewlines(_ s: String) -> String {
        var out = Substring(s)
        while let last = out.last, last == "\n" || last == "\r" || last == "\r\n" { out = out.dropLast() }
        return String(out)
    }

    /// Python's `str.splitlines()` for `\n`, `\r\n` and `\r`.
    static func splitLines(_ s: String) -> [String] {
        if s.isEmpty { return [] }
        var lines: [String] = []
        var current = ""
        for c in s {
            if c == "\n" || c == "\r" || c == "\r\n" {
                lines.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

/// Python's `shlex.split` (POSIX mode, comments off): quotes, backslashes, whitespace.
enum ShellWords {
    static func split(_ s: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character? = nil
        var escape = false
        for c in s {
            if escape {
                if quote == "\"" && !"\\\"$`\n".contains(c) { current.append("\\") }
                current.append(c)
                escape = false
                inWord = true
                continue
            }
            if let q = quote {
                if c == q { quote = nil } else if c == "\\" && q == "\"" { escape = true } else { current.append(c) }
                continue
            }
            if c == "\\" { escape = true; inWord = true; continue }
            if c == "'" || c == "\"" { quote = c; inWord = true; continue }
            if c.isWhitespace {
                if inWord { words.append(current); current = ""; inWord = false }
                continue
            }
            current.append(c)
            inWord = true
        }
        if quote != nil || escape { return nil }
        if inWord { words.append(current) }
        return words
    }
}

/// Turns a word into sh text that expands `$NAME` and `${NAME}` like Python's
/// `os.path.expandvars` (unset variables stay as written) and nothing else.
enum ShellExpansion {
    static func expandVars(_ word: String) -> String {
        guard word.contains("$") else { return ShellQuote.quote(word) }
        var out = ""
        var literal = ""
        func flush() {
            if !literal.isEmpty { out += ShellQuote.quote(literal); literal = "" }
        }
        let chars = Array(word)
        var i = 0
        while i < chars.count {
            if chars[i] == "$", i + 1 < chars.count {
                var name = ""
                var j = i + 1
                var braced = false
                if chars[j] == "{" {
                    braced = true
                    j += 1
                    while j < chars.count, chars[j] != "}" { name.append(chars[j]); j += 1 }
                    if j >= chars.count { literal.append(chars[i]); i += 1; continue }
                    j += 1
                } else {
                    while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_", chars[j].isASCII { name.append(chars[j]); j += 1 }
                }
                let valid = !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
                if valid {
                    flush()
                    let written = braced ? "${\(name)}" : "$\(name)"
                    out += "\"$(if [ \"${\(name)+x}\" = x ]; then printf '%s' \"$\(name)\"; else printf '%s' \(ShellQuote.quote(written)); fi)\""
                    i = j
                    continue
                }
            }
            literal.append(chars[i])
            i += 1
        }
        flush()
        return out.isEmpty ? "''" : out
    }
}
