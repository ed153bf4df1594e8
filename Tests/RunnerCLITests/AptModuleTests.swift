import Foundation
import GoldenSupport
import Testing

/// `apt` and `package` run by the built binary on `Fixtures/modules/apt.yml` and (with
/// `--check`) `apt_check.yml`, against what ansible-playbook 2.21 returned for the same
/// playbooks (`apt_expected.json`, recorded by `record_apt.py`). The packages come from
/// `Tests/Support/apt-test-repo.sh`'s throw-away repository, reached through an `APT_CONFIG`
/// of its own, so nothing goes to a Debian mirror. They install and remove the real
/// runner-test-a/-b packages (purged again at the end); they need root and Debian's apt.
@Suite(.serialized)
struct AptModuleTests {
    static let directory = Golden.fixtures().appendingPathComponent("modules")
    nonisolated(unsafe) static let expected: [String: Any] = {
        (try? JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("apt_expected.json")))) as? [String: Any] ?? [:]
    }()
    static let usable = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/apt-get")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/dpkg-deb")
    static let packages = ["runner-test-a", "runner-test-b"]

    static func shell(_ script: String) -> (code: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try? p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: out, as: UTF8.self))
    }

    /// The installed version of a package, nil when dpkg does not have it installed.
    static func installed(_ name: String) -> String? {
        let r = shell("dpkg-query -W -f='${db:Status-Status} ${Version}' \(name) 2>/dev/null")
        let parts = r.out.split(separator: " ")
        return parts.first == "installed" && parts.count == 2 ? String(parts[1]) : nil
    }

    /// A work directory with the fixture playbooks and the throw-away repository in `apt/`.
    static func workDirectory() throws -> URL {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("runner-apt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        for name in ["apt.yml", "apt_check.yml"] {
            try FileManager.default.copyItem(at: directory.appendingPathComponent(name), to: work.appendingPathComponent(name))
        }
        try "h1 ansible_connection=local\n".write(to: work.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        let script = Golden.fixtures().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Support/apt-test-repo.sh").path
        let made = shell("sh '\(script)' '\(work.path)/apt'")
        try #require(made.code == 0, "apt-test-repo.sh failed")
        return work
    }

    static func normalized(_ r: [String: Any], directory: String) -> [String: Any] {
        func fix(_ v: Any) -> Any {
            if let s = v as? String {
                return s.replacingOccurrences(of: directory, with: "{dir}")
                    .replacingOccurrences(of: #"\d+ files and directories currently installed"#,
                                          with: "N files and directories currently installed", options: .regularExpression)
            }
            if let l = v as? [Any] { return l.map(fix) }
            if let d = v as? [String: Any] { return d.mapValues(fix) }
            return v
        }
        var out: [String: Any] = [:]
        for (k, v) in r where !["action", "exception", "invocation"].contains(k) && !k.hasPrefix("_ansible") {
            out[k] = k == "cache_update_time" ? (v is NSNumber ? "int" : "\(type(of: v))") : fix(v)
        }
        return out
    }

    static func compare(_ playbook: String, _ extra: [String], in work: URL) throws -> [[String: Any]] {
        let golden = try #require(expected[playbook] as? [String: Any], "no golden for \(playbook)")
        let tasks = try #require(golden["tasks"] as? [[String: Any]])
        let dir = work.resolvingSymlinksInPath().path
        let outcome = try CommandLineGoldenTests.run(["-i", "hosts", playbook, "-e", "{\"apt_dir\": \"\(dir)/apt\"}"] + extra, in: work,
                                                     environment: ["ANSIBLE_STDOUT_CALLBACK": "json"])
        let results = try CommandLineGoldenTests.jsonResults(outcome.stdout, host: "h1")
        #expect(Int(outcome.code) == golden["exit_code"] as? Int, "\(playbook): exit code")
        #expect(results.count == tasks.count, "\(playbook): \(results.count) results")
        for (i, (got, want)) in zip(results, tasks).enumerated() {
            let mine = AccountModuleTests.json(normalized(got, directory: dir))
            #expect(mine == AccountModuleTests.json(want), "\(playbook) task \(i + 1)")
        }
        return results
    }

    /// Install, upgrade, downgrade, failures, removal, `.deb` files, `package`, `upgrade` and
    /// `clean`, then the same cases in check mode: every result as ansible's, and dpkg's state
    /// as they say.
    @Test(.enabled(if: usable)) func aptMatchesAnsible() throws {
        let work = try Self.workDirectory()
        defer {
            _ = Self.shell("dpkg --purge \(Self.packages.joined(separator: " ")) >/dev/null 2>&1")
            try? FileManager.default.removeItem(at: work)
        }
        _ = Self.shell("dpkg --purge \(Self.packages.joined(separator: " ")) >/dev/null 2>&1")
        let results = try Self.compare("apt.yml", [], in: work)
        #expect(results.map(ModuleTests.status) == ["ok", "changed", "ok", "ok", "changed", "ok", "failed", "changed", "changed",
                                                    "failed", "changed", "ok", "changed", "ok", "failed", "failed", "changed",
                                                    "changed", "changed", "ok", "failed", "failed", "ok",
                                                    "changed", "changed", "ok", "ok", "failed", "changed", "changed"])
        #expect(Self.installed("runner-test-a") == nil && Self.installed("runner-test-b") == nil)
        _ = try Self.compare("apt_check.yml", ["--check"], in: work)
        #expect(Self.installed("runner-test-a") == nil && Self.installed("runner-test-b") == nil, "check mode installed something")
    }

    /// The packages really land: a name installs the repository's newest version, `latest`
    /// leaves it, a second run is `ok`, and removal takes it away.
    @Test(.enabled(if: usable)) func installsAndRemovesForReal() throws {
        let work = try Self.workDirectory()
        defer {
            _ = Self.shell("dpkg --purge \(Self.packages.joined(separator: " ")) >/dev/null 2>&1")
            try? FileManager.default.removeItem(at: work)
        }
        let apt = "\(work.resolvingSymlinksInPath().path)/apt"
        let project = try ModuleTests.Project(tasks: """
            - apt: {name: runner-test-a, update_cache: true}
              environment: {APT_CONFIG: \(apt)/apt.conf}
            - apt: {name: runner-test-a, state: latest}
              environment: {APT_CONFIG: \(apt)/apt.conf}
            - package: {name: runner-test-b}
              environment: {APT_CONFIG: \(apt)/apt.conf}

        """)
        defer { project.remove() }
        let first = try project.run()
        #expect(first.results.map(ModuleTests.status) == ["changed", "ok", "changed"], "\(first.results)")
        #expect(Self.installed("runner-test-a") == "1.1" && Self.installed("runner-test-b") == "1.0")
        let second = try project.run()
        #expect(second.results.map(ModuleTests.status) == ["ok", "ok", "ok"], "\(second.results)")
        let removal = try ModuleTests.Project(tasks: """
            - apt: {name: [runner-test-a, runner-test-b], state: absent, purge: true}
              environment: {APT_CONFIG: \(apt)/apt.conf}

        """)
        defer { removal.remove() }
        #expect(try removal.run().results.map(ModuleTests.status) == ["changed"])
        #expect(Self.installed("runner-test-a") == nil && Self.installed("runner-test-b") == nil)
    }

    /// `deb:` as a URL (served here by python3's http.server on 127.0.0.1): fetched on the
    /// target, installed, `ok` the second time; a missing file fails with ansible's
    /// "Failure downloading URL, HTTP Error 404: File not found" (recorded from ansible-playbook
    /// 2.21 against the same server).
    @Test(.enabled(if: usable && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
    func debFromURL() throws {
        let work = try Self.workDirectory()
        let port = try #require(SSHFleet.freePorts(from: 22480, count: 1))
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        server.arguments = ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", work.appendingPathComponent("apt/repo").path]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            // SIGKILL: the test process may run with SIGTERM blocked, and python would inherit that.
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
            _ = Self.shell("dpkg --purge \(Self.packages.joined(separator: " ")) >/dev/null 2>&1")
            try? FileManager.default.removeItem(at: work)
        }
        var listening = false
        for _ in 0..<100 where !listening {
            listening = !SSHFleet.isFree(port)
            if !listening { Thread.sleep(forTimeInterval: 0.05) }
        }
        try #require(listening, "http.server did not start")
        let url = "http://127.0.0.1:\(port)"
        let project = try ModuleTests.Project(tasks: """
                - apt: {deb: "\(url)/runner-test-b_1.0_all.deb"}
                - apt: {deb: "\(url)/runner-test-b_1.0_all.deb"}
                - apt: {deb: "\(url)/nope.deb"}
                  ignore_errors: true

            """)
        defer { project.remove() }
        let run = try project.run()
        #expect(run.results.map(ModuleTests.status) == ["changed", "ok", "failed"], "\(run.results)")
        #expect(Self.installed("runner-test-b") == "1.0")
        #expect((run.results[0]["stdout"] as? String ?? "").contains("Unpacking runner-test-b (1.0) ..."))
        #expect(run.results[2]["msg"] as? String == "Failure downloading \(url)/nope.deb, HTTP Error 404: File not found")
    }
}
