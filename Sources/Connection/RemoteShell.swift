import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A POSIX shell kept running on a host (as the login user, or as a `become` user through one
/// sudo/su for the whole run) on a session of the host's ssh master, reached through the
/// master's socket: a task is then one request on an open channel: no ssh client, no sshd
/// session, no login shell and no sudo started per task.
///
/// The shell reads requests in the `ShellBootstrap` stream format (header line, script lines,
/// payload) and runs each script in a subshell with stdin `/dev/null` (and the payload on
/// descriptor 3), so a script's `exit`, `cd`, variables and traps end with it, as they would
/// in a fresh shell. After each script it writes a frame: `\n<key> <status>\n` on stdout and
/// `\n<key>\n` on stderr, `key` a random word the scripts are not given.
final class RemoteShell: @unchecked Sendable {
    private var stdinFD: Int32
    private let stdoutFD: Int32
    private let stderrFD: Int32
    private let session: SSHMux.Session
    private let key: [UInt8]
    /// The host's `head -c` reads no more than it is asked (GNU coreutils'); without it a
    /// payload cannot be cut out of the request stream, and such tasks take the one-shot path.
    let carriesPayloads: Bool

    private init(stdinFD: Int32, stdoutFD: Int32, stderrFD: Int32, session: SSHMux.Session, key: [UInt8], carriesPayloads: Bool) {
        self.stdinFD = stdinFD
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
        self.session = session
        self.key = key
        self.carriesPayloads = carriesPayloads
    }

    deinit {
        if stdinFD >= 0 { Glibc.close(stdinFD) }
        Glibc.close(stdoutFD)
        Glibc.close(stderrFD)
    }

    /// How a start failed: no master to open a session on (the caller uses one-shot ssh, which
    /// opens one), or the host/escalation refused (`error`, as a one-shot task would report).
    enum StartFailure: Error {
        case noMaster
        case failed(ConnectionError)
    }

    /// Starts a shell through the master at `controlPath` for the host of `settings`, as
    /// `become` says.
    static func start(controlPath: String, become: Become?, settings: SSHSettings) throws(StartFailure) -> RemoteShell {
        let host = settings.host
        let key = "RUNNER-SHELL-" + Become.nonce()
        let program = serverProgram(key: key)
        let launch: Data
        var marker: String? = nil
        if let become {
            let wrapped = become.wrap(script: program, input: nil, environment: [:], passStdin: true)
            launch = wrapped.stream
            marker = wrapped.marker
        } else {
            launch = ShellBootstrap.stream(script: program, input: nil, environment: [:], passStdin: true)
        }
        guard let piped = SSHMux.openPiped(path: controlPath, command: ShellBootstrap.commandLine) else { throw .noMaster }
        let session = piped.session
        let keyBytes = Array(key.utf8)
        var frames = FrameScanner(key: keyBytes)
        let (output, ended) = PipePump.exchange(input: [UInt8](launch), writeFD: piped.stdin, closeWriteWhenDone: false,
                                                readFDs: [piped.stdout, piped.stderr]) { frames.complete($0) }
        if ended || frames.status == nil {
            SSHMux.closeAll(piped.stdin, piped.stdout, piped.stderr)
            // The shell did not come up: report what a one-shot task would have seen.
            let status = session.exitStatus()
            let outcome = CommandOutcome(rc: status, stdout: String(decoding: output[0], as: UTF8.self),
                                         stderr: String(decoding: output[1], as: UTF8.self))
            if status == 255 {
                // Worded as every unreachable ssh result is (host and port included).
                let said = SSHConnection.withoutNoise(outcome.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
                throw .failed(ConnectionError(SSHConnection(settings: settings).unreachableMessage(said)))
            }
            if let become, let marker {
                do throws(ConnectionError) { _ = try become.unwrap(outcome, marker: marker, host: host) } catch { throw .failed(error) }
            }
            throw .failed(ConnectionError("could not start a shell on \(host) (rc \(status)): \(outcome.stderr)", unreachable: false))
        }
        let ready = String(decoding: output[0][frames.stdoutFrameStart...], as: UTF8.self)
        return RemoteShell(stdinFD: piped.stdin, stdoutFD: piped.stdout, stderrFD: piped.stderr,
                           session: session, key: keyBytes, carriesPayloads: ready.hasSuffix(" 1\n"))
    }

    /// Runs one request (a `ShellBootstrap.stream`); a failure when the shell has gone (its
    /// session ended), with what it printed and its status as the master reported it.
    func run(_ request: Data) -> Answer {
        var frames = FrameScanner(key: key)
        let (output, ended) = PipePump.exchange(input: [UInt8](request), writeFD: stdinFD, closeWriteWhenDone: false,
                                                readFDs: [stdoutFD, stderrFD]) { frames.complete($0) }
        if ended || frames.status == nil {
            return .gone(CommandOutcome(rc: session.exitStatus(), stdout: String(decoding: output[0], as: UTF8.self),
                                           stderr: String(decoding: output[1], as: UTF8.self)))
        }
        return .answered(CommandOutcome(rc: frames.status ?? 0,
                                       stdout: String(decoding: output[0][..<frames.stdoutFrameStart], as: UTF8.self),
                                       stderr: String(decoding: output[1][..<frames.stderrFrameStart], as: UTF8.self)))
    }

    /// What a request got back: the script's outcome, or, when the shell's session ended
    /// instead, what the master reported.
    enum Answer {
        case answered(CommandOutcome)
        case gone(CommandOutcome)
    }

    /// Ends the shell: end of input makes its loop return.
    func shutdown() {
        if stdinFD >= 0 { Glibc.close(stdinFD) }
        stdinFD = -1
    }

    /// The shell's program, run by the bootstrap with the rest of the stream as its stdin.
    static func serverProgram(key: String) -> String {
        """
        __k=\(key); __h=0
        case $(head --version 2>/dev/null) in *GNU*) __h=1 ;; esac
        __D=$(mktemp -d) || exit 125
        trap 'rm -rf "$__D"' EXIT; trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM
        printf '\\n%s ready %s\\n' "$__k" "$__h"; printf '\\n%s\\n' "$__k" >&2
        while IFS=' ' read -r __n __m; do
        __s=; __i=0
        while [ "$__i" -lt "$__n" ]; do IFS= read -r __l || exit 125; __s="$__s$__l
        "; __i=$((__i+1)); done
        case $__m in
        -) (unset __k __h __n __m __i __l __D; trap - EXIT HUP INT TERM; eval "$__s") </dev/null; __r=$? ;;
        *) (umask 077; head -c "$__m" >"$__D/p") || exit 125
        (rm -f "$__D/p"; unset __k __h __n __m __i __l __D; trap - EXIT HUP INT TERM; eval "$__s") </dev/null 3<"$__D/p"; __r=$? ;;
        esac
        printf '\\n%s %s\\n' "$__k" "$__r"; printf '\\n%s\\n' "$__k" >&2
        done
        """
    }
}

/// Finds the end-of-request frames in a shell's stdout and stderr as they arrive, looking only
/// at bytes not yet searched (output of any size costs linear time).
struct FrameScanner {
    let stdoutNeedle: [UInt8]
    let stderrNeedle: [UInt8]
    private var searchedOut = 0
    private var searchedErr = 0
    private(set) var stdoutFrameStart = -1
    private(set) var stderrFrameStart = -1
    /// The status the frame carried (`ready` frames carry none and report 0).
    private(set) var status: Int32?

    init(key: [UInt8]) {
        stdoutNeedle = [UInt8(ascii: "\n")] + key + [UInt8(ascii: " ")]
        stderrNeedle = [UInt8(ascii: "\n")] + key + [UInt8(ascii: "\n")]
    }

    mutating func complete(_ outputs: [[UInt8]]) -> Bool {
        if stdoutFrameStart < 0, let at = Self.find(stdoutNeedle, in: outputs[0], from: &searchedOut) {
            stdoutFrameStart = at
        }
        if status == nil, stdoutFrameStart >= 0 {
            let rest = outputs[0][(stdoutFrameStart + stdoutNeedle.count)...]
            if let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
                let word = String(decoding: rest[..<newline], as: UTF8.self)
                status = word.hasPrefix("ready") ? 0 : Int32(word) ?? 125
            }
        }
        if stderrFrameStart < 0, let at = Self.find(stderrNeedle, in: outputs[1], from: &searchedErr) {
            stderrFrameStart = at
        }
        return status != nil && stderrFrameStart >= 0
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from searched: inout Int) -> Int? {
        let start = max(0, searched - needle.count)
        searched = haystack.count
        guard haystack.count >= needle.count else { return nil }
        var i = start
        let last = haystack.count - needle.count
        let first = needle[0]
        while i <= last {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
