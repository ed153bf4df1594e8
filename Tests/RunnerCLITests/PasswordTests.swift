import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `-k`/`--ask-pass`, `-K`/`--ask-become-pass`, `--connection-password-file` and
/// `--become-password-file` against a real sshd that takes only passwords
/// (`Tests/Support/sshd-password.sh`: user `runnerpw`, sudo asking its password every time).
/// runner runs under `setsid`, so it has no terminal and reads the answers from stdin after
/// ansible's prompts on stderr, as ansible-playbook (getpass) does. The messages are the ones
/// ansible-playbook 2.21 gave on the same server ("Task failed: Incorrect sudo password",
/// "Task failed: Missing sudo password", "Permission denied (password)").
@Suite(.serialized) struct PasswordTests {
    struct Server {
        let directory: String
        let port: Int
        let password: String
    }

    static let script = ConformanceTests.packageRoot.appendingPathComponent("Tests/Support/sshd-password.sh").path
    static let shared: Result<Server, SSHFleet.FleetUnavailable> = {
        guard getuid() == 0 else { return .failure(.init(description: "the password tests need root to create the test user and start sshd")) }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd"), FileManager.default.isExecutableFile(atPath: "/usr/bin/sudo") else {
            return .failure(.init(description: "sshd or sudo is not installed (scripts/bootstrap installs them)"))
        }
        guard let port = SSHFleet.freePorts(from: 22390, count: 1) else { return .failure(.init(description: "no free port from 22390")) }
        let dir = "/tmp/runner-sshd-pw-\(getpid())"
        let password = "Rp-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16)
        return SSHFleet.startService(script, directory: dir, [String(port)], env: ["RUNNER_PW_PASSWORD": password])
            .map { _ in Server(directory: dir, port: port, password: String(password)) }
    }()

    static func server() -> Server? { SSHFleet.available(shared, "the password sshd") }

    /// whoami as the login user, then with become.
    static let playbook = """
        - hosts: all
          gather_facts: false
          tasks:
            - command: whoami
            - command: whoami
              become: true

        """

    static func project(_ server: Server) throws -> SSHTests.Project {
        try SSHTests.Project(inventory: "pw ansible_host=127.0.0.1 ansible_port=\(server.port) ansible_user=runnerpw ansible_host_key_checking=false\n",
                             playbook: playbook)
    }

    struct Run {
        var code: Int32
        var results: [[String: Any]]
        var stdout: String
        var stderr: String
    }

    /// Runs runner without a controlling terminal (setsid), `input` on its stdin; as `user`
    /// (setpriv) when given.
    static func run(_ project: SSHTests.Project, _ extra: [String], input: String = "", user: String? = nil,
                    environment: [String: String] = [:], during: (() -> Void)? = nil) throws -> Run {
        let process = Process()
        let command = ["setsid", "-w", try CommandLineGoldenTests.runner().path, "-i", "hosts", "site.yml"] + extra
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = user.map { ["setpriv", "--reuid", $0, "--regid", $0, "--init-groups"] + command } ?? command
        process.currentDirectoryURL = project.root
        var env = ProcessInfo.processInfo.environment
        if let user { env["HOME"] = "/home/\(user)" }
        for (k, v) in environment { env[k] = v }
        env["ANSIBLE_STDOUT_CALLBACK"] = "json"
        env["ANSIBLE_NOCOLOR"] = "1"
        process.environment = env
        let inPipe = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = inPipe
        process.standardOutput = out
        process.standardError = err
        try process.run()
        try inPipe.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        try inPipe.fileHandleForWriting.close()
        let outData = SSHTests.DataBox(), errData = SSHTests.DataBox()
        let readers = [Thread { outData.data = out.fileHandleForReading.readDataToEndOfFile() },
                       Thread { errData.data = err.fileHandleForReading.readDataToEndOfFile() }]
        for r in readers { r.start() }
        during?()
        process.waitUntilExit()
        while readers.contains(where: { !$0.isFinished }) { Thread.sleep(forTimeInterval: 0.01) }
        let stdout = String(decoding: outData.data, as: UTF8.self)
        let results = stdout.contains("{") ? ((try? CommandLineGoldenTests.jsonResults(stdout, host: "pw")) ?? []) : []
        return Run(code: process.terminationStatus, results: results, stdout: stdout, stderr: String(decoding: errData.data, as: UTF8.self))
    }

    static func secretFile(_ project: SSHTests.Project, _ name: String, _ text: String) throws -> String {
        let path = project.root.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        return path
    }

    @Test func askPassAndAskBecomePassReadStdinWithoutATerminal() throws {
        guard let server = Self.server() else { return }
        let project = try Self.project(server)
        defer { project.remove() }
        // An empty BECOME answer reuses the SSH password, as ansible's "[defaults to SSH password]".
        let run = try Self.run(project, ["-k", "-K"], input: server.password + "\n\n")
        #expect(run.code == 0, "\(run.stdout.suffix(1500)) \(run.stderr)")
        #expect(run.results.map { $0["stdout"] as? String } == ["runnerpw", "root"], "\(run.results)")
        #expect(run.stderr.contains("Warning: Password input may be echoed.\nSSH password: \n"), "\(run.stderr)")
        #expect(run.stderr.contains("BECOME password[defaults to SSH password]: \n"), "\(run.stderr)")
        #expect(!run.stderr.contains(server.password) && !run.stdout.contains(server.password))
    }

    @Test func askBecomePassAloneWithAConnectionPasswordFile() throws {
        guard let server = Self.server() else { return }
        let project = try Self.project(server)
        defer { project.remove() }
        let file = try Self.secretFile(project, "conn-pass", server.password + "\n")
        let run = try Self.run(project, ["-K", "--connection-password-file", file], input: server.password + "\n")
        #expect(run.code == 0, "\(run.stdout.suffix(1500)) \(run.stderr)")
        #expect(run.results.map { $0["stdout"] as? String } == ["runnerpw", "root"], "\(run.results)")
        #expect(run.stderr.contains("BECOME password: \n") && !run.stderr.contains("SSH password"), "\(run.stderr)")
    }

    /// Both passwords from files, and neither ever in any process's argv on this machine
    /// (runner, ssh, the askpass helper, sudo, the target's shells) while the run goes on.
    @Test func passwordFilesAndNoPasswordInProcessList() throws {
        guard let server = Self.server() else { return }
        let project = try SSHTests.Project(inventory: "pw ansible_host=127.0.0.1 ansible_port=\(server.port) ansible_user=runnerpw ansible_host_key_checking=false\n",
                                           playbook: """
            - hosts: all
              gather_facts: false
              tasks:
                - command: sleep 1
                - command: sleep 2
                  become: true
                - command: whoami
                  become: true

            """)
        defer { project.remove() }
        let conn = try Self.secretFile(project, "conn-pass", server.password)
        let become = try Self.secretFile(project, "become-pass", "  \(server.password)  \n")
        let seen = SSHTests.DataBox()
        var samples = 0
        var sawTask = false
        let run = try Self.run(project, ["--connection-password-file", conn, "--become-password-file", become], during: {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                let ps = SSHFleet.shell(["ps", "-eo", "args"])
                samples += 1
                if ps.output.contains(server.password) { seen.data.append(Data(ps.output.utf8)) }
                if ps.output.contains("sleep 2") { sawTask = true }
                if !ps.output.contains("-i hosts site.yml") { break }
                Thread.sleep(forTimeInterval: 0.03)
            }
        })
        #expect(run.code == 0, "\(run.stdout.suffix(1500)) \(run.stderr)")
        #expect(run.results.last?["stdout"] as? String == "root", "\(run.results)")
        #expect(samples > 10 && sawTask, "ps was not sampled while the tasks ran")
        #expect(seen.data.isEmpty, "a password showed in ps: \(String(decoding: seen.data, as: UTF8.self).prefix(2000))")
        #expect(!run.stderr.contains(server.password) && !run.stdout.contains(server.password))
    }

    @Test func wrongBecomePasswordFailsTheTask() throws {
        guard let server = Self.server() else { return }
        let project = try Self.project(server)
        defer { project.remove() }
        let conn = try Self.secretFile(project, "conn-pass", server.password)
        let wrong = try Self.secretFile(project, "become-pass", "not-" + server.password)
        let run = try Self.run(project, ["--connection-password-file", conn, "--become-password-file", wrong])
        #expect(run.code == 2)
        #expect(run.results.count == 2 && run.results[0]["stdout"] as? String == "runnerpw", "\(run.results)")
        #expect(run.results.last?["msg"] as? String == "Task failed: Incorrect sudo password", "\(run.results)")
        #expect(run.results.last?["failed"] as? Bool == true)
    }

    /// -K on the local connection, run as the password-sudo user: the password reaches sudo on
    /// the controller the same way; a wrong one fails as ansible's does.
    @Test func askBecomePassOnTheLocalConnection() throws {
        guard let server = Self.server() else { return }
        let project = try SSHTests.Project(inventory: "pw ansible_connection=local\n", playbook: Self.playbook)
        defer { project.remove() }
        let run = try Self.run(project, ["-K"], input: server.password + "\n", user: "runnerpw")
        #expect(run.code == 0, "\(run.stdout.suffix(1500)) \(run.stderr)")
        #expect(run.results.map { $0["stdout"] as? String } == ["runnerpw", "root"], "\(run.results)")
        let wrong = try Self.run(project, ["-K"], input: "not-" + server.password + "\n", user: "runnerpw")
        #expect(wrong.code == 2)
        #expect(wrong.results.last?["msg"] as? String == "Task failed: Incorrect sudo password", "\(wrong.results)")
    }

    @Test func missingBecomePasswordFailsTheTask() throws {
        guard let server = Self.server() else { return }
        let project = try Self.project(server)
        defer { project.remove() }
        let run = try Self.run(project, ["-k"], input: server.password + "\n")
        #expect(run.code == 2)
        #expect(run.results.last?["msg"] as? String == "Task failed: Missing sudo password", "\(run.results)")
    }

    /// `become_method: su` with a password: logging in as the fleet's key user (`runnertest`)
    /// and su-ing to `runnerpw` with its password, over ssh and on the local connection. su
    /// gets the password line alone on its stdin; the script and its payload reach the inner
    /// shell on another descriptor. ansible-playbook 2.21 on the same kind of target (su to an
    /// unprivileged user, world-readable temporary files allowed, as it needs) gave the same
    /// stdout/stderr and owner, "Task failed: Incorrect su password" (failed) for a wrong
    /// password, and an unreachable host for a missing one (after waiting 12 s for a prompt;
    /// runner says at once that the password is missing). No password in any argv meanwhile.
    @Test func suWithAPassword() throws {
        guard let server = Self.server(), let fleet = SSHTests.fleet() else { return }
        let dest = "/tmp/runner-su-\(UUID().uuidString.prefix(8))"
        defer { unlink(dest) }
        let playbook = """
            - hosts: all
              gather_facts: false
              become: true
              become_method: su
              become_user: runnerpw
              tasks:
                - command: whoami
                - shell: sleep 1; echo out; echo err >&2
                - copy: {content: "hello\\n", dest: \(dest)}
                - copy: {content: "hello\\n", dest: \(dest)}

            """
        let ssh = try SSHTests.Project(inventory: "pw \(fleet.hostVars(port: fleet.ports[0]))\n", playbook: playbook)
        let local = try SSHTests.Project(inventory: "pw ansible_connection=local\n", playbook: playbook)
        defer { ssh.remove(); local.remove() }
        for project in [ssh, local] {
            chmod(project.root.path, 0o755)
            let file = try Self.secretFile(project, "become-pass", server.password + "\n")
            chown(file, getpwnam("runnertest").pointee.pw_uid, 0)
            let seen = SSHTests.DataBox()
            var samples = 0
            let user = project.root == local.root ? "runnertest" : nil
            let run = try Self.run(project, ["--become-password-file", file], user: user, during: {
                let deadline = Date().addingTimeInterval(20)
                while Date() < deadline {
                    let ps = SSHFleet.shell(["ps", "-eo", "args"])
                    samples += 1
                    if ps.output.contains(server.password) { seen.data.append(Data(ps.output.utf8)) }
                    if !ps.output.contains("-i hosts site.yml") { break }
                    Thread.sleep(forTimeInterval: 0.03)
                }
            })
            #expect(run.code == 0, "\(run.stdout.suffix(1500)) \(run.stderr)")
            #expect(run.results.map { SSHTests.status($0) } == ["changed", "changed", "changed", "ok"], "\(run.results)")
            #expect(run.results.first?["stdout"] as? String == "runnerpw")
            #expect(run.results.dropFirst().first?["stdout"] as? String == "out")
            #expect(run.results.dropFirst().first?["stderr"] as? String == "err", "su's prompt must not reach the task's stderr")
            #expect(run.results.dropFirst(2).first?["owner"] as? String == "runnerpw")
            #expect(samples > 10 && seen.data.isEmpty, "a password showed in ps: \(String(decoding: seen.data, as: UTF8.self).prefix(2000))")
            unlink(dest)

            let wrong = try Self.secretFile(project, "wrong-pass", "not-" + server.password + "\n")
            chown(wrong, getpwnam("runnertest").pointee.pw_uid, 0)
            let refused = try Self.run(project, ["--become-password-file", wrong], user: user)
            #expect(refused.code == 2)
            #expect(refused.results.first?["msg"] as? String == "Task failed: Incorrect su password", "\(refused.results)")
            let missing = try Self.run(project, [], user: user)
            #expect(missing.code == 4)
            #expect(missing.results.first?["unreachable"] as? Bool == true, "\(missing.results)")
            let said = missing.results.first?["msg"] as? String ?? ""
            #expect(said.hasPrefix("Task failed: Missing su password: su on "), "\(missing.results)")
        }
    }

    @Test func wrongSSHPasswordIsUnreachable() throws {
        guard let server = Self.server() else { return }
        let project = try Self.project(server)
        defer { project.remove() }
        let run = try Self.run(project, ["-k"], input: "not-" + server.password + "\n")
        #expect(run.code == 4)
        let first = run.results.first ?? [:]
        #expect(first["unreachable"] as? Bool == true, "\(run.results)")
        #expect((first["msg"] as? String ?? "").hasPrefix("Task failed: Failed to connect to the host via ssh: runnerpw@127.0.0.1: Permission denied (password)."),
                "\(first)")
    }

    /// With `agnostic_become_prompt` off the prompt names the method, as ansible's does.
    @Test func becomePromptNamesTheMethodWhenNotAgnostic() throws {
        let project = try SSHTests.Project(inventory: "local ansible_connection=local\n", playbook: """
            - hosts: all
              gather_facts: false
              tasks:
                - debug: {msg: hi}

            """)
        defer { project.remove() }
        let run = try Self.run(project, ["-K", "--become-method", "su"], input: "x\n", environment: ["ANSIBLE_AGNOSTIC_BECOME_PROMPT": "false"])
        #expect(run.code == 0)
        #expect(run.stderr.contains("Warning: Password input may be echoed.\nSU password: \n"), "\(run.stderr)")
    }

    /// ansible's messages for password files that are missing or empty; nothing runs.
    @Test func passwordFileErrors() throws {
        let project = try SSHTests.Project(inventory: "local ansible_connection=local\n", playbook: Self.playbook)
        defer { project.remove() }
        let missing = project.root.appendingPathComponent("nope").path
        let run = try Self.run(project, ["--become-password-file", missing])
        #expect(run.code == 1)
        #expect(run.stderr.contains("[ERROR]: The password file \(missing) was not found"), "\(run.stderr)")
        let empty = try Self.secretFile(project, "empty", " \n")
        let second = try Self.run(project, ["--connection-password-file", "empty"])
        #expect(second.code == 1)
        #expect(second.stderr.contains("[ERROR]: Empty password was provided from file (\(empty))"), "\(second.stderr)")
        #expect(run.results.isEmpty && second.results.isEmpty)
    }
}
