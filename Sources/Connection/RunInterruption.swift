import Core
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) and SIGTERM in the middle of a run, handled as ansible-playbook handles
/// them, with nothing of runner's left behind: the processes runner started, and theirs, are
/// ended (by PID: a local task's `sleep` is a grandchild), the persistent shells and ssh masters closed, the ControlPath directory removed. SIGINT then prints `[ERROR]: User interrupted execution` and exits
/// 99; SIGTERM ends runner by the signal itself (a shell sees 143), as ansible-playbook.
public enum RunInterruption {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed = false
    nonisolated(unsafe) private static var handling = false

    /// Installs the handlers (once; later calls do nothing). The C handler only writes the
    /// signal's number to a pipe (all a handler may safely do); a thread of its own reads it and
    /// cleans up. (A Dispatch signal source would need the signals ignored or blocked, and both
    /// are inherited: an ignored SIGINT never arrives, a blocked SIGTERM would reach no child.)
    public static func install() {
        lock.lock()
        defer { lock.unlock() }
        guard !installed, let wake = PipePump.pipe() else { return }
        installed = true
        signalPipe = wake.write
        let reader = Thread {
            var number: Int32 = 0
            while true {
                let n = withUnsafeMutableBytes(of: &number) { read(wake.read, $0.baseAddress, $0.count) }
                if n == MemoryLayout<Int32>.size { interrupted(by: number) }
                if n <= 0 && errno != EINTR { return }
            }
        }
        reader.start()
        for number in [SIGINT, SIGTERM] {
            // A signal ignored when runner starts stays ignored (a background job of a script,
            // nohup), as Python, and so ansible-playbook, leaves it.
            var current = sigaction()
            sigaction(number, nil, &current)
            if unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == 1 { continue }  // SIG_IGN
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var value = number
                _ = withUnsafeBytes(of: &value) { write(signalPipe, $0.baseAddress, $0.count) }
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
    }

    /// Called where a run ends: when an interruption is being handled, waits for it to end the
    /// process (the run's own exit code and recap must not race it).
    public static func waitIfInterrupted() {
        lock.lock()
        let busy = handling
        lock.unlock()
        if busy { while true { pause() } }
    }

    private static func interrupted(by number: Int32) {
        lock.lock()
        handling = true
        lock.unlock()
        OutputGate.close()
        if number == SIGINT {
            FileHandle.standardError.write(Data("[ERROR]: User interrupted execution\n".utf8))
        }
        for pid in descendants() { kill(pid, SIGTERM) }
        SSHControlDirectory.shared.closeAll()
        if number == SIGINT { exit(99) }
        signal(number, SIG_DFL)
        raise(number)
        exit(128 + number)
    }

    /// Every process below runner in the process tree, from /proc (parents before children).
    static func descendants() -> [pid_t] {
        var children: [pid_t: [pid_t]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { children[parent, default: []].append(pid) }
        }
        var found: [pid_t] = []
        var queue = children[getpid()] ?? []
        while !queue.isEmpty {
            let pid = queue.removeFirst()
            found.append(pid)
            queue += children[pid] ?? []
        }
        return found
    }
}

/// The write end of the signal pipe (read by the handler, which can capture nothing).
nonisolated(unsafe) private var signalPipe: Int32 = -1
