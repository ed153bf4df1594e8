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
    /// The socket name of each host's master in the directory: a short serial number (runner
    /// knows the path, so it can speak to the master itself; `%C` would leave that to ssh).
    private var socketNames: [SSHSettings: String] = [:]
    /// `control_path_dir` (`ANSIBLE_SSH_CONTROL_PATH_DIR`): where the run's private directory
    /// is made (default /tmp, whose short path keeps socket paths under the ~100-byte limit).
    private var baseDirectory = "/tmp"

    /// Makes the run's directory in `directory` (`~` expanded) instead of /tmp; no effect once
    /// the directory exists.
    public func useBaseDirectory(_ directory: String) {
        lock.lock()
        defer { lock.unlock() }
        guard path == nil, !directory.isEmpty else { return }
        baseDirectory = directory.hasPrefix("~") ? NSString(string: directory).expandingTildeInPath : directory
    }

    /// The socket path of the master for `settings`, in the directory created on first use.
    func controlPath(for settings: SSHSettings) throws(ConnectionError) -> String {
        lock.lock()
        defer { lock.unlock() }
        let name: String
        if let known = socketNames[settings] {
            name = known
        } else {
            name = "m\(socketNames.count)"
            socketNames[settings] = name
        }
        return try directoryLocked() + "/" + name
    }

    /// The directory, made on first use; the caller holds the lock.
    private func directoryLocked() throws(ConnectionError) -> String {
        if let path { return path }
        try? FileManager.default.createDirectory(atPath: baseDirectory, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        var template = Array((baseDirectory + "/rnr-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ConnectionError("could not create a private ControlPath directory in \(baseDirectory) (control_path_dir): \(String(cString: strerror(errno)))")
        }
        let dir = String(cString: made)
        chmod(dir, 0o700)
        path = dir
        return dir
    }

    /// Writes a secret to a new 0600 file in the directory (created 0600 from the start, so it
    /// is never readable by others); the caller removes it.
    func secretFile(_ secret: Data) throws(ConnectionError) -> String {
        let dir = try directoryPath()
        let path = dir + "/s" + String(UInt64.random(in: 0..<UInt64.max), radix: 36)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ConnectionError("could not create a private file in \(dir): \(String(cString: strerror(errno)))") }
        defer { Glibc.close(fd) }
        let written = secret.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == secret.count else {
            unlink(path)
            throw ConnectionError("could not write a private file in \(dir)")
        }
        return path
    }

    /// The run's directory, created on first use.
    private func directoryPath() throws(ConnectionError) -> String {
        lock.lock()
        defer { lock.unlock() }
        return try directoryLocked()
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
        let socket = socketNames[settings].flatMap { name in path.map { $0 + "/" + name } }
        lock.unlock()
        if let command { Self.exitMaster(command, socket: socket) }
    }

    /// Closes every master and removes the directory; the end of a run.
    public func closeAll() {
        RemoteShellPool.shared.closeAll()
        lock.lock()
        let commands = masters.map { settings, command in (command, socketNames[settings].flatMap { name in path.map { $0 + "/" + name } }) }
        masters.removeAll()
        socketNames.removeAll()
        let dir = path
        path = nil
        lock.unlock()
        for (command, socket) in commands { Self.exitMaster(command, socket: socket) }
        if let dir { try? FileManager.default.removeItem(atPath: dir) }
    }

    /// Asks the master to exit over its socket; `ssh -O exit` when that fails (a ControlPath
    /// of the user's own in `ansible_ssh_args` wins over runner's).
    private static func exitMaster(_ command: [String], socket: String?) {
        if let socket, SSHMux.terminateMaster(path: socket) { return }
        _ = try? ChildProcess.run("/usr/bin/env", command, stdin: nil)
    }

}
