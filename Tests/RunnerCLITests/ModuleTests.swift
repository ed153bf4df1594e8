import Foundation
import Testing

/// The file modules run through the built binary on small playbooks against a local host:
/// a first run changes, a second is `ok`, check mode leaves the disk alone, and failures carry
/// Ansible's messages. Results are read from the `json` callback.
struct ModuleTests {
    /// A playbook directory with an inventory of one local host and a `out/` folder.
    struct Project {
        let root: URL

        init(tasks: String, files: [String: String] = [:]) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("runner-mod-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root.appendingPathComponent("out"), withIntermediateDirectories: true)
            try "h1 ansible_connection=local\n".write(to: root.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
            let play = "- hosts: h1\n  gather_facts: false\n  vars:\n    out: \"{{ playbook_dir }}/out\"\n  tasks:\n" + tasks
            try play.write(to: root.appendingPathComponent("site.yml"), atomically: true, encoding: .utf8)
            for (path, text) in files {
                let url = root.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
            }
        }

        func remove() { try? FileManager.default.removeItem(at: root) }

        func text(_ path: String) -> String? { try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) }

        func mode(_ path: String) -> Int? {
            (try? FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(path).path))?[.posixPermissions] as? Int
        }

        func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) }

        /// Runs the playbook; returns the exit code and every task's result for h1.
        func run(_ extra: [String] = []) throws -> (code: Int32, results: [[String: Any]]) {
            let outcome = try CommandLineGoldenTests.run(["-i", "hosts", "site.yml"] + extra, in: root,
                                                         environment: ["ANSIBLE_STDOUT_CALLBACK": "json"])
            return (outcome.code, try CommandLineGoldenTests.jsonResults(outcome.stdout, host: "h1"))
        }
    }

    static func status(_ r: [String: Any]) -> String {
        if r["unreachable"] as? Bool == true { return "unreachable" }
        if r["failed"] as? Bool == true { return "failed" }
        if r["skipped"] as? Bool == true { return "skipped" }
        return r["changed"] as? Bool == true ? "changed" : "ok"
    }

    /// One idempotent task per module, with the file it leaves and that file's content.
    static let idempotent: [(name: String, task: String, path: String, content: String)] = [
        ("copy", "copy: {content: \"hi\\n\", dest: \"{{ out }}/c.txt\", mode: \"0640\"}", "out/c.txt", "hi\n"),
        ("file", "file: {path: \"{{ out }}/d/e\", state: directory, mode: \"0750\"}", "out/d/e", ""),
        ("template", "template: {src: t.j2, dest: \"{{ out }}/t.txt\"}", "out/t.txt", "x=h1\n"),
        ("lineinfile", "lineinfile: {path: \"{{ out }}/l.txt\", line: \"a=1\", create: true}", "out/l.txt", "a=1\n"),
        ("blockinfile", "blockinfile: {path: \"{{ out }}/b.txt\", block: \"one\", create: true}", "out/b.txt",
         "# BEGIN ANSIBLE MANAGED BLOCK\none\n# END ANSIBLE MANAGED BLOCK\n"),
        ("replace", "replace: {path: \"{{ out }}/r.txt\", regexp: '^(\\w+)=old$', replace: '\\1=new'}", "out/r.txt", "k=new\n"),
    ]

    static let seed = ["templates/t.j2": "x={{ inventory_hostname }}\n", "out/r.txt": "k=old\n"]

    @Test("a module changes on the first run and is ok on the second", arguments: idempotent.map(\.name))
    func changedThenOk(_ name: String) throws {
        let entry = try #require(Self.idempotent.first { $0.name == name })
        let project = try Project(tasks: "    - \(entry.task)\n", files: Self.seed)
        defer { project.remove() }
        let first = try project.run()
        #expect(first.code == 0)
        #expect(first.results.map(Self.status) == ["changed"], "\(first.results)")
        let second = try project.run()
        #expect(second.results.map(Self.status) == ["ok"], "\(second.results)")
        if entry.content.isEmpty {
            #expect(project.mode(entry.path) == 0o750)
        } else {
            #expect(project.text(entry.path) == entry.content)
        }
    }

    @Test("check mode reports changes and touches nothing", arguments: idempotent.map(\.name))
    func checkMode(_ name: String) throws {
        let entry = try #require(Self.idempotent.first { $0.name == name })
        let project = try Project(tasks: "    - \(entry.task)\n", files: Self.seed)
        defer { project.remove() }
        let run = try project.run(["--check"])
        #expect(run.code == 0)
        #expect(run.results.map(Self.status) == ["changed"], "\(run.results)")
        if name == "replace" {
            #expect(project.text(entry.path) == "k=old\n")
        } else {
            #expect(!project.exists(entry.path))
        }
    }

    @Test func copyResultKeysAndMode() throws {
        let project = try Project(tasks: "    - copy: {content: \"abc\", dest: \"{{ out }}/k.txt\", mode: \"0600\"}\n")
        defer { project.remove() }
        let r = try #require(try project.run().results.first)
        #expect(r["checksum"] as? String == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(r["md5sum"] as? String == "900150983cd24fb0d6963f7d28e17f72")
        #expect(r["mode"] as? String == "0600")
        #expect(r["size"] as? Int == 3)
        #expect(project.mode("out/k.txt") == 0o600)
        // No temporary file is left beside the destination.
        let names = try FileManager.default.contentsOfDirectory(atPath: project.root.appendingPathComponent("out").path)
        #expect(names == ["k.txt"])
    }

    @Test func statSlurpAndTempfile() throws {
        let project = try Project(tasks: """
            - copy: {content: "data", dest: "{{ out }}/s.txt"}
            - stat: {path: "{{ out }}/s.txt"}
            - stat: {path: "{{ out }}/missing"}
            - slurp: {src: "{{ out }}/s.txt"}
            - tempfile: {path: "{{ out }}", suffix: .tmp}

        """)
        defer { project.remove() }
        let run = try project.run()
        #expect(run.results.map(Self.status) == ["changed", "ok", "ok", "ok", "changed"])
        let stat = try #require(run.results[1]["stat"] as? [String: Any])
        #expect(stat["isreg"] as? Bool == true)
        #expect(stat["size"] as? Int == 4)
        #expect(stat["checksum"] as? String == "a17c9aaa61e80a1bf71d0d850af4e5baa9800bbd")
        #expect((run.results[2]["stat"] as? [String: Any])?["exists"] as? Bool == false)
        #expect(run.results[3]["content"] as? String == "ZGF0YQ==")
        let temp = try #require(run.results[4]["path"] as? String)
        #expect(temp.hasSuffix(".tmp") && FileManager.default.fileExists(atPath: temp))
        #expect(run.results[4]["mode"] as? String == "0600")
    }

    @Test func lineinfileEdits() throws {
        let project = try Project(tasks: """
            - lineinfile: {path: "{{ out }}/f", regexp: '^port=', line: port=8080}
            - lineinfile: {path: "{{ out }}/f", line: "# top", insertbefore: BOF}
            - lineinfile: {path: "{{ out }}/f", regexp: '^debug', state: absent}

        """, files: ["out/f": "port=80\ndebug=1\n"])
        defer { project.remove() }
        let run = try project.run()
        #expect(run.results.map { $0["msg"] as? String } == ["line replaced", "line added", "1 line(s) removed"])
        #expect(project.text("out/f") == "# top\nport=8080\n")
    }

    @Test func failuresCarryAnsibleMessages() throws {
        let project = try Project(tasks: """
            - lineinfile: {path: "{{ out }}/nope", line: x}
              ignore_errors: true
            - file: {path: "{{ out }}/nope", state: file}
              ignore_errors: true
            - copy: {src: no-such-file, dest: "{{ out }}/x"}

        """)
        defer { project.remove() }
        let run = try project.run()
        #expect(run.code == 2)
        #expect(run.results.map(Self.status) == ["failed", "failed", "failed"])
        #expect((run.results[0]["msg"] as? String)?.hasSuffix("/out/nope does not exist !") == true)
        #expect(run.results[0]["rc"] as? Int == 257)
        #expect((run.results[1]["msg"] as? String)?.hasSuffix("is absent, cannot continue") == true)
        #expect((run.results[2]["msg"] as? String)?.hasPrefix("Could not find or access 'no-such-file'") == true)
        #expect(!project.exists("out/x"))
    }
}
