import Foundation

extension Become {
    /// The bootstrap stream, sent as the login user, that runs `script` as `user`: a one-line
    /// outer script that execs sudo/su on `/bin/sh -c '<marker>; <bootstrap>'` with the rest of
    /// the stream as its stdin: the password line when there is one, then the bootstrap stream
    /// of the real script and payload. sudo closes descriptors above 2, so everything the inner
    /// side needs travels on its stdin. Nothing secret is in any argv. With `passStdin` the
    /// script reads the rest of the stream as its stdin (a persistent `RemoteShell`).
    public func wrap(script: String, input: Data?, environment: [String: String], passStdin: Bool = false) -> (stream: Data, marker: String) {
        let marker = "BECOME-SUCCESS-" + Self.nonce()
        let innerProgram = "echo \(marker); " + ShellBootstrap.program
        var payload = Data()
        var command: [String]
        switch method {
        case "su":
            command = [exe ?? "su"] + Self.words(flags ?? "") + [user, "-c", "/bin/sh -c " + ShellQuote.quote(innerProgram)]
        default:
            var flagWords = Self.words(flags ?? "-H -S -n")
            if password != nil {
                // With a password, sudo must be allowed to ask (no -n) and read it from stdin (-S).
                flagWords.removeAll { $0 == "-n" }
                if !flagWords.contains("-S") { flagWords.append("-S") }
                flagWords += ["-p", Self.prompt(marker)]
                payload.append(Data(((password ?? "") + "\n").utf8))
            }
            command = [exe ?? "sudo"] + flagWords + ["-u", user, "/bin/sh", "-c", innerProgram]
        }
        payload.append(ShellBootstrap.stream(script: script, input: input, environment: environment, passStdin: passStdin))
        // exec: if sudo/su cannot start, the login shell ends here instead of going on.
        let outer = "exec " + command.map(ShellQuote.quote).joined(separator: " ") + "\n"
        return (ShellBootstrap.stream(script: outer, input: payload, environment: [:], passStdin: true), marker)
    }

    /// The outcome as the task sees it: the marker line removed, or the reason escalation failed.
    public func unwrap(_ outcome: CommandOutcome, marker: String, host: String) throws(ConnectionError) -> CommandOutcome {
        var out = outcome
        out.stderr = out.stderr.replacingOccurrences(of: Self.prompt(marker), with: "")
        if out.stdout.hasPrefix(marker + "\n") {
            out.stdout.removeFirst(marker.count + 1)
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
        } else if stderr.contains("Authentication failure") || stderr.contains("must be run from a terminal") {
            throw ConnectionError(password == nil ? "Missing su password (su needs one unless the login user is root)"
                                                  : "su with a password is not supported by runner yet (use sudo)", unreachable: false)
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
