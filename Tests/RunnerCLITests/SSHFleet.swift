import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Test sshd processes on 127.0.0.1, started once per test process by
/// `Tests/Support/sshd-fleet.sh` (one sshd per simulated host, user `runnertest` with a key and
/// passwordless sudo) and stopped when the process exits.
struct SSHFleet: Sendable {
    let directory: String
    let ports: [Int]
    var key: String { directory + "/client_key" }

    static let size = 3
    static let script = ConformanceTests.packageRoot.appendingPathComponent("Tests/Support/sshd-fleet.sh").path

    /// The fleet, or why it could not start (not root, no sshd installed, ...).
    static let shared: Result<SSHFleet, FleetUnavailable> = start()

    struct FleetUnavailable: Error, CustomStringConvertible {
        var description: String
        /// True when what the service needs is installed and it failed all the same: a test
        /// failure, not a reason to skip.
        var prerequisitesMet = false
    }

    private static func start() -> Result<SSHFleet, FleetUnavailable> {
        guard getuid() == 0 else { return .failure(FleetUnavailable(description: "the ssh tests need root to create the test user and start sshd")) }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") else {
            return .failure(FleetUnavailable(description: "/usr/sbin/sshd is not installed (apt-get install openssh-server sudo; .ci/run does)"))
        }
        guard let base = freePorts(from: 22220, count: size) else {
            return .failure(FleetUnavailable(description: "no \(size) consecutive free ports from 22220"))
        }
        let dir = "/tmp/runner-sshd-\(getpid())"
        let result = shell([script, "start", String(size), dir], env: ["RUNNER_SSHD_BASE_PORT": String(base)])
        let ports = result.output.split(separator: "\n").compactMap { line -> Int? in
            line.hasPrefix("port ") ? Int(line.dropFirst(5)) : nil
        }
        guard result.status == 0, ports.count == size else {
            _ = shell([script, "stop", dir])
            return .failure(FleetUnavailable(description: "sshd-fleet.sh start failed (\(result.status)): \(result.output.suffix(800))",
                                             prerequisitesMet: true))
        }
        stopDirectory = dir
        atexit { if let dir = SSHFleet.stopDirectory { _ = SSHFleet.shell([SSHFleet.script, "stop", dir]) } }
        return .success(SSHFleet(directory: dir, ports: ports))
    }

    nonisolated(unsafe) static var stopDirectory: String?

    /// Starts a test service with a `Tests/Support` script (`start DIR ARGS...`), to be
    /// stopped (`stop DIR`) when the test process exits; returns the script's output, or why
    /// it failed (a failure, not a skip: the caller checked the prerequisites first).
    static func startService(_ script: String, directory: String, _ arguments: [String],
                             env: [String: String] = [:]) -> Result<String, FleetUnavailable> {
        let name = URL(fileURLWithPath: script).lastPathComponent
        let started = shell(["sh", script, "start", directory] + arguments, env: env)
        guard started.status == 0 else {
            _ = shell(["sh", script, "stop", directory])
            return .failure(.init(description: "\(name) failed: \(started.output.suffix(800))", prerequisitesMet: true))
        }
        ServiceStops.add(script: script, directory: directory)
        return .success(started.output)
    }

    /// The started service, or nil after recording why not: a known issue when a prerequisite
    /// is missing (the tests are skipped), a test failure when it failed to start.
    static func available<T>(_ service: Result<T, FleetUnavailable>, _ what: String) -> T? {
        switch service {
        case .success(let value): return value
        case .failure(let why) where why.prerequisitesMet:
            Issue.record("\(what) did not start: \(why)")
            return nil
        case .failure(let why):
            withKnownIssue("\(what) tests skipped: \(why)") { Issue.record("\(why)") }
            return nil
        }
    }

    /// The first of `count` consecutive ports that nothing listens on (checked by binding).
    static func freePorts(from start: Int, count: Int) -> Int? {
        var base = start
        while base < start + 200 {
            if (0..<count).allSatisfy({ isFree(base + $0) }) { return base }
            base += count
        }
        return nil
    }

    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return rc == 0
    }

    /// Runs a command (no shell), returning its exit status and combined output.
    static func shell(_ argv: [String], env extra: [String: String] = [:]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        var env = ProcessInfo.processInfo.environment
        for (k, v) in extra { env[k] = v }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return (127, "\(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Inventory host variables that reach the sshd on `port` as `user` with the test key.
    func hostVars(port: Int, user: String = "runnertest") -> String {
        "ansible_connection=ssh ansible_host=127.0.0.1 ansible_port=\(port) ansible_user=\(user) "
            + "ansible_ssh_private_key_file=\(key) ansible_host_key_checking=false"
    }
}

/// The `stop` commands of services started by `SSHFleet.startService`, run at exit.
enum ServiceStops {
    nonisolated(unsafe) private static var stops: [(script: String, directory: String)] = []
    private static let lock = NSLock()
    private static let registered: Void = { atexit { ServiceStops.runAll() } }()

    static func add(script: String, directory: String) {
        lock.lock()
        defer { lock.unlock() }
        _ = registered
        stops.append((script, directory))
    }

    private static func runAll() {
        lock.lock()
        let all = stops
        stops = []
        lock.unlock()
        for stop in all.reversed() { _ = SSHFleet.shell(["sh", stop.script, "stop", stop.directory]) }
    }
}
