import Foundation
import GoldenSupport
import Testing

/// `git`, `unarchive` and `validate:` (copy, template, lineinfile, blockinfile, replace) run by
/// the built binary on the playbooks in `Fixtures/deploy`, against what ansible-playbook 2.21
/// returned for the same playbooks (`deploy_expected.json`, recorded by `record_deploy.py`),
/// plus their real effects on disk. The playbooks make their own git repositories (fixed
/// author and dates, so the commit hashes are stable) and archives.
@Suite(.serialized)
struct DeployModuleTests {
    static let directory = Golden.fixtures().appendingPathComponent("deploy")
    nonisolated(unsafe) static let expected: [String: Any] = {
        (try? JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("deploy_expected.json")))) as? [String: Any] ?? [:]
    }()
    static let volatile: Set<String> = ["atime", "mtime", "ctime", "inode", "dev", "uid", "gid", "elapsed", "delta", "start", "end",
                                        "blocks", "disk_usage_bytes"]

    /// A run of one fixture playbook; `work` is left for the caller to inspect and remove.
    struct Run {
        var code: Int32
        /// Per task: its name and h1's result.
        var results: [(name: String, result: [String: Any])]
        var work: URL
        var directory: String { work.resolvingSymlinksInPath().path }
        func remove() { TransferModuleTests.removeFixture(work) }
        func text(_ path: String) -> String? { try? String(contentsOf: work.appendingPathComponent(path), encoding: .utf8) }
        func mode(_ path: String) -> Int? {
            (try? FileManager.default.attributesOfItem(atPath: work.appendingPathComponent(path).path))?[.posixPermissions] as? Int
        }
    }

    /// The options the recorder gives ansible-playbook for a playbook.
    static func options(_ playbook: String) -> [String] {
        playbook.hasSuffix("_check.yml") ? ["--check"] : playbook.hasSuffix("_diff.yml") ? ["--diff"] : []
    }

    static func run(_ playbook: String, port: Int? = nil) throws -> Run {
        let (code, tasks, work) = try TransferModuleTests.runFixture(
            playbook, from: directory, prefix: "runner-deploy",
            arguments: options(playbook) + (port.map { ["-e", "{\"http_port\": \($0)}"] } ?? []))
        let results = tasks.compactMap { task -> (String, [String: Any])? in
            let name = (task["task"] as? [String: Any])?["name"] as? String ?? ""
            return ((task["hosts"] as? [String: Any])?["h1"] as? [String: Any]).map { (name, $0) }
        }
        return Run(code: code, results: results, work: work)
    }

    /// A result normalised as `record_deploy.py` does it (reasons of a "Failed to find handler"
    /// message sorted: ansible joins them from a set).
    static func normalized(_ name: String, _ r: [String: Any], directory: String, diff: Bool, port: Int = 0) -> Any {
        if name.hasPrefix("set up") { return ["changed": r["changed"] ?? false] }
        let dropped: Set<String> = diff ? ["action", "exception", "invocation"] : ["action", "exception", "invocation", "diff"]
        var kept = r.filter { !dropped.contains($0.key) && !$0.key.hasPrefix("_ansible") }
        if let msg = kept["msg"] as? String, msg.hasPrefix("Failed to find handler") {
            let lines = msg.components(separatedBy: "\n")
            kept["msg"] = ([lines[0]] + lines.dropFirst().sorted()).joined(separator: "\n")
        }
        return TransferModuleTests.masked(kept, directory: directory, port: port, volatile: volatile)
    }

    /// Runs a fixture playbook and compares every task's result with ansible's; the caller
    /// removes the returned run's directory.
    static func compare(_ playbook: String) throws -> Run {
        let golden = try #require(expected[playbook] as? [String: Any], "no golden for \(playbook)")
        let tasks = try #require(golden["tasks"] as? [[String: Any]])
        // The *_url.yml playbooks download from http_echo.py, started for the run.
        let server = playbook.hasSuffix("_url.yml") ? try TransferModuleTests.EchoServer() : nil
        defer { server?.stop() }
        let run = try Self.run(playbook, port: server?.port)
        #expect(Int(run.code) == golden["exit_code"] as? Int, "\(playbook): exit code")
        #expect(run.results.count == tasks.count, "\(playbook): \(run.results.count) results")
        for (i, (got, want)) in zip(run.results, tasks).enumerated() {
            let mine = TransferModuleTests.json(normalized(got.name, got.result, directory: run.directory, diff: options(playbook).contains("--diff"),
                                                           port: server?.port ?? 0))
            #expect(mine == TransferModuleTests.json(want), "\(playbook) task \(i + 1)")
        }
        return run
    }

    @Test func validateMatchesAnsible() throws {
        let run = try Self.compare("validate.yml")
        defer { run.remove() }
        #expect(run.text("v/c.conf") == "key=1\n", "a failed validation left the old file")
        #expect(run.text("v/t.conf") == "key=x\n")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: run.work.appendingPathComponent("v").path)) ?? []
        #expect(!left.contains { $0.contains("ansible-tmp") }, "temporary files left behind: \(left)")
    }

    /// Under --check no validation runs and nothing is written.
    @Test func validateCheckModeChangesNothing() throws {
        let run = try Self.compare("validate_check.yml")
        defer { run.remove() }
        #expect(run.text("v/c.conf") == "good\n")
    }
}

extension DeployModuleTests {
    @Test func gitMatchesAnsible() throws {
        let run = try Self.compare("git.yml")
        defer { run.remove() }
        #expect(run.text("w/f.txt") == "two\n")
        #expect(run.text("single/d.txt") == "dev\n")
        #expect(run.mode("single/f.txt") == 0o640, "umask 0027 applied to the checkout")
        #expect(run.text("plain/file") == "x\n", "a failed clone left the existing directory alone")
    }

    /// Under --check nothing is cloned, fetched or reset.
    @Test func gitCheckModeChangesNothing() throws {
        let run = try Self.compare("git_check.yml")
        defer { run.remove() }
        #expect(!FileManager.default.fileExists(atPath: run.work.appendingPathComponent("new").path))
        #expect(run.text("behind/f.txt") == "one\nlocal\n")
    }

    @Test func gitDiffMatchesAnsible() throws {
        let run = try Self.compare("git_diff.yml")
        run.remove()
    }
}

extension DeployModuleTests {
    /// unarchive's upload directories (`.ansible-tmp-<nonce>`) in the temporary directory.
    static func uploads() -> Set<String> {
        let tmp = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        return Set(((try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []).filter {
            $0.hasPrefix(".ansible-tmp-") && $0.dropFirst(13).allSatisfy { $0.isLetter || $0.isNumber }
        })
    }

    @Test func unarchiveMatchesAnsible() throws {
        let before = Self.uploads()
        let run = try Self.compare("unarchive.yml")
        defer { run.remove() }
        #expect(Self.uploads().subtracting(before).isEmpty, "unarchive left its upload behind")
        for dir in ["tgz", "tar", "bz2", "xz", "zip", "remote", "attrs"] {
            #expect(run.text("out/\(dir)/a.txt") == "one\n", "\(dir)")
            #expect(run.text("out/\(dir)/sub/b.txt") == "two\n", "\(dir)")
        }
        #expect(run.text("out/excl/c.log") == nil, "exclude")
        #expect(run.text("out/list/a.txt") == "one\n" && run.text("out/list/sub/b.txt") == nil, "include")
        #expect(run.text("out/strip/p.txt") == "in pkg\n", "extra_opts")
        #expect(run.text("out/newer/a.txt") == "newer\n", "keep_newer")
        #expect(run.mode("out/attrs/sub/b.txt") == 0o750 && run.mode("out/attrs/sub") == 0o750, "mode on every unpacked path")
    }

    /// A URL `src` with `remote_src` is downloaded on the target and unpacked; an HTTP error
    /// fails with ansible's message.
    @Test func unarchiveURLMatchesAnsible() throws {
        let run = try Self.compare("unarchive_url.yml")
        defer { run.remove() }
        #expect(run.text("out/web.txt") == "runner test file web\n")
    }

    /// With --diff zip reports ansible's itemized changes (missing, content, size, time, mode).
    @Test func unarchiveDiffMatchesAnsible() throws {
        let run = try Self.compare("unarchive_diff.yml")
        defer { run.remove() }
        #expect(run.text("out/zip/a.txt") == "one\n")
        #expect(run.mode("out/zip/a.txt") == 0o640 && run.mode("out/zip/sub") == 0o640)
    }

    /// Under --check zip reports what it would unpack and tar is skipped, as in ansible; nothing
    /// is unpacked.
    @Test func unarchiveCheckModeChangesNothing() throws {
        let run = try Self.compare("unarchive_check.yml")
        defer { run.remove() }
        #expect(run.text("out/zip/a.txt") == nil && run.text("out/tgz/a.txt") == nil)
    }
}

extension DeployModuleTests {
    /// git, unarchive and validate over ssh as the fleet's unprivileged user: changed, then ok
    /// on the second run; a failing validation keeps the old file.
    @Test func deployModulesOverSSH() throws {
        guard let fleet = SSHTests.fleet() else { return }
        let dir = "/tmp/runner-ssh-deploy-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let project = try SSHTests.Project(inventory: "[fleet]\na \(fleet.hostVars(port: fleet.ports[2]))\n", playbook: SSHTests.play("""
            - file: {path: "\(dir)/out", state: directory}
            - shell: |
                [ -d up ] && exit 0
                git init -q -b main up && cd up && echo one > f.txt && git add f.txt
                git -c user.name=t -c user.email=t@example.com commit -qm one && git tag v1
              args: {chdir: "\(dir)"}
            - git: {repo: "\(dir)/up", dest: "\(dir)/w", version: v1}
            - unarchive: {src: a.tar.gz, dest: "\(dir)/out"}
            - copy: {content: "key=1\\n", dest: "\(dir)/c.conf", validate: "grep -q ^key= %s"}
            - copy: {content: "bad\\n", dest: "\(dir)/c.conf", validate: "grep -q ^key= %s"}
              ignore_errors: true

        """), files: [:])
        defer { project.remove() }
        let tree = project.root.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: project.root.appendingPathComponent("files"), withIntermediateDirectories: true)
        try "packed\n".write(to: tree.appendingPathComponent("p.txt"), atomically: true, encoding: .utf8)
        let tar = SSHFleet.shell(["tar", "czf", project.root.appendingPathComponent("files/a.tar.gz").path, "-C", tree.path, "p.txt"])
        try #require(tar.status == 0, "\(tar.output)")
        let first = try project.run()
        #expect(first.results("a").map(SSHTests.status) == ["changed", "changed", "changed", "changed", "changed", "failed"], "\(first.tasks) \(first.stderr)")
        let second = try project.run()
        #expect(second.results("a").map(SSHTests.status) == ["ok", "changed", "ok", "ok", "ok", "failed"], "\(second.tasks)")
        #expect((try? String(contentsOfFile: dir + "/w/f.txt", encoding: .utf8)) == "one\n")
        #expect((try? String(contentsOfFile: dir + "/out/p.txt", encoding: .utf8)) == "packed\n")
        #expect((try? String(contentsOfFile: dir + "/c.conf", encoding: .utf8)) == "key=1\n")
        #expect((try FileManager.default.attributesOfItem(atPath: dir + "/out/p.txt"))[.ownerAccountName] as? String == "runnertest")
        #expect(second.results("a").last?["msg"] as? String == "failed to validate")
    }
}

extension DeployModuleTests {
    /// A repository reached over ssh (the fleet's sshd) with `key_file`: `accept_hostkey` is what
    /// lets git's batch-mode ssh past the unknown host key, and the key file is what logs it in.
    @Test func gitOverSSHWithKeyFileAndHostKey() throws {
        guard let fleet = SSHTests.fleet() else { return }
        let dir = "/tmp/runner-ssh-git-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let url = "ssh://runnertest@127.0.0.1:\(fleet.ports[0])\(dir)/up"
        let opts = "-o UserKnownHostsFile=/dev/null"
        let project = try SSHTests.Project(inventory: "[fleet]\na \(fleet.hostVars(port: fleet.ports[0]))\n[me]\nlocal ansible_connection=local\n", playbook: """
            - hosts: fleet
              gather_facts: false
              tasks:
                - shell: |
                    mkdir -p \(dir) && cd \(dir) && git init -q -b main up && cd up && echo over ssh > f.txt && git add f.txt
                    git -c user.name=t -c user.email=t@example.com commit -qm one
            - hosts: me
              gather_facts: false
              tasks:
                - git: {repo: "\(url)", dest: "\(dir)/strict", key_file: "\(fleet.key)", ssh_opts: "\(opts)"}
                  ignore_errors: true
                - git: {repo: "\(url)", dest: "\(dir)/nokey", accept_hostkey: true, ssh_opts: "\(opts) -o IdentityFile=/dev/null -o IdentitiesOnly=yes"}
                  ignore_errors: true
                - git: {repo: "\(url)", dest: "\(dir)/w", key_file: "\(fleet.key)", accept_hostkey: true, ssh_opts: "\(opts)"}
                - git: {repo: "\(url)", dest: "\(dir)/w", key_file: "\(fleet.key)", accept_newhostkey: true, ssh_opts: "\(opts)"}

            """)
        defer { project.remove() }
        let run = try project.run()
        let r = run.results("local")
        try #require(r.count == 4, "\(run.tasks) \(run.stderr)")
        #expect(r.map(SSHTests.status) == ["failed", "failed", "changed", "ok"], "\(r)")
        #expect((r[0]["msg"] as? String ?? "").contains("Host key verification failed"), "\(r[0])")
        #expect((r[1]["msg"] as? String ?? "").contains("Permission denied"), "\(r[1])")
        #expect((try? String(contentsOfFile: dir + "/w/f.txt", encoding: .utf8)) == "over ssh\n")
        #expect(r[2]["after"] as? String == r[3]["before"] as? String && r[3]["changed"] as? Bool == false)
    }
}

extension DeployModuleTests {
    /// Submodules are initialised on clone and updated when the superproject records a new
    /// commit of theirs (`submodules_changed`); `recursive: false` leaves them out.
    @Test func gitSubmodulesMatchAnsible() throws {
        let run = try Self.compare("git_submodules.yml")
        defer { run.remove() }
        #expect(run.text("w/vendor/lib/lib.txt") == "v2\n")
    }
}
