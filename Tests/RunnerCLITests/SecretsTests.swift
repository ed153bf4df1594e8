import Core
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Secrets and hostile argument values, over ssh and local.
/// - `no_log: true` hides a secret in every output mode runner has (the default callback at
///   verbosity 0 to -vvvv, its yaml result format, the json callback): in task results, failed
///   results, loop items and registered values printed later with no_log; as ansible-core
///   does, the result reads "the output has been hidden due to the fact that 'no_log: true'
///   was specified for this result".
/// - Values holding quotes, `;`, `$(...)`, backticks and newlines reach the target as data:
///   the file gets exactly those bytes, the command receives exactly that argument, and the
///   command substitutions in them never run (the files they would create never appear). (A
///   set `$VAR` in a command's arguments is expanded, as ansible's `expand_argument_vars`
///   does; an unset one stays as written, as Python's `os.path.expandvars` leaves it.)
@Suite(.serialized) struct SecretsTests {
    static let hidden = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"

    @Test func noLogHidesTheSecretInEveryOutputMode() throws {
        let secret = "s3cr3t-" + UUID().uuidString.prefix(8)
        let project = try SSHTests.Project(inventory: "local ansible_connection=local\n", playbook: """
            - hosts: all
              gather_facts: false
              vars:
                secret: "\(secret)"
              tasks:
                - debug: {msg: "{{ secret }}"}
                  no_log: true
                - command: echo {{ secret }}
                  register: out
                  no_log: true
                - command: "false {{ secret }}"
                  no_log: true
                  ignore_errors: true
                - debug: {msg: "item"}
                  loop: ["{{ secret }}", "{{ secret }}-2"]
                  no_log: true
                - set_fact: {copied: "{{ secret }}"}
                  no_log: true
                - assert: {that: ["copied == secret"], fail_msg: "{{ secret }}"}
                  no_log: true
            """)
        defer { project.remove() }
        let modes: [(String, [String], [String: String])] = [
            ("default", [], [:]), ("-v", ["-v"], [:]), ("-vvv", ["-vvv"], [:]), ("-vvvv", ["-vvvv"], [:]),
            ("yaml", ["-v"], ["ANSIBLE_CALLBACK_RESULT_FORMAT": "yaml"]),
            ("json", [], ["ANSIBLE_STDOUT_CALLBACK": "json"]),
        ]
        for (name, flags, environment) in modes {
            var env = ProcessInfo.processInfo.environment
            env["ANSIBLE_STDOUT_CALLBACK"] = nil
            env["ANSIBLE_NOCOLOR"] = "1"
            for (k, v) in environment { env[k] = v }
            let (code, output) = try Self.runner(["-i", "hosts", "site.yml"] + flags, in: project.root, environment: env)
            #expect(code == 0, "\(name): exit \(code): \(output.suffix(1500))")
            #expect(!output.contains(secret), "\(name): the secret shows: \(output)")
            // YAML results fold the note over two lines and double its quotes.
            let unfolded = output.replacingOccurrences(of: #"\n +"#, with: " ", options: .regularExpression)
                .replacingOccurrences(of: "''", with: "'")
            #expect(unfolded.contains(Self.hidden), "\(name): no 'output has been hidden' note: \(output.suffix(1500))")
        }
    }

    @Test func hostileValuesReachTheTargetAsData() throws {
        guard let fleet = SSHTests.fleet() else { return }
        let tag = UUID().uuidString.prefix(8)
        let canary = "/tmp/runner-pwned-\(tag)"
        let value = "it's \"quoted\"; $(touch \(canary)-a) `touch \(canary)-b` && touch \(canary)-c | x\nline two \\ $RUNNER_UNSET_VARIABLE %s"
        let dir = "/tmp/runner-data-\(tag)"
        defer {
            try? FileManager.default.removeItem(atPath: dir)
            for s in ["a", "b", "c"] { try? FileManager.default.removeItem(atPath: "\(canary)-\(s)") }
        }
        // The hosts share this machine: their directories go in one made writable for both users.
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        chmod(dir, 0o777)
        let project = try SSHTests.Project(inventory: """
            remote \(fleet.hostVars(port: fleet.ports[1]))
            local ansible_connection=local
            """, playbook: """
            - hosts: all
              gather_facts: false
              vars:
                value: \(JSONString.quote(value, ensureASCII: false))
                d: "\(dir)/{{ inventory_hostname }}"
              tasks:
                - file: {path: "{{ d }}", state: directory, mode: "0777"}
                - copy: {content: "{{ value }}", dest: "{{ d }}/copied"}
                - command:
                    argv: [printf, "%s", "{{ value }}"]
                  register: argv
                - command: cat
                  args: {stdin: "{{ value }}", stdin_add_newline: false}
                  register: stdin
                - lineinfile: {path: "{{ d }}/lines", line: "{{ value | replace('\\n', ' ') }}", create: true}
                - file: {path: "{{ d }}/{{ value | replace('/', '_') | replace('\\n', '_') }}", state: touch}
                - shell: printf '%s' "$V"
                  environment: {V: "{{ value }}"}
                  register: env
                  become: true
            """)
        defer { project.remove() }
        let run = try project.run()
        #expect(run.code == 0, "\(run.tasks) \(run.stderr)")
        for host in ["remote", "local"] {
            let results = run.results(host)
            #expect(results.count == 7, "\(host): \(results)")
            guard results.count == 7 else { continue }
            #expect(results[2]["stdout"] as? String == value, "\(host): argv: \(results[2])")
            #expect(results[3]["stdout"] as? String == value, "\(host): stdin: \(results[3])")
            #expect(results[6]["stdout"] as? String == value, "\(host): environment under become: \(results[6])")
            let copied = try? String(contentsOfFile: "\(dir)/\(host)/copied", encoding: .utf8)
            #expect(copied == value, "\(host): the copied file: \(copied ?? "missing")")
            let lines = try? String(contentsOfFile: "\(dir)/\(host)/lines", encoding: .utf8)
            #expect(lines == value.replacingOccurrences(of: "\n", with: " ") + "\n", "\(host): lineinfile: \(lines ?? "missing")")
            let touched = value.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "\n", with: "_")
            #expect(FileManager.default.fileExists(atPath: "\(dir)/\(host)/\(touched)"), "\(host): the touched file's name")
        }
        for s in ["a", "b", "c"] {
            #expect(!FileManager.default.fileExists(atPath: "\(canary)-\(s)"), "a command substitution in a value ran (\(s))")
        }
    }

    static func runner(_ args: [String], in dir: URL, environment: [String: String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = try CommandLineGoldenTests.runner()
        process.arguments = args
        process.currentDirectoryURL = dir
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
