import Foundation
import Testing

/// 200 loopback sshd hosts with `-f 50`: every host's result is reported, runner's open
/// descriptors are the same before and after a stretch of tasks that opens no new
/// connection (no leak per task: each host holds its persistent shells' pipes and master
/// socket for the run, and nothing more), and no ssh process of the run outlives it.
@Suite(.serialized) struct LoadTests {
    static let hosts = 200

    @Test func twoHundredHostsFiftyForks() throws {
        guard SSHTests.fleet() != nil else { return }  // records why when root or sshd is missing
        guard let base = [24000, 24400, 24800].first(where: { start in (0..<Self.hosts).allSatisfy { SSHFleet.isFree(start + $0) } }) else {
            Issue.record("no \(Self.hosts) free ports from 24000")
            return
        }
        let dir = "/tmp/runner-load-\(getpid())"
        let controlDir = "/tmp/runner-load-cp-\(getpid())"
        let started = SSHFleet.shell([SSHFleet.script, "start", String(Self.hosts), dir], env: ["RUNNER_SSHD_BASE_PORT": String(base)])
        defer {
            _ = SSHFleet.shell([SSHFleet.script, "stop", dir])
            try? FileManager.default.removeItem(atPath: controlDir)
        }
        try #require(started.status == 0, "\(started.output.suffix(600))")
        let key = dir + "/client_key"
        var inventory = "[fleet]\n"
        for i in 0..<Self.hosts {
            inventory += "h\(i) ansible_host=127.0.0.1 ansible_port=\(base + i) ansible_user=runnertest "
                + "ansible_ssh_private_key_file=\(key) ansible_host_key_checking=false\n"
        }
        // The pipe lookup's shell is a child of runner: $PPID is runner.
        let census = "{{ lookup('pipe', 'ls -l /proc/$PPID/fd | grep -c pipe; ls -l /proc/$PPID/fd | grep -c socket; ls /proc/$PPID/fd | wc -l; ls /proc/$PPID/task | wc -l') }}"
        let project = try SSHTests.Project(
            inventory: inventory,
            playbook: """
            - hosts: fleet
              gather_facts: false
              tasks:
                - command: "true"
                - command: "true"
                - command: "true"
                  become: true
                - name: census before
                  set_fact:
                    before: "\(census)"
                  run_once: true
                - command: "true"
                - command: "true"
                  become: true
                - name: a local process
                  command: "true"
                  delegate_to: localhost
                  run_once: true
                - copy:
                    content: "{{ inventory_hostname }}\\n"
                    dest: "/tmp/runner-load-{{ inventory_hostname }}-\(getpid())"
                - file:
                    path: "/tmp/runner-load-{{ inventory_hostname }}-\(getpid())"
                    state: absent
                  become: true
                - name: census after
                  set_fact:
                    after: "\(census)"
                  run_once: true
                - debug:
                    msg: "{{ before }}|{{ after }}"
                  run_once: true
            """)
        defer { project.remove() }
        let run = try project.run(["-f", "50"], environment: ["ANSIBLE_SSH_CONTROL_PATH_DIR": controlDir])
        #expect(run.code == 0, "\(run.stderr.suffix(2000))")
        for i in 0..<Self.hosts {
            let results = run.results("h\(i)")
            // Seven tasks run on every host; the run_once tasks report for the first host only.
            let expected = i == 0 ? 11 : 7
            #expect(results.count == expected && results.allSatisfy { $0["failed"] as? Bool != true && $0["unreachable"] as? Bool != true },
                    "h\(i): \(results.count) results, \(results.filter { $0["failed"] as? Bool == true || $0["unreachable"] as? Bool == true })")
        }
        let message = run.results("h0").last?["msg"] as? String ?? ""
        let parts = message.split(separator: "|").map { $0.split(separator: "\n").map(String.init) }
        try #require(parts.count == 2 && parts[0].count == 4, "census: \(message)")
        #expect(parts[0][0..<3] == parts[1][0..<3], "pipes, sockets and all descriptors before and after: \(parts[0]) vs \(parts[1])")
        // Threads come and go with Dispatch's pool; a leak would pile them up past it.
        #expect(Int(parts[1][3]) ?? 999 <= max(Int(parts[0][3]) ?? 0, 64), "threads before and after: \(parts[0][3]) vs \(parts[1][3])")
        // Each host holds a login shell and a become shell: 3 pipes and a master socket each.
        #expect(Int(parts[0][0]) ?? 0 >= 2 * 3 * Self.hosts && Int(parts[0][1]) ?? 0 >= 2 * Self.hosts, "\(parts[0])")
        let left = SSHFleet.shell(["pgrep", "-af", controlDir]).output
        #expect(left.isEmpty, "no ssh process of the run is left: \(left)")
    }
}
