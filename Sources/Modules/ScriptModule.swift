import Connection
import Core
import Foundation

/// `script`: a controller file sent over the payload descriptor into a private temporary
/// file on the target and run there with the rest of the command line as its arguments
/// (through the target's shell, as Ansible does, so `$VAR`s in them expand). `creates` and
/// `removes` are checked on the target first; check mode then skips, as in Ansible. The
/// temporary file is removed afterwards whatever the outcome.
struct ScriptModule: Module {
    static let options: Set<String> = ["_raw_params", "cmd", "chdir", "creates", "executable", "removes"]

    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(Self.options, module: "script") { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in try script(context) }
    }

    func script(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        guard let line = context.string("cmd") ?? context.string("_raw_params"),
              let (name, arguments) = Self.splitCommand(line) else {
            return .failed("script requires a cmd or a free-form command line")
        }
        if let creates = context.string("creates"), try exists(creates, context) {
            return Self.skipped("\(creates) exists, matching creates option")
        }
        if let removes = context.string("removes"), try !exists(removes, context) {
            return Self.skipped("\(removes) does not exist, matching removes option")
        }
        guard let local = context.findLocalFile(name, subdirectory: "files"),
              let data = FileManager.default.contents(atPath: local) else {
            return .failed("Could not find or access '\(name)' on the Ansible Controller.")
        }
        if context.checkMode { return Self.skipped("Check mode is not supported for this task.") }
        var body = "t=$(mktemp \"${TMPDIR:-/tmp}/.ansible-tmp-script.XXXXXX\") || exit 1\n"
        body += "trap 'rm -f \"$t\"' EXIT\ncat <&3 > \"$t\" && chmod 700 \"$t\" || exit 1\n"
        if let chdir = context.string("chdir") {
            body += "cd \(ShellQuote.quote(chdir)) || exit 1\n"
        }
        let runner = context.string("executable").map { ShellQuote.quote($0) + " " } ?? ""
        body += "\(runner)\"$t\" \(arguments) </dev/null\n"
        let outcome = try context.remote(body, input: data)
        return RawModule.result(outcome)
    }

    /// The script's name and the rest of the command line, as the target's shell will read it.
    static func splitCommand(_ line: String) -> (String, String)? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        guard let first = trimmed.first else { return nil }
        if first == "'" || first == "\"" || trimmed.prefix(while: { !$0.isWhitespace }).contains("\\") {
            guard let words = ShellWords.split(String(trimmed)), let name = words.first else { return nil }
            return (name, words.dropFirst().map(ShellQuote.quote).joined(separator: " "))
        }
        let name = trimmed.prefix { !$0.isWhitespace }
        return (String(name), String(trimmed.dropFirst(name.count)))
    }

    func exists(_ path: String, _ context: ModuleContext) throws(ModuleFailure) -> Bool {
        let probe = try context.probe("if [ -e \(ShellQuote.quote(path)) ]; then echo 'E|1'; fi")
        return probe["E"] != nil
    }

    static func skipped(_ msg: String) -> TaskResult {
        TaskResult(PyDict([("changed", false), ("msg", .string(msg)), ("skipped", true)]))
    }
}
