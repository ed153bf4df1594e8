import Foundation
import Testing

/// The `ssh` connection against real sshd processes on 127.0.0.1 (`SSHFleet`): remote user,
/// become, idempotent file modules, unreachable hosts, no secrets in `ps`, and the conformance
/// corpus's module and flow cases run over ssh instead of local.
/// Without root or sshd the tests record a known issue instead of passing silently.
@Suite(.serialized) struct SSHTests {
    /// The fleet, or nil after recording why it is not there.
    static func fleet() -> SSHFleet? { SSHFleet.available(SSHFleet.shared, "the sshd fleet") }

    /// A playbook directory with an inventory; results are read from the `json` callback.
    struct Project {
        let root: URL

        init(inventory: String, playbook: String, files: [String: String] = [:]) throws {
            root = URL(fileURLWithPath: "/tmp/runner-ssh-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try inventory.write(to: root.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
            try playbook.write(to: root.appendingPathComponent("site.yml"), atomically: true, encoding: .utf8)
            for (path, text) in files {
                let url = root.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
            }
        }

        func remove() { try? FileManager.default.removeItem(at: root) }

        struct Run {
            var code: Int32
            /// Per task, in order: host → result.
            var tasks: [[String: [String: Any]]]
            var stderr: String

            func results(_ host: String) -> [[String: Any]] { tasks.compactMap { $0[host] } }
        }

        /// Runs the playbook with the json callback (while `during` runs, when given).
        func run(_ extra: [String] = [], environment: [String: String] = [:], during: (() -> Void)? = nil) throws -> Run {
            let process = Process()
            process.executableURL = try CommandLineGoldenTests.runner()
            process.arguments = ["-i", "hosts", "site.yml"] + extra
            process.currentDirectoryURL = root
            var env = ProcessInfo.processInfo.environment
            env["ANSIBLE_STDOUT_CALLBACK"] = "json"
            env["ANSIBLE_NOCOLOR"] = "1"
            for (name, value) in environment { env[name] = value }
            process.environment = env
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let errData = DataBox()
            let reader = Thread { errData.data = err.fileHandleForReading.readDataToEndOfFile() }
            reader.start()
            during?()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
            let text = String(decoding: data, as: UTF8.self)
            let stderr = String(decoding: errData.data, as: UTF8.self)
            let start = try #require(text.range(of: "\n{") ?? (text.hasPrefix("{") ? text.startIndex..<text.startIndex : nil),
                                     "no JSON document: \(text) \(stderr)")
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(text[start.lowerBound...].utf8)) as? [String: Any])
            var tasks: [[String: [String: Any]]] = []
            for play in doc["plays"] as? [[String: Any]] ?? [] {
                for task in play["tasks"] as? [[String: Any]] ?? [] {
                    tasks.append(task["hosts"] as? [String: [String: Any]] ?? [:])
                }
            }
            return Run(code: process.terminationStatus, tasks: tasks, stderr: stderr)
        }
    }

    final class DataBox: @unchecked Sendable { var data = Data() }

    static func status(_ r: [String: Any]) -> String { ModuleTests.status(r) }

    static func play(_ tasks: String, hosts: String = "fleet", vars: String = "") -> String {
        "- hosts: \(hosts)\n  gather_facts: false\n" + (vars.isEmpty ? "" : "  vars:\n\(vars)") + "  tasks:\n" + tasks
    }

    @Test func remoteUserAndBecome() throws {
        guard let fleet = Self.fleet() else { return }
        let project = try Project(inventory: "[fleet]\na \(fleet.hostVars(port: fleet.ports[0]))\n", playbook: Self.play("""
            - command: whoami
            - command: whoami
              become: true
            - block:
                - shell: id -un; echo "$HOME"
              become: true
            - command: whoami
              become: true
              become_user: runnertest
            - command: whoami
              become: true
              become_method: doas

        """))
        defer { project.remove() }
        let run = try project.run()
        let r = run.results("a")
        try #require(r.count == 5, "\(run.tasks) \(run.stderr)")
        #expect(r[0]["stdout"] as? String == "runnertest")
        #expect(r[1]["stdout"] as? String == "root")
        #expect(r[2]["stdout"] as? String == "root\n/root", "block-level become, sudo -H")
        #expect(r[3]["stdout"] as? String == "runnertest")
        #expect(Self.status(r[4]) == "failed")
        #expect((r[4]["msg"] as? String ?? "").contains("doas"))
        #expect(run.code == 2)
    }

    @Test func missingBecomeExecutableFails() throws {
        guard let fleet = Self.fleet() else { return }
        let project = try Project(inventory: "[fleet]\na \(fleet.hostVars(port: fleet.ports[0]))\n", playbook: Self.play("""
            - command: whoami
              become: true
              become_user: nobody
              become_exe: /nonexistent/sudo

        """))
        defer { project.remove() }
        let run = try project.run()
        let r = run.results("a")
        try #require(r.count == 1, "\(run.stderr)")
        #expect(Self.status(r[0]) == "failed")
        #expect((r[0]["msg"] as? String ?? "").contains("was not found"), "\(r[0])")
    }

    @Test func fileModulesAreIdempotentOverSSH() throws {
        guard let fleet = Self.fleet() else { return }
        let dir = "/tmp/runner-ssh-files-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let project = try Project(inventory: "[fleet]\na \(fleet.hostVars(port: fleet.ports[1]))\n", playbook: Self.play("""
            - file: {path: "\(dir)/sub", state: directory, mode: "0750"}
            - copy: {content: "hello\\n", dest: "\(dir)/c.txt", mode: "0640"}
            - template: {src: t.j2, dest: "\(dir)/t.txt"}
            - lineinfile: {path: "\(dir)/l.txt", line: "a=1", create: true}
            - copy: {content: "as root\\n", dest: "\(dir)/root.txt", owner: root, mode: "0600"}
              become: true

        """), files: ["templates/t.j2": "host={{ inventory_hostname }}\n"])
        defer { project.remove() }
        let first = try project.run()
        #expect(first.results("a").map(Self.status) == ["changed", "changed", "changed", "changed", "changed"], "\(first.tasks) \(first.stderr)")
        let second = try project.run()
        #expect(second.results("a").map(Self.status) == ["ok", "ok", "ok", "ok", "ok"], "\(second.tasks)")
        #expect(first.code == 0 && second.code == 0)
        #expect((try? String(contentsOfFile: dir + "/t.txt", encoding: .utf8)) == "host=a\n")
        let attrs = try FileManager.default.attributesOfItem(atPath: dir + "/c.txt")
        #expect(attrs[.ownerAccountName] as? String == "runnertest")
        #expect(attrs[.posixPermissions] as? Int == 0o640)
        let rootAttrs = try FileManager.default.attributesOfItem(atPath: dir + "/root.txt")
        #expect(rootAttrs[.ownerAccountName] as? String == "root")
    }

    @Test func refusedPortIsUnreachable() throws {
        guard let fleet = Self.fleet() else { return }
        let closed = try #require(SSHFleet.freePorts(from: 22290, count: 1))
        let project = try Project(inventory: """
            [fleet]
            up \(fleet.hostVars(port: fleet.ports[0]))
            down \(fleet.hostVars(port: closed))

            """, playbook: Self.play("""
            - command: echo one
            - command: echo two

        """))
        defer { project.remove() }
        let run = try project.run()
        #expect(run.code == 4)
        #expect(run.results("up").map(Self.status) == ["changed", "changed"])
        let down = run.results("down")
        #expect(down.map(Self.status) == ["unreachable"])
        let msg = down.first?["msg"] as? String ?? ""
        #expect(msg.contains("127.0.0.1") && msg.contains("\(closed)"), "\(msg)")
    }

    @Test func secretsNeverShowInProcessList() throws {
        guard let fleet = Self.fleet() else { return }
        let secret = "pw-" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let dir = "/tmp/runner-ssh-secret-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let project = try Project(inventory: "[fleet]\na \(fleet.hostVars(port: fleet.ports[2]))\n", playbook: """
            - hosts: fleet
              gather_facts: false
              vars_files: [secret.yml]
              tasks:
                - file: {path: "\(dir)", state: directory}
                - command: sleep 2
                  environment: {DB_PASSWORD: "{{ db_password }}"}
                - shell: 'sleep 1; test "$X" = "{{ db_password }}"'
                  environment: {X: "{{ db_password }}"}
                  become: true
                - copy: {content: "password={{ db_password }}\\n", dest: "\(dir)/cfg"}

            """, files: ["secret.yml": "db_password: \(secret)\n"])
        defer { project.remove() }
        let seen = DataBox()
        var samples = 0
        var sawTask = false
        let run = try project.run(during: {
            // Sample every process's argv on this machine (controller and target alike) while
            // the tasks run.
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline {
                let ps = SSHFleet.shell(["ps", "-eo", "args"])
                samples += 1
                if ps.output.contains(secret) { seen.data.append(Data(ps.output.utf8)) }
                if ps.output.contains("sleep 2") { sawTask = true }
                if !ps.output.contains("runner") || !ps.output.contains("-i hosts site.yml") { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
        })
        #expect(run.code == 0, "\(run.tasks) \(run.stderr)")
        #expect(run.results("a").map(Self.status) == ["changed", "changed", "changed", "changed"])
        #expect(samples > 10 && sawTask, "ps was not sampled while the task ran")
        #expect(seen.data.isEmpty, "the secret showed in ps: \(String(decoding: seen.data, as: UTF8.self).prefix(2000))")
        #expect((try? String(contentsOfFile: dir + "/cfg", encoding: .utf8)) == "password=\(secret)\n")
    }

    /// A task's payload (here `stdin:`) reaches the target as a 0600 file, whichever way the task
    /// travels: the host's first task (ssh opens the master; the bootstrap stores the payload),
    /// later ones (the persistent shell), with become (its own shell), and on the local
    /// connection. The file is already unlinked when the command runs; its mode is read
    /// through the descriptor.
    @Test func payloadFilesArePrivate() throws {
        guard let fleet = Self.fleet() else { return }
        let project = try Project(inventory: """
            [fleet]
            a \(fleet.hostVars(port: fleet.ports[2]))
            local ansible_connection=local
            """, playbook: """
            - hosts: all
              gather_facts: false
              tasks:
                - command: stat -L -c '%a %h' /proc/self/fd/0
                  args: {stdin: "first"}
                - command: stat -L -c '%a %h' /proc/self/fd/0
                  args: {stdin: "second"}
                - command: stat -L -c '%a %h' /proc/self/fd/0
                  args: {stdin: "third"}
                  become: true
            """)
        defer { project.remove() }
        let run = try project.run()
        #expect(run.code == 0, "\(run.tasks) \(run.stderr)")
        for host in ["a", "local"] {
            let modes = run.results(host).map { $0["stdout"] as? String ?? "?" }
            #expect(modes == ["600 0", "600 0", "600 0"], "\(host): mode and link count of the payload file: \(modes)")
        }
    }
}
