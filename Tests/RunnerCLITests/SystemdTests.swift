import Foundation
import GoldenSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `systemd`/`systemd_service` and `service` against a real systemd: a container booted by
/// `Tests/Support/systemd-container.sh` (systemd-nspawn, systemd as PID 1 of its own PID
/// namespace, the host's /usr), reached over ssh on 127.0.0.1 as a user with sudo. The
/// playbook (Fixtures/systemd/systemd.yml) writes units, reloads, starts (in check mode and
/// for real), restarts, reloads, stops, enables, disables, masks and unmasks, through
/// `service` too, and fails on a broken unit, a masked one, a missing one and a bad option;
/// every result is compared with what ansible-playbook 2.21 returned on the same kind of
/// container (`systemd_expected.json`, recorded by `record_systemd.py`).
@Suite(.serialized) struct SystemdTests {
    struct Container {
        let directory: String
        let port: Int
    }

    static let script = ConformanceTests.packageRoot.appendingPathComponent("Tests/Support/systemd-container.sh").path
    static let fixtures = Golden.fixtures().appendingPathComponent("systemd")
    static let shared: Result<Container, SSHFleet.FleetUnavailable> = {
        guard getuid() == 0 else { return .failure(.init(description: "the systemd tests need root to boot a container")) }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-nspawn") else {
            return .failure(.init(description: "systemd-nspawn is not installed (scripts/bootstrap installs systemd-container)"))
        }
        guard let port = SSHFleet.freePorts(from: 22650, count: 1) else { return .failure(.init(description: "no free port from 22650")) }
        let dir = "/tmp/runner-systemd-\(getpid())"
        return SSHFleet.startService(script, directory: dir, [String(port)]).map { _ in Container(directory: dir, port: port) }
    }()

    static let volatile: Set<String> = ["delta", "start", "end", "src", "checksum", "md5sum"]
    static let statusKept = ["ActiveState", "SubState", "LoadState", "UnitFileState", "FragmentPath", "Id", "Names", "Type",
                             "Description", "CanStart", "CanStop", "CanReload"]
    static let dropped: Set<String> = ["action", "exception", "invocation", "deprecations", "stdout_lines", "stderr_lines"]

    /// A result as `record_systemd.py`'s clean() writes it.
    static func normalized(_ r: [String: Any]) -> [String: Any] {
        if r["action"] as? String == "copy" { return ["changed": r["changed"] ?? false] }
        var out: [String: Any] = [:]
        for (key, value) in r where !dropped.contains(key) && !key.hasPrefix("_ansible") {
            switch key {
            case "ansible_facts":
                out[key] = ["ansible_service_mgr": (value as? [String: Any])?["ansible_service_mgr"] ?? NSNull()]
            case "status":
                let status = value as? [String: Any] ?? [:]
                var kept: [String: Any] = ["properties": status.count]
                for k in statusKept { if let v = status[k] { kept[k] = v } }
                out[key] = kept
            default:
                out[key] = volatile.contains(key) ? (value is String ? "str" : "\(type(of: value))") : value
            }
        }
        return out
    }

    @Test func systemdModulesMatchAnsibleAgainstARealSystemd() throws {
        guard let box = SSHFleet.available(Self.shared, "the systemd container") else { return }
        let work = URL(fileURLWithPath: "/tmp/runner-systemd-work-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("systemd.yml"), to: work.appendingPathComponent("systemd.yml"))
        try ("sd ansible_host=127.0.0.1 ansible_port=\(box.port) ansible_user=runnersd "
             + "ansible_ssh_private_key_file=\(box.directory)/client_key ansible_host_key_checking=false\n")
            .write(to: work.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        let golden = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent("systemd_expected.json"))) as? [String: Any])
        let want = try #require(golden["tasks"] as? [[String: Any]])
        let outcome = try CommandLineGoldenTests.run(["-i", "hosts", "systemd.yml"], in: work, environment: ["ANSIBLE_STDOUT_CALLBACK": "json"])
        let results = try CommandLineGoldenTests.jsonResults(outcome.stdout, host: "sd")
        #expect(Int(outcome.code) == golden["exit_code"] as? Int, "exit code: \(outcome.stderr)")
        #expect(results.count == want.count, "\(results.count) results of \(want.count)")
        for (i, (got, expected)) in zip(results, want).enumerated() {
            #expect(AccountModuleTests.json(Self.normalized(got)) == AccountModuleTests.json(expected), "task \(i + 1)")
        }
        // The container's systemd holds what the playbook left: the sleeper running and not
        // enabled, the runtime unit unmasked.
        let ssh = ["ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=error",
                   "-i", box.directory + "/client_key", "-p", String(box.port), "root@127.0.0.1"]
        let state = SSHFleet.shell(ssh + ["systemctl is-active rt-sleeper; systemctl is-enabled rt-sleeper; systemctl is-enabled rt-runtime"])
        #expect(state.output.split(separator: "\n") == ["active", "disabled", "static"], "\(state.output)")
    }
}
