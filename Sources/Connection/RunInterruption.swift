import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) and SIGTERM in the middle of a run, handled as ansible-playbook handles
/// them, with nothing of runner's left behind: the processes runner started, and theirs, are
/// ended (by PID: a local task's `sleep` is a grandchild), the persistent shells and ssh masters closed, the ControlPath directory and the local
/// payload files removed. SIGINT then prints `[ERROR]: User interrupted execution` and exits
/// 99; SIGTERM ends runner by the signal itself (a shell sees 143), as ansible-playbook.
public enum RunInterruption {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Installs the handlers (once; later calls do nothing).
    public static func install() {
        lock.lock()
        defer { lock.unlock() }
        guard sources.isEmpty else { return }
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { interrupted(by: number) }
            source.resume()
            sources.append(source)
        }
    }

    private static func interrupted(by number: Int32) {
        if number == SIGINT {
            FileHandle.standardError.write(Data("[ERROR]: User interrupted execution\n".utf8))
        }
        for pid in descendants() { kill(pid, SIGTERM) }
        SSHControlDirectory.shared.closeAll()
        LocalConnection.removePayloadDirectory()
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
