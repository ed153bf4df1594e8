import Foundation

/// The private directory (mode 0700, short path: a Unix socket path must stay under about 100
/// bytes) that holds the ControlMaster sockets of one run, and the masters opened in it, so the
/// run can close them (`ssh -O exit`) and remove the directory at the end or on Ctrl-C.
public final class SSHControlDirectory: @unchecked Sendable {
    public static let shared = SSHControlDirectory()

    private let lock = NSLock()
    private var path: String?
    /// ssh argv (executable first) that closes each master, by connection settings.
    private var masters: [SSHSettings: [String]] = [:]
    private var signalSource: DispatchSourceSignal?

    /// The directory, created on first use; `%C` (a 40-character hash) names each socket.
    func controlPath() throws(ConnectionError) -> String {
        lock.lock()
        defer { lock.unlock() }
        if let path { return path + "/%C" }
        var template = Array("/tmp/rnr-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ConnectionError("could not create a private ControlPath directory under /tmp: \(String(cString: strerror(errno)))")
        }
        let dir = String(cString: made)
        chmod(dir, 0o700)
        path = dir
        installInterruptHandler()
        return dir + "/%C"
    }

    func register(_ settings: SSHSettings, closeCommand: [String]) {
        lock.lock()
        masters[settings] = closeCommand
        lock.unlock()
    }

    /// Closes the master of one host.
    func close(_ settings: SSHSettings) {
        lock.lock()
        let command = masters.removeValue(forKey: settings)
        lock.unlock()
        if let command { Self.exitMaster(command) }
    }

    /// Closes every master and removes the directory; the end of a run.
    public func closeAll() {
        lock.lock()
        let commands = Array(masters.values)
        masters.removeAll()
        let dir = path
        path = nil
        lock.unlock()
        for command in commands { Self.exitMaster(command) }
        if let dir { try? FileManager.default.removeItem(atPath: dir) }
    }

    private static func exitMaster(_ command: [String]) {
        _ = try? ChildProcess.run("/usr/bin/env", command, stdin: nil)
    }

    /// Ctrl-C: close the masters and remove the directory, then exit as ansible-playbook does
    /// when interrupted (99).
    private func installInterruptHandler() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in
            self?.closeAll()
            FileHandle.standardError.write(Data("[ERROR]: User interrupted execution\n".utf8))
            exit(99)
        }
        source.resume()
        signalSource = source
    }
}
