import Foundation

/// The fixed remote command and the stdin stream that carry a script (and its payload) to a
/// host without putting either in argv, where `ps` would show them.
///
/// The stream is a header line `"<script lines> <mode>"`, the script, then what the mode says
/// follows: `-` nothing (the script's stdin is /dev/null), `+` the rest of the stream is the
/// script's own stdin (how `become` hands the inner stream to sudo), or a byte count: a payload
/// the bootstrap stores (mode 0600) in a private `mktemp -d` directory, opens as file
/// descriptor 3 and deletes at once. The bootstrap, POSIX sh that busybox ash runs too, reads the script lines
/// with the `read` builtin (which never reads past a newline, so what follows stays intact)
/// and `eval`s them in its own shell: no temporary script file, no second shell, one process
/// fewer per task than writing the script out.
public enum ShellBootstrap {
    /// The bootstrap program: the same text for every task and every host.
    public static let program = [
        "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM",
        "IFS=' ' read -r __n __m || exit 125",
        "__s=; __i=0; while [ \"$__i\" -lt \"$__n\" ]; do IFS= read -r __l || exit 125; __s=\"$__s$__l",
        "\"; __i=$((__i+1)); done",
        "case $__m in -) exec </dev/null ;; +) ;; *) __d=$(mktemp -d) || exit 125; (umask 077; cat >\"$__d/p\"); exec 3<\"$__d/p\" </dev/null; rm -rf \"$__d\" ;; esac",
        "unset __n __m __i __l __d",
        "eval \"$__s\"",
    ].joined(separator: "\n")

    /// `/bin/sh -c '<program>'`, as one shell command line (what ssh hands the login shell).
    public static var commandLine: String { "/bin/sh -c " + ShellQuote.quote(program) }

    /// The stdin stream for one script: header, script (with `environment` exported first), then
    /// the payload (on descriptor 3), or with `passStdin` the bytes the script reads as its stdin.
    public static func stream(script: String, input: Data?, environment: [String: String], passStdin: Bool = false) -> Data {
        var text = ""
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where isName(name) {
            text += "export \(name)=\(ShellQuote.quote(value))\n"
        }
        text += script
        if !text.hasSuffix("\n") { text += "\n" }
        let lines = text.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        let mode = passStdin ? "+" : input.map { String($0.count) } ?? "-"
        var data = Data("\(lines) \(mode)\n".utf8)
        data.append(Data(text.utf8))
        if let input { data.append(input) }
        return data
    }

    /// A shell variable name (`environment:` keys that are not are left out, as `env` would
    /// refuse them).
    static func isName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
