import Foundation

extension Become {
    /// The bootstrap stream, sent as the login user, that runs `script` as `user`: a one-line
    /// outer script that runs sudo/su on `/bin/sh -c '<marker>; <bootstrap>'` with the rest of
    /// the stream as its stdin: the password line when there is one, then the bootstrap stream
    /// of the real script and payload. sudo closes descriptors above 2, so everything the inner
    /// side needs travels on its stdin. su reads its password through PAM, which may read
    /// past the line it wants from a pipe; so the outer shell reads the password line itself
    /// (the `read` builtin stops at the newline), gives su only that line as its stdin, and
    /// hands the rest of the stream to the inner shell on descriptor 3 (su keeps it open).
    /// The inner shell prints the marker on stderr too, so whatever su printed before it (its
    /// prompt) can be cut away. Nothing secret is in any argv (`printf` is a builtin). With
    /// `passStdin` the script reads the rest of the stream as its stdin (a persistent
    /// `RemoteShell`).
    public func wrap(script: String, input: Data?, environment: [String: String], passStdin: Bool = false) -> (stream: Data, marker: String) {
        let marker = "BECOME-SUCCESS-" + Self.nonce()
        let innerProgram = "echo \(marker); " + ShellBootstrap.program
        var payload = Data()
        let outer: String
        switch method {
        case "su":
            let inner = "exec 0<&3 3<&-; echo \(marker); echo \(marker) >&2; " + ShellBootstrap.program
            let command = [exe ?? "su"] + Self.words(flags ?? "") + [user, "-c", "/bin/sh -c " + ShellQuote.quote(inner)]
            let su = command.map(ShellQuote.quote).joined(separator: " ")
            if let password {
                payload.append(Data((password + "\n").utf8))
                outer = "exec 3<&0; IFS= read -r __p || exit 125; printf '%s\\n' \"$__p\" | \(su)\n"
            } else {
                // No password to give: su asking for one reads the end of /dev/null, not the stream.
                outer = "exec 3<&0 </dev/null; exec \(su)\n"
            }
        default:
            var flagWords = Self.words(flags ?? "-H -S -n")
            if password != nil {
                // With a password, sudo must be allowed to ask (no -n) and read it from stdin (-S).
                flagWords.removeAll { $0 == "-n" }
                if !flagWords.contains("-S") { flagWords.append("-S") }
                flagWords += ["-p", Self.prompt(marker)]
                payload.append(Data(((password ?? "") + "\n").utf8))
            }
            let command = [exe ?? "sudo"] + flagWords + ["-u", user, "/bin/sh", "-c", innerProgram]
            // exec: if sudo cannot start, the login shell ends here instead of going on.
            outer = "exec " + command.map(ShellQuote.quote).joined(separator: " ") + "\n"
        }
        payload.append(ShellBootstrap.stream(script: script, input: input, environment: environment, passStdin: passStdin))
        return (ShellBootstrap.stream(script: outer, input: payload, environment: [:], passStdin: true), marker)
    }

    /// The outcome as the task sees it: the marker line removed, or the reason escalation failed.
    public func unwrap(_ outcome: CommandOutcome, marker: String, host: String) throws(ConnectionError) -> CommandOutcome {
        var out = outcome
        out.stderr = out.stderr.replacingOccurrences(of: Self.prompt(marker), with: "")
        if out.stdout.hasPrefix(marker + "\n") {
            out.stdout.removeFirst(marker.count + 1)
            if method == "su", let end = out.stderr.range(of: marker + "\n") {
                out.stderr.removeSubrange(..<end.upperBound)
            }
            return out
        }
        let stderr = out.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        let name = exe ?? method
        if method == "sudo" {
            if stderr.contains("a password is required") || stderr.contains("a terminal is required") {
                throw ConnectionError("Missing sudo password", unreachable: false)
            }
            if stderr.contains("incorrect password") || stderr.contains("Sorry, try again") {
                throw ConnectionError("Incorrect sudo password", unreachable: false)
            }
        } else if stderr.contains("Authentication failure") {
            // ansible-playbook waits 12 s for a prompt that never gets an answer and reports the
            // host unreachable; runner knows at once, and says why.
            guard password != nil else {
                throw ConnectionError("Missing su password: su on \(host) asked for the password of '\(user)' "
                                      + "(give it with -K, --become-password-file or ansible_become_password)")
            }
            throw ConnectionError("Incorrect su password", unreachable: false)
        } else if stderr.contains("must be run from a terminal") {
            throw ConnectionError("su on \(host) reads a password only from a terminal, and runner gives it on stdin: "
                                  + "use become_method sudo on this host, or log in as root", unreachable: false)
        }
        if outcome.rc == 127 {
            throw ConnectionError("privilege escalation failed on \(host): '\(name)' was not found on the host: \(stderr)", unreachable: false)
        }
        throw ConnectionError("privilege escalation with \(method) to '\(user)' failed on \(host) (rc \(outcome.rc)): \(stderr.isEmpty ? outcome.stdout : stderr)",
                              unreachable: false)
    }

    static func prompt(_ marker: String) -> String { "[sudo via runner, key=\(marker.dropFirst("BECOME-SUCCESS-".count))] password:" }

    static func nonce() -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return String((0..<32).map { _ in letters.randomElement()! })
    }

    /// Flags split on whitespace (Ansible splits `become_flags` the same simple way).
    static func words(_ s: String) -> [String] { s.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
}
