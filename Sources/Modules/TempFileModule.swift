import Connection
import Core
import Foundation

/// `tempfile`: a new file (mode 0600) or directory (0700) named `<prefix>XXXXXXXX<suffix>` in
/// `path` (else `$TMPDIR`, else `/tmp`); always `changed`. The eight random characters are
/// drawn from `a-z0-9_`, as Python's `tempfile` draws them. The name is made on the target
/// with `set -C` (no clobber) so two runs never share one. The prefix defaults to `ansible.`.
/// The module has no check mode: it is skipped there, as in ansible-core.
struct TempFileModule: Module {
    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(["state", "path", "prefix", "suffix"], module: "tempfile") { return failure }
        let state = context.string("state") ?? "file"
        guard state == "file" || state == "directory" else {
            return .failed("value of state must be one of: file, directory, got: \(state)")
        }
        if context.checkMode { return .checkModeUnsupported(module: "tempfile") }
        let prefix = context.string("prefix") ?? "ansible."
        let suffix = context.string("suffix") ?? ""
        for (name, part) in [("prefix", prefix), ("suffix", suffix)] where part.contains("/") {
            return .failed("\(name) must be a valid file name component, got \(Value.string(part).pythonRepr)")
        }
        return ModuleContext.outcome { () throws(ModuleFailure) in
            try create(context, state: state, prefix: prefix, suffix: suffix)
        }
    }

    /// Makes the file or directory; a directory that is missing, not a directory or not
    /// writable fails with the OSError text Python gives for the name it tried.
    func create(_ context: ModuleContext, state: String, prefix: String, suffix: String) throws(ModuleFailure) -> TaskResult {
        let dir = context.string("path").map(ShellQuote.quote) ?? "\"${TMPDIR:-/tmp}\""
        let make = state == "directory" ? "mkdir -m 700 \"$t\" 2>/dev/null" : "( umask 077; set -C; : > \"$t\" ) 2>/dev/null"
        let script = """
        d=\(dir); n=0
        while :; do
          r=$(LC_ALL=C tr -dc 'a-z0-9_' < /dev/urandom 2>/dev/null | head -c 8); [ ${#r} -eq 8 ] || r=$$$n
          t="$d/"\(ShellQuote.quote(prefix))"$r"\(ShellQuote.quote(suffix))
          if \(make); then break; fi
          if [ ! -e "$d" ]; then e='[Errno 2] No such file or directory'
          elif [ ! -d "$d" ]; then e='[Errno 20] Not a directory'
          elif [ ! -w "$d" ]; then e='[Errno 13] Permission denied'
          else n=$((n+1)); [ $n -lt 100 ] && continue; e='[Errno 17] File exists'; fi
          printf 'ERR|%s\\nERRPATH|%s\\n' "$e" "$t"; exit 0
        done
        printf 'PATH|%s\\n' "$t"
        \(RemoteStat.command(word: "\"$t\"", tag: "S"))
        """
        let outcome = try context.remote(script)
        let probe = ProbeOutput(outcome.stdout)
        if let error = probe["ERR"] {
            return .failed("\(error): \(Value.string(probe["ERRPATH"] ?? "").pythonRepr)")
        }
        guard outcome.rc == 0, let path = probe["PATH"] else {
            return .failed(outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        var v = PyDict()
        v["changed"] = true
        v["path"] = .string(path)
        if let s = RemoteStat.parse(probe, tag: "S") { for (k, x) in s.resultKeys.items { v[k] = x } }
        return TaskResult(v)
    }
}
