import Foundation
import Testing

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
        let mastersBefore = Self.runnerMasters()
        let run = try project.run()
        #expect(run.code == 4, "exit 4 for an unreachable host: \(run.stderr)")
        let a = run.results("a"), b = run.results("b")
        #expect(a.count == 4, "a runs every task: \(a)")
        #expect(a.allSatisfy { $0["failed"] as? Bool != true && $0["unreachable"] as? Bool != true })
        #expect(b.count == 2, "b: first, then unreachable at third (the run_once task reports for a only): \(b)")
        #expect(b.last?["unreachable"] as? Bool == true, "\(b)")
        #expect(Self.runnerMasters() == mastersBefore, "runner's ssh masters are all closed when it exits")
    }

    /// ssh processes running as ControlMaster for a ControlPath in runner's private directories.
    static func runnerMasters() -> Int {
        let out = SSHFleet.shell(["pgrep", "-f", "ControlPath=/tmp/rnr-"]).output
        return out.split(separator: "\n").count
    }
}
