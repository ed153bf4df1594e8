import Foundation
import GoldenSupport
import Testing

/// ansible.cfg found and read as ansible-playbook finds and reads it: the project's
/// `./ansible.cfg` (inventory, roles_path relative to the file, forks, gathering, hash_behaviour,
/// an inline comment), ignored in a world-writable directory, `ANSIBLE_CONFIG` naming another
/// file, and environment variables beating the file. Recorded by record_ansible_cfg.py.
struct AnsibleConfigTests {
    static let directory = Golden.fixtures().appendingPathComponent("ansible-cfg")
    nonisolated(unsafe) static let cases: [[String: Any]] = {
        let data = (try? Data(contentsOf: directory.appendingPathComponent("expected.json"))) ?? Data()
        return (try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
    }()
    static let names = cases.compactMap { $0["name"] as? String }

    @Test func casesPresent() { #expect(Self.names.count == 4) }

    @Test("runner reads ansible.cfg as ansible-playbook does", arguments: names)
    func configCase(_ name: String) throws {
        let entry = try #require(Self.cases.first { $0["name"] as? String == name })
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("runner-cfg-\(UUID().uuidString)")
        let project = work.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try FileManager.default.copyItem(at: Self.directory.appendingPathComponent("project"), to: project)
        let mode = Int((entry["mode"] as? String ?? "0o755").dropFirst(2), radix: 8) ?? 0o755
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: project.path)
        var environment: [String: String?] = ["HOME": work.path]
        for key in ProcessInfo.processInfo.environment.keys where key.hasPrefix("ANSIBLE_") && key != "ANSIBLE_NOCOLOR" {
            environment[key] = .some(nil)
        }
        for (key, value) in entry["environment"] as? [String: String] ?? [:] { environment[key] = value }
        let outcome = try CommandLineGoldenTests.run(["play/site.yml"], in: project, environment: environment)
        #expect(Int(outcome.code) == entry["rc"] as? Int, "\(name): \(outcome.stdout)\(outcome.stderr)")
        let stdout = outcome.stdout.replacingOccurrences(of: project.path, with: "<project>")
            .replacingOccurrences(of: work.path, with: "<work>")
        #expect(stdout == entry["stdout"] as? String, "\(name)")
        if mode & 0o002 != 0 {
            #expect(outcome.stderr.contains("ignoring it as an ansible.cfg source"), "\(outcome.stderr)")
        }
    }
}

extension AnsibleConfigTests {
    /// A setting runner does not use, in ansible.cfg or as an ANSIBLE_* variable, is named once
    /// with -v (on stderr, stdout staying ansible-playbook's) and is never an error.
    @Test func unusedSettingsAreReportedWithVerbose() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("runner-cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try "[defaults]\nretry_files_enabled = False\nforks = 3\n[ssh_connection]\npipelining = True\n"
            .write(to: work.appendingPathComponent("ansible.cfg"), atomically: true, encoding: .utf8)
        try "a ansible_connection=local\n".write(to: work.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        try "- hosts: all\n  gather_facts: false\n  tasks: [{debug: {msg: hi}}]\n".write(to: work.appendingPathComponent("site.yml"), atomically: true, encoding: .utf8)
        let env = ["ANSIBLE_RETRY_FILES_SAVE_PATH": "/tmp", "ANSIBLE_CONFIG": nil]
        let verbose = try CommandLineGoldenTests.run(["-i", "hosts", "site.yml", "-v"], in: work, environment: env)
        #expect(verbose.code == 0)
        let report = verbose.stderr.split(separator: "\n").filter { $0.hasPrefix("runner does not use these settings") }
        #expect(report == ["runner does not use these settings (they change nothing): ANSIBLE_RETRY_FILES_SAVE_PATH, [defaults] retry_files_enabled, [ssh_connection] pipelining"],
                "\(verbose.stderr)")
        #expect(!verbose.stdout.contains("runner does not use"))
        let quiet = try CommandLineGoldenTests.run(["-i", "hosts", "site.yml"], in: work, environment: env)
        #expect(quiet.code == 0 && !quiet.stderr.contains("runner does not use"), "\(quiet.stderr)")
    }
}
