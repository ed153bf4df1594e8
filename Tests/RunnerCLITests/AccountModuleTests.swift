import Foundation
import GoldenSupport
import Testing

/// `group`, `user`, `wait_for`, `service`, `systemd_service` and `stat` run by the built binary on the
/// playbooks in `Fixtures/modules`, against what ansible-playbook 2.21 returned for the same
/// playbooks on the same kind of machine (`modules_expected.json`, recorded by
/// `record_modules.py`). They change the real system: users and groups named `rt_*`, an
/// `/etc/init.d/rt_runner_svc` script, all removed again; they need root.
@Suite(.serialized)
struct AccountModuleTests {
    static let directory = Golden.fixtures().appendingPathComponent("modules")
    nonisolated(unsafe) static let expected: [String: Any] = {
        (try? JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("modules_expected.json")))) as? [String: Any] ?? [:]
    }()
    static let volatile: Set<String> = ["uid", "gid", "group", "elapsed", "status", "delta", "start", "end"]
    static let statVolatile: Set<String> = ["atime", "mtime", "ctime", "inode", "dev", "nlink", "version"]
    static let isRoot = getuid() == 0

    /// A run of one fixture playbook in a fresh directory.
    struct Run {
        var code: Int32
        var results: [[String: Any]]
        var directory: String
    }

    static func run(_ playbook: String, _ extra: [String] = [], vars: [String: Int] = [:]) throws -> Run {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("runner-acct-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try FileManager.default.copyItem(at: directory.appendingPathComponent(playbook), to: work.appendingPathComponent(playbook))
        try "h1 ansible_connection=local\n".write(to: work.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        let varsJSON = String(decoding: try JSONSerialization.data(withJSONObject: vars, options: .sortedKeys), as: UTF8.self)
        let outcome = try CommandLineGoldenTests.run(["-i", "hosts", playbook, "-e", varsJSON] + extra, in: work,
                                                     environment: ["ANSIBLE_STDOUT_CALLBACK": "json"])
        let results = try CommandLineGoldenTests.jsonResults(outcome.stdout, host: "h1")
        return Run(code: outcome.code, results: results, directory: work.resolvingSymlinksInPath().path)
    }

    /// A result as `record_modules.py` writes it: set-up tasks reduced to `changed`, volatile
    /// values to their Python type name, the work directory and ports to placeholders.
    /// Playbooks testing file itself, whose file results are compared whole.
    static let fullFileResults: Set<String> = ["file_results.yml"]
    /// Playbooks testing copy itself, whose copy results are compared whole.
    static let fullCopyResults: Set<String> = ["copy_remote.yml"]

    /// A backup's name without the pid and time it carries (`.{pid}.{time}~`).
    static func backupShape(_ name: String) -> String {
        name.replacingOccurrences(of: #"\.[0-9]+\.[0-9]{4}-[0-9]{2}-[0-9]{2}@[0-9]{2}:[0-9]{2}:[0-9]{2}~$"#,
                                  with: ".{pid}.{time}~", options: .regularExpression)
    }

    static func normalized(_ r: [String: Any], directory: String, ports: [String: Int], playbook: String = "") -> [String: Any] {
        let action = r["action"] as? String
        if (action == "copy" && !fullCopyResults.contains(playbook)) || (action == "file" && !fullFileResults.contains(playbook)) {
            return ["changed": r["changed"] ?? false]
        }
        func fix(_ v: Any) -> Any {
            if var s = v as? String {
                s = s.replacingOccurrences(of: directory, with: "{dir}")
                for (name, port) in ports { s = s.replacingOccurrences(of: "127.0.0.1:\(port)", with: "127.0.0.1:{\(name)}") }
                return s
            }
            if let l = v as? [Any] { return l.map(fix) }
            if let d = v as? [String: Any] {
                return Dictionary(d.map { k, x in (fix(k) as? String ?? k, fix(x)) }, uniquingKeysWith: { a, _ in a })
            }
            return v
        }
        var out: [String: Any] = [:]
        for (k, v) in r where !["action", "exception", "invocation"].contains(k) && !k.hasPrefix("_ansible") {
            if k == "stat", let stat = v as? [String: Any] {
                out[k] = statNormalized(stat, fix)
            } else if k == "files", r["action"] as? String == "find", let files = v as? [[String: Any]] {
                // readdir order follows a per-filesystem hash seed on ext4: compared by path.
                out[k] = files.map { statNormalized($0, fix) }.sorted { "\($0["path"] ?? "")" < "\($1["path"] ?? "")" }
            } else if k == "backup_file", let name = v as? String {
                out[k] = fix(backupShape(name))
            } else if k == "port", let p = v as? Int, let name = ports.first(where: { $0.value == p })?.key {
                out[k] = "{\(name)}"
            } else if volatile.contains(k) {
                out[k] = v is String ? "str" : v is [String: Any] ? "dict" : v is NSNumber ? "int" : "\(type(of: v))"
            } else {
                out[k] = fix(v)
            }
        }
        return out
    }

    /// A stat-like dictionary with the values that change from run to run named by type.
    static func statNormalized(_ stat: [String: Any], _ fix: (Any) -> Any) -> [String: Any] {
        Dictionary(uniqueKeysWithValues: stat.map { key, value in
            (key, statVolatile.contains(key) ? Self.typeName(value, number: key.hasSuffix("time") ? "float" : "int") as Any : fix(value))
        })
    }

    /// The Python type name of a decoded JSON value (numbers are named by the caller).
    static func typeName(_ v: Any, number: String) -> String {
        v is String ? "str" : v is NSNull ? "NoneType" : v is [Any] ? "list" : v is [String: Any] ? "dict" : number
    }

    static func json(_ v: Any) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .fragmentsAllowed])) ?? Data(), as: UTF8.self)
    }

    /// Runs a fixture playbook and compares every task's result with ansible's.
    @discardableResult
    static func compare(_ playbook: String, _ extra: [String] = [], ports: [String: Int] = [:]) throws -> Run {
        let golden = try #require(expected[playbook] as? [String: Any], "no golden for \(playbook)")
        let tasks = try #require(golden["tasks"] as? [[String: Any]])
        let run = try Self.run(playbook, extra, vars: ports)
        #expect(Int(run.code) == golden["exit_code"] as? Int, "\(playbook): exit code")
        #expect(run.results.count == tasks.count, "\(playbook): \(run.results.count) results")
        for (i, (got, want)) in zip(run.results, tasks).enumerated() {
            let mine = json(normalized(got, directory: run.directory, ports: ports, playbook: playbook))
            #expect(mine == json(want), "\(playbook) task \(i + 1)")
        }
        return run
    }

    static func file(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    static func hasEntry(_ db: String, _ name: String) -> Bool {
        file(db).split(separator: "\n").contains { $0.hasPrefix("\(name):") }
    }

    /// Removes what a failed run may have left behind.
    static func cleanUp(users: [String], groups: [String]) {
        let script = users.map { "userdel -r \($0) 2>/dev/null;" }.joined() + groups.map { "groupdel \($0) 2>/dev/null;" }.joined()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script + " rm -rf /tmp/rt_usr1_home2 /tmp/rt_usr_t_home; true"]
        try? p.run()
        p.waitUntilExit()
    }

    @Test(.enabled(if: isRoot)) func groupMatchesAnsible() throws {
        defer { Self.cleanUp(users: [], groups: ["rt_grp1", "rt_grp2"]) }
        try Self.compare("group.yml")
        #expect(!Self.hasEntry("/etc/group", "rt_grp1") && !Self.hasEntry("/etc/group", "rt_grp2"))
    }

    @Test(.enabled(if: isRoot)) func userMatchesAnsible() throws {
        defer { Self.cleanUp(users: ["rt_usr1", "rt_usr2"], groups: ["rt_ugrp"]) }
        try Self.compare("user.yml")
        #expect(!Self.hasEntry("/etc/passwd", "rt_usr1") && !Self.hasEntry("/etc/group", "rt_ugrp"))
    }

    @Test(.enabled(if: isRoot)) func checkModeChangesNothing() throws {
        defer { Self.cleanUp(users: ["rt_chkusr"], groups: ["rt_chkgrp"]) }
        try Self.compare("account_check.yml", ["--check"])
        #expect(!Self.hasEntry("/etc/passwd", "rt_chkusr") && !Self.hasEntry("/etc/group", "rt_chkgrp"))
    }

    /// The databases really change, a second run is `ok`, and the hash lands in /etc/shadow.
    @Test(.enabled(if: isRoot)) func accountsReallyChange() throws {
        defer { Self.cleanUp(users: ["rt_usr_t"], groups: ["rt_grp_t"]) }
        let hash = "$6$rtsalt$Lh3c0Zs9J0.1yqYcQmQ0fRzv2mJ3Yt7f0GQd0wLr1uVmUe5f6h7t5mVb2tK0kZp6Lx3Qw8dHj1Yc0aS2e4Rr9/"
        let project = try ModuleTests.Project(tasks: """
            - group: {name: rt_grp_t, gid: 23461}
            - user: {name: rt_usr_t, uid: 23461, group: rt_grp_t, groups: [rt_grp_t], comment: Runner Test, home: /tmp/rt_usr_t_home, shell: /bin/sh, password: '\(hash)'}

        """)
        defer { project.remove() }
        let first = try project.run()
        #expect(first.results.map(ModuleTests.status) == ["changed", "changed"], "\(first.results)")
        #expect(Self.file("/etc/group").contains("rt_grp_t:x:23461:"))
        #expect(Self.file("/etc/passwd").contains("rt_usr_t:x:23461:23461:Runner Test:/tmp/rt_usr_t_home:/bin/sh"))
        #expect(Self.file("/etc/shadow").contains("rt_usr_t:\(hash):"))
        #expect(FileManager.default.fileExists(atPath: "/tmp/rt_usr_t_home"))
        #expect(first.results[1]["password"] as? String == "NOT_LOGGING_PASSWORD")
        let second = try project.run()
        #expect(second.results.map(ModuleTests.status) == ["ok", "ok"], "\(second.results)")
        let removal = try ModuleTests.Project(tasks: """
            - user: {name: rt_usr_t, state: absent, remove: true}
            - group: {name: rt_grp_t, state: absent}

        """)
        defer { removal.remove() }
        #expect(try removal.run().results.map(ModuleTests.status) == ["changed", "changed"])
        #expect(!Self.hasEntry("/etc/passwd", "rt_usr_t") && !Self.hasEntry("/etc/group", "rt_grp_t"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/rt_usr_t_home"))
    }

    /// A TCP socket listening on 127.0.0.1 at a kernel-chosen port, closed by `close()`.
    final class Listener {
        let fd: Int32
        let port: Int

        init(listen: Bool = true) throws {
            let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = 0
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, len) == 0 && getsockname(s, $0, &len) == 0 }
            }
            try #require(bound)
            if listen { try #require(Glibc.listen(s, 8) == 0) }
            fd = s
            port = Int(UInt16(bigEndian: addr.sin_port))
        }

        func close() { _ = Glibc.close(fd) }
    }

    @Test func waitForMatchesAnsible() throws {
        let open = try Listener()
        defer { open.close() }
        let unused = try Listener(listen: false)
        unused.close()
        let run = try Self.compare("wait_for.yml", ports: ["open_port": open.port, "closed_port": unused.port])
        // The one-second timeouts really waited.
        #expect((run.results[3]["elapsed"] as? Int ?? 0) >= 1)
    }

    @Test(.enabled(if: isRoot)) func serviceMatchesAnsible() throws {
        defer {
            if let pid = Int32(Self.file("/tmp/rt_runner_svc.pid").trimmingCharacters(in: .whitespacesAndNewlines)) { kill(pid, SIGTERM) }
            try? FileManager.default.removeItem(atPath: "/tmp/rt_runner_svc.pid")
            try? FileManager.default.removeItem(atPath: "/etc/init.d/rt_runner_svc")
        }
        try Self.compare("service.yml")
        #expect(!FileManager.default.fileExists(atPath: "/etc/init.d/rt_runner_svc"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/rt_runner_svc.pid"))
    }

    /// stat's whole result (block size, nanosecond times, device numbers, lsattr attributes,
    /// the mode as "%04o", links followed or not, a missing path, bad options) as ansible's.
    @Test func statMatchesAnsible() throws {
        try Self.compare("stat.yml")
    }

    /// Recorded where systemd is installed but not the init; elsewhere the answers differ.
    @Test(.enabled(if: !FileManager.default.fileExists(atPath: "/run/systemd/system") && FileManager.default.fileExists(atPath: "/usr/bin/systemctl")))
    func systemdFailureMatchesAnsible() throws {
        try Self.compare("systemd.yml")
    }
}
