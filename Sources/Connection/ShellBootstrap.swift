import Foundation

/// The fixed remote command and the stdin stream that carry a script (and its payload) to a
/// host without putting either in argv, where `ps` would show them.
///
/// The stream is a header line `"<script lines> <payload bytes>"` (`-` for no payload), the
/// script, then the payload. The bootstrap, POSIX sh that busybox ash runs too, stores them in a
/// private `mktemp -d` directory, opens the payload as file descriptor 3 and deletes it at once,
/// then runs the script with its stdin at /dev/null. With no payload the script is simply the
/// rest of stdin. Lines are read with the `read` builtin, which never reads past a newline, so
/// the payload that follows stays intact (`head -c` and dash's own parser may read ahead on a
/// pipe).
public enum ShellBootstrap {
    /// The bootstrap program: the same text for every task and every host.
    public static let program = [
        "d=$(mktemp -d) || exit 125",
        "trap 'rm -rf \"$d\"' EXIT; trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM",
        "IFS=' ' read -r n m || exit 125",
        "if [ \"$m\" = - ]; then cat >\"$d/s\"; else",
        "i=0; while [ \"$i\" -lt \"$n\" ]; do IFS= read -r l || exit 125; printf '%s\\n' \"$l\"; i=$((i+1)); done >\"$d/s\"",
        "cat >\"$d/p\"; exec 3<\"$d/p\"; rm -f \"$d/p\"; fi",
        "/bin/sh \"$d/s\" </dev/null; r=$?; rm -rf \"$d\"; exit $r",
    ].joined(separator: "\n")

    /// `/bin/sh -c '<program>'`, as one shell command line (what ssh hands the login shell).
    public static var commandLine: String { "/bin/sh -c " + ShellQuote.quote(program) }

    /// The stdin stream for one script: header, script (with `environment` exported first),
    /// payload.
    public static func stream(script: String, input: Data?, environment: [String: String]) -> Data {
        var text = ""
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where isName(name) {
            text += "export \(name)=\(ShellQuote.quote(value))\n"
        }
        text += script
        if !text.hasSuffix("\n") { text += "\n" }
        var data = Data()
        if let input {
            let lines = text.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            data.append(Data("\(lines) \(input.count)\n".utf8))
            data.append(Data(text.utf8))
            data.append(input)
        } else {
            data.append(Data("0 -\n".utf8))
            data.append(Data(text.utf8))
        }
        return data
    }

    /// A shell variable name (`environment:` keys that are not are left out, as `env` would
    /// refuse them).
    static func isName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
