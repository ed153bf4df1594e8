import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Faults against real sshd processes of the test's own (a fleet of two on ports apart from
/// SSHFleet's): a host whose sshd dies mid-play, its established session included, becomes
/// unreachable at its next task while the other host finishes the play, as ansible-playbook
/// reports it (recorded from ansible-playbook 2.21 on the same play: exit 4, a ok=4, b ok=1
/// unreachable=1); and no ssh master of runner's outlives the run.
@Suite(.serialized) struct FaultTests {
    static let script = SSHFleet.script

    @Test func hostDiesMidPlay() throws {
        guard SSHTests.fleet() != nil else { return }  // records why when root or sshd is missing
        guard let base = SSHFleet.freePorts(from: 22400, count: 2) else {
            Issue.record("no two free ports from 22400")
            return
        }
        let dir = "/tmp/runner-fault-\(getpid())"
        let started = SSHFleet.shell([Self.script, "start", "2", dir], env: ["RUNNER_SSHD_BASE_PORT": String(base)])
        defer { _ = SSHFleet.shell([Self.script, "stop", dir]) }
        try #require(started.status == 0, "\(started.output)")
        let key = dir + "/client_key"
        let vars = { (port: Int) in
            "ansible_host=127.0.0.1 ansible_port=\(port) ansible_user=runnertest ansible_ssh_private_key_file=\(key) ansible_host_key_checking=false"
        }
        let victimPid = try String(contentsOfFile: "\(dir)/sshd-\(base + 1).pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // The second task, run on the controller once, kills host b's sshd and the session
        // processes it forked (runner's ControlMaster connection among them).
        let project = try SSHTests.Project(
            inventory: "a \(vars(base))\nb \(vars(base + 1))\n",
            playbook: """
            - hosts: all
              gather_facts: false
              tasks:
                - name: first
                  command: "true"
                - name: kill b
                  shell: "pkill -TERM -P \(victimPid); kill -TERM \(victimPid)"
                  delegate_to: localhost
                  run_once: true
                - name: third
                  command: "true"
                - name: fourth
                  command: "true"
            """)
        defer { project.remove() }
        let run = try project.run()
        #expect(run.code == 4, "exit 4 for an unreachable host: \(run.stderr)")
        let a = run.results("a"), b = run.results("b")
        #expect(a.count == 4, "a runs every task: \(a)")
        #expect(a.allSatisfy { $0["failed"] as? Bool != true && $0["unreachable"] as? Bool != true })
        #expect(b.count == 2, "b: first, then unreachable at third (the run_once task reports for a only): \(b)")
        #expect(b.last?["unreachable"] as? Bool == true, "\(b)")
        // Counted for this play's hosts only: other suites run ssh tests at the same time.
        #expect(Self.runnerMasters(ports: [base, base + 1]) == 0, "runner's ssh masters are all closed when it exits")
    }

    /// A host that accepts TCP connections and never speaks SSH (a listener that never
    /// accepts) and, on a good host, a command that never ends under the task `timeout`
    /// keyword. Recorded from ansible-playbook 2.21 on the same play: exit 4; the hung host
    /// unreachable at its first task ("Connection timed out during banner exchange") after
    /// `ansible_timeout`; the good host's `sleep 60` failed with "Task failed: Timed out after
    /// 2 second(s)." (ignored) and its next task ran: ok=3 changed=2 ignored=1.
    @Test func hungHostAndNeverEndingCommand() throws {
        guard let fleet = SSHTests.fleet() else { return }
        guard let port = SSHFleet.freePorts(from: 22450, count: 1) else {
            Issue.record("no free port from 22450")
            return
        }
        let listener = try #require(Self.silentListener(port: port), "could not listen on 127.0.0.1:\(port)")
        defer { close(listener) }
        let project = try SSHTests.Project(
            inventory: """
            good \(fleet.hostVars(port: fleet.ports[0]))
            hung \(fleet.hostVars(port: port)) ansible_timeout=2
            """,
            playbook: """
            - hosts: all
              gather_facts: false
              tasks:
                - name: first
                  command: "true"
                - name: never ends
                  command: sleep 60
                  timeout: 2
                  ignore_errors: true
                - name: after
                  command: "true"
            """)
        defer { project.remove() }
        let started = Date()
        let run = try project.run()
        let seconds = Date().timeIntervalSince(started)
        #expect(run.code == 4, "exit 4 for an unreachable host: \(run.stderr)")
        let hung = run.results("hung"), good = run.results("good")
        #expect(hung.count == 1 && hung.first?["unreachable"] as? Bool == true, "\(hung)")
        let hungMessage = hung.first?["msg"] as? String ?? ""
        #expect(hungMessage.contains("Connection timed out during banner exchange"), "\(hung)")
        #expect(good.count == 3, "\(good)")
        #expect(good.count == 3 && good[1]["msg"] as? String == "Task failed: Timed out after 2 second(s).", "\(good)")
        #expect(good.count == 3 && good[2]["rc"] as? Int == 0, "the task after the timed-out one runs: \(good)")
        #expect(seconds < 30, "the run ends soon after the timeouts (took \(seconds) s)")
    }

    /// A copy whose write fails mid-way (a 256 KiB tmpfs with 76 KiB free, a 264 KiB source):
    /// the task fails and the old file is intact, with no temporary file left beside it, as
    /// ansible-playbook 2.21 reports it (exit 2, failed=1, "[Errno 28] No space left on
    /// device", the old content kept). Needs root's `mount`; without it the test records why.
    @Test func copyOntoFullDisk() throws {
        guard let fleet = SSHTests.fleet() else { return }
        let dir = "/tmp/runner-full-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { _ = SSHFleet.shell(["umount", dir]); try? FileManager.default.removeItem(atPath: dir) }
        let mounted = SSHFleet.shell(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", dir])
        guard mounted.status == 0 else {
            withKnownIssue("a full disk needs a tmpfs mount: \(mounted.output)") { Issue.record("mount failed") }
            return
        }
        try "old\n".write(toFile: dir + "/config", atomically: false, encoding: .utf8)
        try Data(count: 180_000).write(to: URL(fileURLWithPath: dir + "/filler"))
        var big = ""
        for i in 0..<9000 { big += "line \(i) of a file too big for what is left on the disk\n" }
        let project = try SSHTests.Project(
            inventory: "a \(fleet.hostVars(port: fleet.ports[0]))\n",
            playbook: """
            - hosts: all
              gather_facts: false
              become: true
              tasks:
                - name: copy onto a full disk
                  copy:
                    src: big.txt
                    dest: \(dir)/config
                - name: after
                  command: "true"
            """,
            files: ["big.txt": big])
        defer { project.remove() }
        let run = try project.run()
        #expect(run.code == 2, "exit 2 for a failed task: \(run.stderr)")
        let results = run.results("a")
        #expect(results.count == 1 && results.first?["failed"] as? Bool == true, "\(results)")
        let message = results.first?["msg"] as? String ?? ""
        #expect(message.contains("No space left on device"), "\(results)")
        #expect(try String(contentsOfFile: dir + "/config", encoding: .utf8) == "old\n", "the old file is intact")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(left == ["config", "filler"], "no temporary file is left: \(left)")
    }

    /// A socket on 127.0.0.1:`port` that listens and never accepts: connections complete in
    /// the kernel and then hear nothing.
    static func silentListener(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// ssh processes running as ControlMaster for a ControlPath in runner's private directories.
    /// runner's ssh masters (ControlPath under /tmp/rnr-*) to one of `ports`.
    static func runnerMasters(ports: [Int]) -> Int {
        let out = SSHFleet.shell(["pgrep", "-af", "ControlPath=/tmp/rnr-"]).output
        return out.split(separator: "\n").filter { line in ports.contains { line.contains("Port=\($0) ") || line.hasSuffix("Port=\($0)") } }.count
    }
}
