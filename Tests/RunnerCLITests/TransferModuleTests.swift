import Foundation
import GoldenSupport
import Testing

/// `raw`, `script`, `fetch`, `find`, `get_url` and `uri` run by the built binary on the
/// playbooks in `Fixtures/transfer`, against what ansible-playbook 2.21 returned for the same
/// playbooks (`transfer_expected.json`, recorded by `record_transfer.py`), plus their real
/// effects on disk. `get_url` and `uri` talk to `http_echo.py`, started on 127.0.0.1 for each
/// run and killed by its PID.
@Suite(.serialized)
struct TransferModuleTests {
    static let directory = Golden.fixtures().appendingPathComponent("transfer")
    nonisolated(unsafe) static let expected: [String: Any] = {
        (try? JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("transfer_expected.json")))) as? [String: Any] ?? [:]
    }()
    static let volatile: Set<String> = ["atime", "mtime", "ctime", "inode", "dev", "uid", "gid", "elapsed", "delta", "start", "end",
                                        "blocks", "disk_usage_bytes"]
    static let setUp: Set<String> = ["copy", "file", "command"]

    /// `http_echo.py` listening on 127.0.0.1; `stop()` kills it by PID.
    final class EchoServer {
        let process = Process()
        let port: Int

        init() throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", TransferModuleTests.directory.appendingPathComponent("http_echo.py").path]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line.append(chunk)
            }
            port = try #require(Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)), "no port from http_echo.py")
        }

        func stop() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// A run of one fixture playbook; `work` is left for the caller to inspect and remove.
    struct Run {
        var code: Int32
        var results: [[String: Any]]
        var work: URL
        var directory: String { work.resolvingSymlinksInPath().path }
        func remove() { TransferModuleTests.removeFixture(work) }
    }

    static func run(_ playbook: String, port: Int, _ extra: [String] = []) throws -> Run {
        let (code, tasks, work) = try runFixture(playbook, from: directory, prefix: "runner-xfer",
                                                 arguments: ["-e", "{\"http_port\": \(port)}"] + extra)
        return Run(code: code, results: tasks.compactMap { ($0["hosts"] as? [String: Any])?["h1"] as? [String: Any] }, work: work)
    }

    /// The run's own TMPDIR, beside its folder: the modules' temporary files go there, so a
    /// test can tell its leftovers from those of tests running at the same time.
    static func temporaryDirectory(of work: URL) -> String { work.path + ".tmp" }

    /// Removes a fixture run's folder and its TMPDIR.
    static func removeFixture(_ work: URL) {
        try? FileManager.default.removeItem(at: work)
        try? FileManager.default.removeItem(atPath: temporaryDirectory(of: work))
    }

    /// Copies a fixture playbook into a fresh folder with a one-host local inventory (h1), runs
    /// it with the json callback and returns the exit code, every task entry of the document and
    /// the folder (which the caller removes with `removeFixture`).
    static func runFixture(_ playbook: String, from fixtures: URL, prefix: String, arguments: [String]) throws
        -> (code: Int32, tasks: [[String: Any]], work: URL) {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: temporaryDirectory(of: work), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent(playbook), to: work.appendingPathComponent(playbook))
        try "h1 ansible_connection=local\n".write(to: work.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = try CommandLineGoldenTests.runner()
        process.arguments = ["-i", "hosts", playbook] + arguments
        process.currentDirectoryURL = work
        var env = ProcessInfo.processInfo.environment
        env["ANSIBLE_STDOUT_CALLBACK"] = "json"
        env["ANSIBLE_NOCOLOR"] = "1"
        env["TMPDIR"] = temporaryDirectory(of: work)
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let start = try #require(text.firstIndex(of: "{"), "no JSON document: \(text)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(text[start...].utf8)) as? [String: Any])
        let tasks = (doc["plays"] as? [[String: Any]] ?? []).flatMap { $0["tasks"] as? [[String: Any]] ?? [] }
        return (process.terminationStatus, tasks, work)
    }

    /// A result normalised as `record_transfer.py` does it.
    static func normalized(_ r: [String: Any], directory: String, port: Int) -> Any {
        if let action = r["action"] as? String, setUp.contains(action) { return ["changed": r["changed"] ?? false] }
        return masked(r.filter { !["action", "exception", "invocation"].contains($0.key) && !$0.key.hasPrefix("_ansible") },
                      directory: directory, port: port, volatile: volatile)
    }

    /// The recorders' normalisation of a result: the run's directory as `{dir}`, the echo
    /// server's port as `{http_port}`, ansible's temporary paths as `{tmp}`, `volatile` keys
    /// replaced by their Python type name, `find`'s files sorted by path.
    static func masked(_ value: Any, directory: String, port: Int, volatile: Set<String>) -> Any {
        let tmp = try! NSRegularExpression(pattern: "[^\\s'\"]*ansible-tmp-[^\\s'\"]*")
        func text(_ s: String) -> String {
            let s = s.replacingOccurrences(of: directory, with: "{dir}").replacingOccurrences(of: "127.0.0.1:\(port)", with: "127.0.0.1:{http_port}")
            return tmp.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: "{tmp}")
        }
        func typeName(_ v: Any) -> String {
            if v is String { return "str" }
            if let n = v as? NSNumber { let t = String(cString: n.objCType); return t == "d" || t == "f" ? "float" : "int" }
            return v is NSNull ? "NoneType" : "\(type(of: v))"
        }
        func fix(_ v: Any) -> Any {
            if let s = v as? String { return text(s) }
            if let l = v as? [Any] { return l.map(fix) }
            if let d = v as? [String: Any] {
                var out: [String: Any] = [:]
                for (k, x) in d { out[text(k)] = volatile.contains(k) ? typeName(x) : fix(x) }
                if let files = out["files"] as? [[String: Any]] {
                    out["files"] = files.sorted { ($0["path"] as? String ?? "") < ($1["path"] as? String ?? "") }
                }
                return out
            }
            return v
        }
        return fix(value)
    }

    static func json(_ v: Any) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .fragmentsAllowed])) ?? Data(), as: UTF8.self)
    }

    /// Runs a fixture playbook against a fresh echo server and compares every task's result
    /// with ansible's; the caller removes the returned run's directory.
    static func compare(_ playbook: String, _ extra: [String] = []) throws -> Run {
        let golden = try #require(expected[playbook] as? [String: Any], "no golden for \(playbook)")
        let tasks = try #require(golden["tasks"] as? [[String: Any]])
        let server = try EchoServer()
        defer { server.stop() }
        let run = try Self.run(playbook, port: server.port, extra)
        #expect(Int(run.code) == golden["exit_code"] as? Int, "\(playbook): exit code")
        #expect(run.results.count == tasks.count, "\(playbook): \(run.results.count) results")
        for (i, (got, want)) in zip(run.results, tasks).enumerated() {
            let mine = json(normalized(got, directory: run.directory, port: server.port))
            #expect(mine == json(want), "\(playbook) task \(i + 1)")
        }
        return run
    }

    static func file(_ run: Run, _ path: String) -> String? {
        try? String(contentsOf: run.work.appendingPathComponent(path), encoding: .utf8)
    }

    static func mode(_ run: Run, _ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: run.work.appendingPathComponent(path).path))?[.posixPermissions] as? Int
    }

    /// The `.ansible-tmp-` files left in a run's TMPDIR.
    static func leftovers(_ run: Run) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: temporaryDirectory(of: run.work))) ?? []).filter {
            $0.hasPrefix(".ansible-tmp-http.") || $0.hasPrefix(".ansible-tmp-hdr.") || $0.hasPrefix(".ansible-tmp-script.")
        }
    }

    @Test func rawMatchesAnsible() throws {
        let run = try Self.compare("raw.yml")
        run.remove()
    }

    @Test func scriptMatchesAnsible() throws {
        let run = try Self.compare("script.yml")
        defer { run.remove() }
        #expect(Self.leftovers(run).isEmpty, "script left its temporary copy behind")
    }

    @Test func fetchMatchesAnsible() throws {
        let run = try Self.compare("fetch.yml")
        defer { run.remove() }
        let nested = "out/h1" + run.directory + "/remote/rt_fetch.txt"
        #expect(Self.file(run, nested) == "fetch me again\n")
        #expect(Self.file(run, "flat/rt_fetch.txt") == "fetch me\n")
        #expect(Self.file(run, "flat/renamed.txt") == "fetch me again\n")
    }

    /// Under --check nothing runs, is fetched or downloaded.
    @Test func checkModeChangesNothing() throws {
        let run = try Self.compare("transfer_check.yml", ["--check"])
        defer { run.remove() }
        for path in ["raw.out", "check", "check.txt"] {
            #expect(!FileManager.default.fileExists(atPath: run.work.appendingPathComponent(path).path), "check mode wrote \(path)")
        }
    }

    @Test func findMatchesAnsible() throws {
        let run = try Self.compare("find.yml")
        run.remove()
    }

    @Test func getURLMatchesAnsible() throws {
        let run = try Self.compare("get_url.yml")
        defer { run.remove() }
        #expect(Self.file(run, "a.txt") == "runner test file b.txt\n")
        #expect(Self.mode(run, "a.txt") == 0o640)
        #expect(Self.file(run, "c.txt") == "runner test file c.txt\n")
        #expect(Self.file(run, "r.txt") == "runner test file redirected.txt\n")
        #expect(Self.file(run, "echo.json")?.contains("\"x-token\": \"abc\"") == true)
        #expect(Self.file(run, "nf.txt") == nil)
        #expect(Self.leftovers(run).isEmpty, "get_url left temporary files behind")
    }

    @Test func uriMatchesAnsible() throws {
        let run = try Self.compare("uri.yml")
        defer { run.remove() }
        #expect(Self.file(run, "u.txt") == "runner test file u.txt\n")
        #expect(Self.leftovers(run).isEmpty, "uri left temporary files behind")
    }

    /// Credentials and header values reach curl on its config stream, never in its argv: a
    /// `curl` first on PATH records its arguments and hands over to the real one.
    @Test func uriSecretsStayOutOfArgv() throws {
        let server = try EchoServer()
        defer { server.stop() }
        let project = try ModuleTests.Project(tasks: """
            - uri: {url: "http://127.0.0.1:\(server.port)/echo?rt_s3cret_query", url_username: rt_user, url_password: rt_s3cret_pw, force_basic_auth: true, headers: {X-Api-Key: rt_s3cret_key}}
              register: r
              environment: {PATH: "{{ playbook_dir }}/bin:/usr/local/bin:/usr/bin:/bin"}
            - copy: {dest: "{{ out }}/seen.json", content: "{{ r.json }}"}

        """, files: ["bin/curl": "#!/bin/sh\nprintf '%s\\n' \"$@\" >> \"$(dirname \"$0\")/argv.log\"\nexec /usr/bin/curl \"$@\"\n"])
        defer { project.remove() }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: project.root.appendingPathComponent("bin/curl").path)
        let run = try project.run()
        #expect(run.results.map(ModuleTests.status) == ["ok", "changed"], "\(run.results)")
        let seen = project.text("out/seen.json") ?? ""
        #expect(seen.contains("rt_s3cret_key") && seen.contains("Basic cnRfdXNlcjpydF9zM2NyZXRfcHc="), "\(seen)")
        let argv = try #require(project.text("bin/argv.log"), "the curl on PATH was not used")
        #expect(!argv.contains("rt_s3cret"), "\(argv)")
    }
}

extension TransferModuleTests {
    /// A folder of links to the tools the remote scripts use, with `wget` only when asked and
    /// never `curl`, to put first (and alone) on PATH.
    static func toolFolder(_ root: URL, wget: Bool) throws -> String {
        let bin = root.appendingPathComponent("tools")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let tools = ["sh", "mktemp", "cat", "rm", "tr", "base64", "sha1sum", "md5sum", "cut", "stat", "chmod", "chown", "mv", "grep",
                     "sed", "tail", "id", "date", "cp", "readlink", "dirname", "mkdir", "env", "od", "ls", "touch", "ln"] + (wget ? ["wget"] : [])
        for tool in tools {
            guard let found = ["/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/"].map({ $0 + tool }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { continue }
            try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent(tool).path, withDestinationPath: found)
        }
        return bin.path
    }

    /// Without curl, GNU wget does the request: same content, status and JSON.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/wget"))) func wgetServesWithoutCurl() throws {
        let server = try EchoServer()
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let project = try ModuleTests.Project(tasks: """
            - get_url: {url: "\(base)/file/w.txt", dest: "{{ out }}/w.txt", mode: "0600"}
              environment: {PATH: "{{ playbook_dir }}/tools"}
            - uri: {url: "\(base)/echo?q=1", method: POST, body_format: json, body: {k: v}, headers: {X-Token: rt_tok}}
              environment: {PATH: "{{ playbook_dir }}/tools"}
              register: r
            - uri: {url: "\(base)/redirect", return_content: true}
              environment: {PATH: "{{ playbook_dir }}/tools"}
            - uri: {url: "\(base)/status/404"}
              environment: {PATH: "{{ playbook_dir }}/tools"}
              ignore_errors: true

        """)
        defer { project.remove() }
        _ = try Self.toolFolder(project.root, wget: true)
        let run = try project.run()
        #expect(run.results.map(ModuleTests.status) == ["changed", "ok", "ok", "failed"], "\(run.results)")
        #expect(project.text("out/w.txt") == "runner test file w.txt\n")
        #expect(project.mode("out/w.txt") == 0o600)
        guard run.results.count == 4 else { return }
        let json = run.results[1]["json"] as? [String: Any]
        #expect(json?["body"] as? String == "{\"k\": \"v\"}" && json?["method"] as? String == "POST" && json?["query"] as? String == "q=1", "\(run.results[1])")
        #expect((json?["headers"] as? [String: Any])?["x-token"] as? String == "rt_tok")
        #expect(run.results[1]["x_echo_count"] as? String == "1")
        #expect(run.results[2]["content"] as? String == "runner test file redirected.txt\n" && run.results[2]["redirected"] as? Bool == true,
                "\(run.results[2])")
        #expect(run.results[2]["url"] as? String == "\(base)/file/redirected.txt")
        #expect(run.results[3]["status"] as? Int == 404 && run.results[3]["msg"] as? String == "Status code was 404 and not [200]: HTTP Error 404: Not Found",
                "\(run.results[3])")
    }

    /// With neither tool on the target, both modules fail and say so.
    @Test func neitherCurlNorWgetFailsClearly() throws {
        let project = try ModuleTests.Project(tasks: """
            - get_url: {url: "http://127.0.0.1:9/x", dest: "{{ out }}/x"}
              environment: {PATH: "{{ playbook_dir }}/tools"}
              ignore_errors: true
            - uri: {url: "http://127.0.0.1:9/x"}
              environment: {PATH: "{{ playbook_dir }}/tools"}
              ignore_errors: true

        """)
        defer { project.remove() }
        _ = try Self.toolFolder(project.root, wget: false)
        let run = try project.run()
        #expect(run.results.map(ModuleTests.status) == ["failed", "failed"], "\(run.results)")
        #expect(run.results.first?["msg"] as? String == "Request failed: neither curl nor wget is available on the target")
        #expect(run.results.last?["msg"] as? String == "Status code was -1 and not [200]: Request failed: neither curl nor wget is available on the target")
    }
}
