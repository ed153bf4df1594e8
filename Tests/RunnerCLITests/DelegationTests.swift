import Foundation
import Testing

/// `delegate_to` and `local_action`: the task runs where it is delegated (here the controller)
/// even when its own host cannot be reached, and is reported for its own host as
/// `[host -> localhost]`, as ansible-playbook reports it.
struct DelegationTests {
    @Test func delegatedTasksRunOnTheController() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("runner-delegate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        // Port 1 on loopback refuses connections: the host itself is unreachable.
        try """
        [far]
        remote1 ansible_host=127.0.0.1 ansible_port=1 ansible_user=nobody ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'
        """.write(to: work.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        try """
        - hosts: far
          gather_facts: false
          tasks:
            - name: on the controller
              command: "touch {{ playbook_dir }}/delegated-marker"
              delegate_to: localhost
            - name: local action
              local_action: command echo local
              register: r
            - name: show
              debug:
                var: r.stdout
            - name: on the host itself
              command: echo remote
        """.write(to: work.appendingPathComponent("site.yml"), atomically: true, encoding: .utf8)
        let outcome = try CommandLineGoldenTests.run(["-i", "hosts", "site.yml"], in: work)
        #expect(outcome.code == 4, "the unreachable host gives exit 4: \(outcome.stdout)")
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("delegated-marker").path))
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0 == "changed: [remote1 -> localhost]" }.count == 2, "\(outcome.stdout)")
        #expect(outcome.stdout.contains("\"r.stdout\": \"local\""))
        #expect(lines.contains { $0.hasPrefix("fatal: [remote1]: UNREACHABLE!") })
    }
}
