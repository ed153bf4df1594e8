import Core
import Foundation
import Modules

/// ansible-core's default stdout callback: banners padded with `*`, one line per host result,
/// `=> {...}` for failures and debug output, and the aligned PLAY RECAP.
public final class DefaultCallback: Callback, @unchecked Sendable {
    let write: (String) -> Void
    let writeError: (String) -> Void
    let verbosity: Int
    let columns = 79
    /// Error reports already printed (ansible deduplicates them).
    var printedErrors = Set<String>()
    /// ANSI colours, as ansible's display adds them: each line of a message wrapped in its
    /// colour's code (`AnsibleColor.enabled` decides, from the terminal and the environment).
    let color: Bool
    /// Lines of context around each change in `--diff` output (`[diff] context`).
    let diffContext: Int
    /// JSON or YAML after `=>` (`callback_result_format` and its companions).
    let resultFormat: ResultFormat

    public init(verbosity: Int, color: Bool = false, diffContext: Int = 3, resultFormat: ResultFormat = ResultFormat(),
                write: @escaping (String) -> Void, writeError: @escaping (String) -> Void) {
        self.verbosity = verbosity
        self.color = color
        self.diffContext = diffContext
        self.resultFormat = resultFormat
        self.write = write
        self.writeError = writeError
    }

    /// ansible-core's default colours (`COLOR_OK`, `COLOR_CHANGED`, ...).
    enum Palette {
        static let ok = "0;32", changed = "0;33", skip = "0;36", error = "0;31", unreachable = "1;31",
                   included = "0;36", warn = "1;35", retry = "1;30", verbose = "0;34", debug = "1;30"
    }

    /// `text` with each of its lines in `code`, when colours are on.
    func paint(_ text: String, _ code: String) -> String {
        guard color else { return text }
        var lines = text.components(separatedBy: "\n")
        let endsWithNewline = lines.last == ""
        if endsWithNewline { lines.removeLast() }
        return lines.map { "\u{1b}[\(code)m\($0)\u{1b}[0m" }.joined(separator: "\n") + (endsWithNewline ? "\n" : "")
    }

    func emit(_ text: String, _ code: String) { write(paint(text, code)) }

    /// A message ending in a dumped result, which (as YAML) may end its own line already.
    func emitLine(_ text: String, _ code: String) { emit(text.hasSuffix("\n") ? text : text + "\n", code) }

    func banner(_ text: String) {
        let stars = max(3, columns - text.count)
        write("\n\(text) \(String(repeating: "*", count: stars))\n")
    }

    /// At -vv, as ansible's `v2_playbook_on_start` and its executor's "N plays in" line.
    public func playbookStart(path: String, playCount: Int, imports: [String]) {
        guard verbosity >= 2 else { return }
        for file in imports { emit("statically imported: \(file)\n", Palette.verbose) }
        banner("PLAYBOOK: \(URL(fileURLWithPath: path).lastPathComponent)")
        emit("\(playCount) plays in \(path)\n", Palette.verbose)
    }

    public func notifiedHandler(_ name: String, host: String) { emit("NOTIFIED HANDLER \(name) for \(host)\n", Palette.verbose) }

    public func playStart(name: String, location: SourceLocation) { banner("PLAY [\(name)]") }

    public func noHostsMatched() { emit("skipping: no hosts matched\n", Palette.skip) }

    public func taskStart(name: String, location: SourceLocation, isHandler: Bool) {
        banner(isHandler ? "RUNNING HANDLER [\(name)]" : "TASK [\(name)]")
        if verbosity >= 2, location.line > 0 {
            emit("task path: \(URL(fileURLWithPath: location.file).standardizedFileURL.path):\(location.line)\n", Palette.debug)
        }
    }

    /// Actions run by the controller are reported as "Action failed", modules as "Module failed".
    static let controllerActions: Set<String> = ["debug", "fail", "assert", "set_fact", "include_vars", "include_tasks",
                                                 "include_role", "add_host", "group_by", "set_stats", "pause", "meta"]

    public func taskResult(host: String, result: TaskResult, taskName: String, location: SourceLocation, ignored: Bool,
                           diff: DiffDisplay) {
        var shown = result.values
        // A delegated task shows where it ran: `[web1 -> localhost]`.
        let host = result.values["_ansible_delegated_vars"]?.dictValue?["ansible_delegated_host"]
            .map { "\(host) -> \($0.pythonString)" } ?? host
        let action = shown["action"]?.pythonString ?? ""
        let short = action.split(separator: ".").last.map(String.init) ?? action
        for k in shown.keys where k.pythonString.hasPrefix("_ansible") || ["invocation", "action"].contains(k.pythonString) { shown[k] = nil }
        // A censored (no_log) debug result loses its always-shown output, as in ansible-core.
        let debug = short == "debug" && shown["censored"] == nil
        // A done include is announced by its `included:` line instead.
        if short == "include_tasks" || short == "include_role", result.status == .ok || result.status == .changed { return }
        if let items = shown["results"]?.listValue, !items.isEmpty {
            for item in items {
                if diff.items, let d = item.dictValue { fileDiff(d) }
                itemLine(host: host, item.dictValue ?? PyDict(), debug: debug, short: short, location: location)
            }
            // The items told it all: a failed loop adds no `fatal:` line of its own (ansible's
            // callbacks drop the task's `results` and show the rest only when skipped).
            shown["results"] = nil
            switch result.status {
            case .failed:
                // ansible cleans a debug result down to its msg before it looks for the items,
                // so a failed debug loop still ends with the task's own `fatal:` line.
                if debug { emitLine("fatal: [\(host)]: FAILED! => \(dump(Self.cleanDebug(shown)))", Palette.error) }
                if ignored { emit("...ignoring\n", Palette.skip) }
            case .skipped: skipped(host: host, shown, raw: result.values, debug: debug)
            default: break
            }
            return
        }
        switch result.status {
        case .failed:
            failure(host: host, shown, short: short, location: location, ignored: ignored,
                        causes: result.values["_ansible_error_causes"]?.listValue ?? [],
                        summary: result.values["_ansible_error_summary"]?.pythonString, raw: result.values)
        case .unreachable:
            report("[ERROR]: \(shown["msg"]?.pythonString ?? "Task failed.")\n", location: location)
            emitLine("fatal: [\(host)]: UNREACHABLE! => \(dump(shown))", Palette.unreachable)
            if ignored { emit("...ignoring\n", Palette.skip) }
        case .skipped:
            skipped(host: host, shown, raw: result.values, debug: debug)
        case .changed, .ok:
            if diff.result { fileDiff(result.values) }
            let word = result.status == .changed ? "changed" : "ok"
            let code = result.status == .changed ? Palette.changed : Palette.ok
            // `_run_is_verbose`: the flags count when they are True, not merely there.
            let always = result.values["_ansible_verbose_always"] == .bool(true) || debug
            if (verbosity > 0 || always) && result.values["_ansible_verbose_override"] != .bool(true) {
                var body = shown
                if debug { body = Self.cleanDebug(body) }
                emitLine("\(word): [\(host)] => \(dump(body, verboseAlways: always))", code)
            } else {
                emit("\(word): [\(host)]\n", code)
            }
        }
    }

    /// `skipping: [h]`, with the result (its `skipped` flag aside) when verbose, as ansible's
    /// `_run_is_verbose` decides.
    func skipped(host: String, _ shown: PyDict, raw: PyDict, debug: Bool) {
        var body = debug ? Self.cleanDebug(shown) : shown
        body["skipped"] = nil
        // A loop's (empty) `results` are the items' business.
        body["results"] = nil
        if isVerbose(raw) {
            emitLine("skipping: [\(host)] => \(dump(body))", Palette.skip)
        } else {
            emit("skipping: [\(host)]\n", Palette.skip)
        }
    }

    /// ansible's `_run_is_verbose`: -v or `_ansible_verbose_always`, unless overridden.
    func isVerbose(_ raw: PyDict) -> Bool {
        (verbosity > 0 || raw["_ansible_verbose_always"] == .bool(true)) && raw["_ansible_verbose_override"] != .bool(true)
    }

    /// ansible's `_clean_results` for debug: with `msg`, only msg, exception, warnings and
    /// deprecations stay; with `var`, changed, failed, skipped, invocation, skip_reason and
    /// the loop's own variables go.
    static func cleanDebug(_ body: PyDict) -> PyDict {
        var out = body
        if body["msg"] != nil {
            for k in body.keys where !["msg", "exception", "warnings", "deprecations"].contains(k.pythonString) { out[k] = nil }
        } else {
            for k in ["changed", "failed", "skipped", "invocation", "skip_reason", "ansible_loop_var", "ansible_index_var", "ansible_loop"] {
                out[.string(k)] = nil
            }
        }
        return out
    }

    /// One loop item: `ok: [h] => (item=a)`, with the debug output or failure after it. As in
    /// ansible-core 2.21, a verbose item shows its loop variables (`ansible_loop_var`, `item`,
    /// the index variable) with its result; a failed item gets its own error report first.
    func itemLine(host: String, _ item: PyDict, debug: Bool, short: String, location: SourceLocation) {
        let label = (item["_ansible_item_label"] ?? item[item["ansible_loop_var"].map { .string($0.pythonString) } ?? "item"])
            .map(\.pythonString) ?? ""
        let shownLabel = item["censored"] != nil ? "(censored due to no_log)" : label
        var body = item
        for k in body.keys where k.pythonString.hasPrefix("_ansible") { body[k] = nil }
        let status = TaskResult(item).status
        switch status {
        case .skipped:
            if debug { body = Self.cleanDebug(body) }
            body["skipped"] = nil
            if isVerbose(item) {
                emitLine("skipping: [\(host)] => (item=\(shownLabel))  => \(dump(body))", Palette.skip)
            } else {
                emit("skipping: [\(host)] => (item=\(shownLabel)) \n", Palette.skip)
            }
        case .failed:
            if debug { body = Self.cleanDebug(body) }
            failure(host: host, body, short: short, location: location, ignored: false,
                    causes: item["_ansible_error_causes"]?.listValue ?? [],
                    summary: item["_ansible_error_summary"]?.pythonString, raw: item, itemLabel: shownLabel)
        case .unreachable: emitLine("fatal: [\(host)]: UNREACHABLE! => (item=\(shownLabel)) => \(dump(body))", Palette.unreachable)
        case .ok, .changed:
            let word = status == .changed ? "changed" : "ok"
            let code = status == .changed ? Palette.changed : Palette.ok
            if (debug || verbosity > 0) && item["censored"] == nil {
                if debug { body = Self.cleanDebug(body) }
                let always = item["_ansible_verbose_always"] == .bool(true) || debug
                emitLine("\(word): [\(host)] => (item=\(shownLabel)) => \(dump(body, verboseAlways: always))", code)
            } else {
                emit("\(word): [\(host)] => (item=\(shownLabel))\n", code)
            }
        }
    }

    /// ansible-core 2.21's failure report: the error with the task's origin and source lines,
    /// then the result without its `failed` flag, then `...ignoring` when ignored.
    func failure(host: String, _ values: PyDict, short: String, location: SourceLocation, ignored: Bool, causes: [Value] = [],
                 summary: String? = nil, raw: PyDict = PyDict(), itemLabel: String? = nil) {
        var body = values
        // Status flags are not part of what ansible's callbacks show of a result.
        body["failed"] = nil
        body["skipped"] = nil
        // The traceback is ansible's -vvv business; the report leaves it out.
        body["exception"] = nil
        let kind = Self.controllerActions.contains(short) ? "Action" : "Module"
        // With no_log the message stays hidden too (ansible-core 2.21 still prints it here).
        // The report's message: the module's own account of the error when it gave one apart
        // from its `msg` (ansible reports the exception, the result keeps the short message).
        let message = values["censored"] != nil ? "(censored due to no_log)" : summary ?? values["msg"]?.pythonString ?? "Task failed."
        // A task's `timeout`, the executor's own errors ("does not support raw params") and a
        // connection or privilege escalation error ("Task failed: Incorrect sudo password") are
        // the task's failure, not its action's: the message says so itself.
        let ownWords = values["timedout"] != nil || (short != "fail" && message.hasPrefix("Task failed: "))
        if raw["_ansible_error_none"] == .bool(true) {
            // Failed without an error (an `until` never met): no report, as in ansible.
        } else if raw["_ansible_error_own_words"] == .bool(true) {
            var at = location
            if let o = raw["_ansible_error_origin"]?.dictValue, let file = o["file"]?.pythonString {
                at = SourceLocation(file: file, line: Int(o["line"]?.pythonString ?? "") ?? 0, column: Int(o["column"]?.pythonString ?? "") ?? 0)
            }
            report("[ERROR]: \(message)\n", location: at)
        } else if !causes.isEmpty, values["censored"] == nil {
            // A controller action's failed argument leaves no `changed` in the result (a module's
            // does: ansible's normal action reports it).
            if Self.controllerActions.contains(short) { body["changed"] = nil }
            report("[ERROR]: \(message)\n\n", first: "Task failed.", location: location, causes: causes)
        } else {
            report(ownWords ? "[ERROR]: \(message)\n" : "[ERROR]: Task failed: \(kind) failed: \(message)\n",
                   location: location)
        }
        let shownBody = dump(body, verboseAlways: raw["_ansible_verbose_always"] == .bool(true))
        if let itemLabel {
            emitLine("failed: [\(host)] (item=\(itemLabel)) => \(shownBody)", Palette.error)
        } else {
            emitLine("fatal: [\(host)]: FAILED! => \(shownBody)", Palette.error)
        }
        if ignored { emit("...ignoring\n", Palette.skip) }
    }

    /// An error with the task's origin and source lines. ansible's display prints an error only
    /// once per run: later hosts failing the same way show just their `fatal:` line.
    func report(_ message: String, location: SourceLocation) {
        var text = message
        if location.line > 0 { text += Self.origin(location) }
        if printedErrors.insert(text).inserted { emit(text, Palette.error) }
    }

    /// An error with its causes (`msg`, `file`, `line`, `column`), as ansible-core's verbose
    /// event format: a cause that has no origin of its own or the same origin as the error it
    /// explains is joined to that error's message ("Task failed: Finalization ... failed."),
    /// the others follow after `<<< caused by >>>`, each with its origin and source lines.
    func report(_ header: String, first: String, location: SourceLocation, causes: [Value]) {
        var chain: [(message: String, location: SourceLocation?)] = [(first, location.line > 0 ? location : nil)]
        for cause in causes {
            guard let c = cause.dictValue else { continue }
            var at: SourceLocation? = nil
            if let file = c["file"]?.pythonString, !file.isEmpty, let line = Int(c["line"]?.pythonString ?? ""), line > 0 {
                at = SourceLocation(file: file, line: line, column: Int(c["column"]?.pythonString ?? "") ?? 0)
            }
            chain.append((c["msg"]?.pythonString ?? "", at))
        }
        var text = header
        var i = 0
        while i < chain.count {
            var parts = [chain[i].message]
            var j = i + 1
            while j < chain.count, chain[j].location == nil || chain[j].location == chain[i].location {
                parts.append(chain[j].message)
                j += 1
            }
            text += Self.joinedMessage(parts) + "\n"
            if let at = chain[i].location { text += Self.origin(at) }
            if j < chain.count { text += "<<< caused by >>>\n\n" }
            i = j
        }
        if printedErrors.insert(text).inserted { emit(text, Palette.error) }
    }

    /// "Origin: file:line:col", a blank line and the source excerpt.
    static func origin(_ location: SourceLocation) -> String {
        var absolute = location
        absolute.file = URL(fileURLWithPath: location.file).standardizedFileURL.path
        return "Origin: \(absolute)\n\n" + excerpt(location) + "\n"
    }

    /// Messages of an error and its causes joined as ansible joins them: each cause after the
    /// message it explains and ": " (the message's closing dots and spaces dropped), a cause
    /// the message already ends with left out.
    static func joinedMessage(_ parts: [String]) -> String {
        var reversed = Array(parts.reversed())
        var message = reversed.removeFirst()
        for part in reversed {
            if part.hasSuffix(message) {
                message = part
            } else {
                var left = Substring(part)
                while let last = left.last, last == "." || last == " " { left = left.dropLast() }
                message = "\(left): \(message)"
            }
        }
        return message
    }

    /// Up to three source lines ending at the location's line, numbered, and a caret line, as
    /// ansible-core's `SourceContext.from_origin`: tabs shown as spaces, no space after the
    /// number of an empty line, lines cut at 120 columns with `...`, the caret line turned
    /// around (`column N ^`) when it would run past the edge.
    static func excerpt(_ loc: SourceLocation) -> String {
        guard let text = try? String(contentsOfFile: loc.file, encoding: .utf8) else { return "" }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard loc.line >= 1, loc.line <= lines.count else { return "" }
        let first = max(1, loc.line - 2)
        let width = String(loc.line).count
        let maxLine = 120 - width - 1
        var usable = maxLine
        var out = ""
        for n in first...loc.line {
            var line = String(lines[n - 1]).replacingOccurrences(of: "\t", with: " ")
            if line.count > maxLine {
                line = String(line.prefix(maxLine - 3)) + "..."
                usable = maxLine - 3
            }
            let number = String(n)
            out += String(repeating: " ", count: width - number.count) + number + (line.isEmpty ? "" : " ") + line + "\n"
        }
        let column = loc.column
        guard column >= 1, column <= usable else { return out }
        let label = "column \(column)"
        let marker = column - 1 + 2 + label.count > maxLine
            ? String(repeating: " ", count: max(0, column - 1 - label.count - 1)) + label + " ^"
            : String(repeating: " ", count: column - 1) + "^ " + label
        return out + String(repeating: " ", count: width) + " " + marker + "\n"
    }

    /// A result after `=>`, as `_dump_results` writes it.
    func dump(_ body: PyDict, verboseAlways: Bool = false) -> String {
        resultFormat.dump(body, verboseAlways: verboseAlways, verbosity: verbosity)
    }

    func sorted(_ d: PyDict) -> PyDict {
        PyDict(d.items.sorted { $0.key.pythonString < $1.key.pythonString }.map { ($0.key, $0.value) })
    }

    public func included(_ file: String, hosts: [String], item: String?) {
        emit("included: \(file) for \(hosts.joined(separator: ", "))" + (item.map { " => (item=\($0))" } ?? "") + "\n", Palette.included)
    }

    public func warning(_ diagnostic: Diagnostic) { writeError(paint(DiagnosticRenderer().render(diagnostic) + "\n", Palette.warn)) }
    public func error(_ diagnostic: Diagnostic) { writeError(paint(DiagnosticRenderer().render(diagnostic) + "\n", Palette.error)) }

    public func noHostsRemaining() { banner("NO MORE HOSTS LEFT") }

    /// `v2_runner_retry`, in `COLOR_DEBUG`; the attempt's result follows at -vvv (or when the
    /// result is verbose-always).
    public func retrying(host: String, taskName: String, retriesLeft: Int, result: TaskResult) {
        var text = "FAILED - RETRYING: [\(host)]: \(taskName) (\(retriesLeft) retries left)."
        let always = result.values["_ansible_verbose_always"] == .bool(true)
        if (verbosity > 2 || always) && result.values["_ansible_verbose_override"] != .bool(true) {
            var body = result.values
            for k in body.keys where k.pythonString.hasPrefix("_ansible") || k.pythonString == "action" { body[k] = nil }
            text += "Result was: " + dump(body, verboseAlways: always)
        }
        emitLine(text, Palette.retry)
    }

    public func display(_ text: String) { write(text + "\n") }

    /// ansible's `display.vv` and friends: a line in the verbose colour.
    public func verbose(_ text: String) { emit(text + "\n", Palette.verbose) }

    /// ansible's default callback dumps each value as JSON indented by one with the line
    /// breaks taken out: `{ "count": 4, "names": [  "a",  "b" ]}`.
    public func customStats(perHost: [(String, PyDict)], run: PyDict?) {
        banner("CUSTOM STATS:")
        func flat(_ d: PyDict) -> String {
            JSONText.encode(.dict(sorted(d)), indent: 1).replacingOccurrences(of: "\n", with: "")
        }
        for (host, data) in perHost { write("\t\(host): \(flat(data))\n") }
        if let run {
            write("\n")
            write("\tRUN: \(flat(run))\n")
        }
        write("\n")
    }

    public func recap(_ stats: [(host: String, stats: HostRecap)]) {
        banner("PLAY RECAP")
        for (host, s) in stats {
            // ansible's colorize(): `lead=%-4s`, coloured when not zero.
            func field(_ lead: String, _ n: Int, _ code: String) -> String {
                let v = String(n)
                let text = "\(lead)=\(v)\(String(repeating: " ", count: max(0, 4 - v.count)))"
                return n != 0 ? paint(text, code) : text
            }
            // ansible's hostcolor(): `%-37s` around the coloured name (escapes counted), else `%-26s`.
            let name = color ? paint(host, s.failures != 0 || s.unreachable != 0 ? Palette.error : s.changed != 0 ? Palette.changed : Palette.ok) : host
            let width = color ? 37 : 26
            let padded = name + String(repeating: " ", count: max(0, width - name.count))
            write("\(padded) : \(field("ok", s.ok, Palette.ok)) \(field("changed", s.changed, Palette.changed)) \(field("unreachable", s.unreachable, Palette.unreachable)) \(field("failed", s.failures, Palette.error)) \(field("skipped", s.skipped, Palette.skip)) \(field("rescued", s.rescued, Palette.ok)) \(field("ignored", s.ignored, Palette.warn))\n")
        }
        write("\n")
    }
}
