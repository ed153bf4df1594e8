import Foundation

/// The persistent `RemoteShell`s of a run: per host connection and `become` identity, the
/// shells not in use. A task takes one (starting it when none is free: concurrent tasks on one
/// host, as delegation makes, each get their own) and gives it back when its answer is in.
/// `RUNNER_PERSISTENT_SHELL=0` turns them off (every task then opens its own ssh session).
final class RemoteShellPool: @unchecked Sendable {
    static let shared = RemoteShellPool()

    struct Key: Hashable {
        var settings: SSHSettings
        var become: Become?
    }

    let enabled = ProcessInfo.processInfo.environment["RUNNER_PERSISTENT_SHELL"] != "0"
    private let lock = NSLock()
    private var idle: [Key: [RemoteShell]] = [:]
    /// Shells handed out and not yet back (closed at the end of the run all the same).
    private var busy: [ObjectIdentifier: (Key, RemoteShell)] = [:]

    /// A free shell for `key`, started when there is none; nil when the host has no master yet.
    func checkout(_ key: Key, controlPath: String) throws(ConnectionError) -> RemoteShell? {
        lock.lock()
        if let shell = idle[key]?.popLast() {
            busy[ObjectIdentifier(shell)] = (key, shell)
            lock.unlock()
            return shell
        }
        lock.unlock()
        let shell: RemoteShell
        do {
            shell = try RemoteShell.start(controlPath: controlPath, become: key.become, settings: key.settings)
        } catch {
            switch error {
            case .noMaster: return nil
            case .failed(let failure): throw failure
            }
        }
        lock.lock()
        busy[ObjectIdentifier(shell)] = (key, shell)
        lock.unlock()
        return shell
    }

    /// Takes back a shell that answered; `healthy` false drops it (its session has ended).
    func checkin(_ shell: RemoteShell, healthy: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard let (key, _) = busy.removeValue(forKey: ObjectIdentifier(shell)) else { return }
        if healthy { idle[key, default: []].append(shell) }
    }

    /// Ends the shells of one host connection.
    func close(_ settings: SSHSettings) {
        lock.lock()
        var ending: [RemoteShell] = []
        for key in idle.keys where key.settings == settings { ending += idle.removeValue(forKey: key) ?? [] }
        for (id, entry) in busy where entry.0.settings == settings {
            ending.append(entry.1)
            busy.removeValue(forKey: id)
        }
        lock.unlock()
        for shell in ending { shell.shutdown() }
    }

    /// Ends every shell; the end of a run (before the masters close).
    func closeAll() {
        lock.lock()
        let ending = idle.values.flatMap { $0 } + busy.values.map(\.1)
        idle.removeAll()
        busy.removeAll()
        lock.unlock()
        for shell in ending { shell.shutdown() }
    }
}
