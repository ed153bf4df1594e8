import Connection
import Core
import Foundation

/// `tempfile`: a new file (mode 0600) or directory (0700) named `<prefix>XXXXXX<suffix>` in
/// `path` (else `$TMPDIR`, else `/tmp`); always `changed`. The name is made on the target with
/// `set -C` (no clobber) so two runs never share one. The prefix defaults to `ansible.`.
struct TempFileModule: Module {
    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(["state", "path", "prefix", "suffix"], module: "tempfile") { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in
            let state = context.string("state") ?? "file"
            guard state == "file" || state == "directory" else {
                return .failed("value of state must be one of: directory, file, got: \(state)")
            }
            let prefix = context.string("prefix") ?? "ansible."
            let suffix = context.string("suffix") ?? ""
            let dir = context.string("path").map(ShellQuote.quote) ?? "\"${TMPDIR:-/tmp}\""
            if context.checkMode {
                return .ok(PyDict([("path", .string("/tmp/\(prefix)XXXXXXXX\(suffix)")), ("state", .string(state))]), changed: true)
            }
            let make = state == "directory" ? "mkdir -m 700 \"$t\" 2>/dev/null" : "( umask 077; set -C; : > \"$t\" ) 2>/dev/null"
            let script = """
            d=\(dir); [ -d "$d" ] || { echo "tempfile: directory $d does not exist" >&2; exit 1; }
            n=0
            while :; do
              r=$(od -An -N6 -tx1 /dev/urandom 2>/dev/null | tr -d ' \\n'); [ -n "$r" ] || r=$$$n
              t="$d/"\(ShellQuote.quote(prefix))"$r"\(ShellQuote.quote(suffix))
              if \(make); then break; fi
              n=$((n+1)); [ $n -lt 100 ] || { echo "tempfile: could not create a unique name in $d" >&2; exit 1; }
            done
            printf 'PATH|%s\\n' "$t"
            \(RemoteStat.command(word: "\"$t\"", tag: "S"))
            """
            let outcome = try context.remote(script)
            let probe = ProbeOutput(outcome.stdout)
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
}
