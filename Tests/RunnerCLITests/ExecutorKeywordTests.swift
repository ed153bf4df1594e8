import Foundation
import GoldenSupport
import Testing

/// Play scheduling and task keywords against what ansible-playbook 2.21 printed for the cases
/// in `Fixtures/executor/<case>/` (recorded by `Fixtures/executor/record_executor.py`): `serial`
/// batches with `max_fail_percentage`, `any_errors_fatal` and `meta: end_batch`/`end_play`,
/// `order`, `strategy: free`, the controller actions `pause`, `add_host`, `group_by` and
/// `set_stats` (with CUSTOM STATS), and the task keywords `check_mode` and `timeout`. Each case
/// runs in a fresh copy of its folder over the local connection; stdout and the exit code must
/// be the recorded ones (compared as the case says: exactly, as sorted lines, or for the free
/// strategy as sorted result lines plus the exact recap).
struct ExecutorKeywordTests {
    static let root = Golden.fixtures().appendingPathComponent("executor")

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).appendingPathComponent("expected.json").path) }.sorted()
    }

    @Test func everyCaseIsRecorded() { #expect(Self.cases.count >= 20) }

    @Test("runner prints what ansible-playbook printed", arguments: cases)
    func playbook(_ name: String) throws {
        let expected = try #require(try Golden.json(Self.root.appendingPathComponent(name).appendingPathComponent("expected.json")) as? [String: Any])
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("runner-exec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let folder = work.appendingPathComponent(name)
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent(name), to: folder)
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("expected.json"))
        let args = (expected["args"] as? [String]) ?? []
        let env = (expected["env"] as? [String: String]) ?? [:]
        let outcome = try Self.run(["-i", "hosts", "site.yml"] + args, in: folder, environment: env)
        let stdout = outcome.stdout.replacingOccurrences(of: folder.path, with: "<dir>")
        let want = try #require(expected["stdout"] as? String)
        #expect(Int(outcome.code) == expected["exit_code"] as? Int, "\(name): \(outcome.stderr.suffix(400))")
        switch expected["compare"] as? String {
        case "sorted":
            #expect(Self.lines(stdout).sorted() == Self.lines(want).sorted(), "\(stdout)")
        case "results":
            #expect(Self.results(stdout) == Self.results(want), "\(stdout)")
            #expect(Self.recap(stdout) == Self.recap(want), "\(stdout)")
        case "outcomes":
            #expect(Self.outcomes(stdout) == Self.outcomes(want), "\(stdout)")
        case "json-stats":
            // The json callback's document carries timings; its stats parts must be equal.
            let got = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], "\(stdout)")
            let recorded = try #require(try JSONSerialization.jsonObject(with: Data(want.utf8)) as? [String: Any])
            for key in ["custom_stats", "global_custom_stats", "stats"] {
                #expect(NSDictionary(dictionary: got[key] as? [String: Any] ?? [:]).isEqual(to: recorded[key] as? [String: Any] ?? [:]),
                        "\(key): \(got[key] ?? "missing") vs \(recorded[key] ?? "missing")")
            }
        case "masked":
            #expect(Self.maskingNoise(stdout) == Self.maskingNoise(want))
        default:
            #expect(stdout == want)
        }
    }

    /// Output with what changes from run to run masked: the file a template was rendered to
    /// (in `--diff` output ansible names a temporary file, runner the template), touched
    /// files' times and commands' start, end and delta (as JSON or YAML).
    static func maskingNoise(_ text: String) -> String {
        var out = text
        // At -vv each tool opens with its own version block (ansible-playbook's names Python,
        // runner's names libyaml), and ansible names the callbacks it skips; neither is the run's.
        if let config = out.range(of: "No config file found") ?? out.range(of: "Using "), !out[..<config.lowerBound].contains("PLAY") {
            out.removeSubrange(..<config.lowerBound)
        }
        out = lines(out).filter { !$0.hasPrefix("Skipping callback '") }.joined(separator: "\n")
        for (pattern, template) in [(#"(?m)^\+\+\+ after: \S*/([^/\s]+\.j2)$"#, "+++ after: <template>/$1"),
                                    (#""(atime|mtime)": [0-9.]+"#, "\"$1\": <time>"),
                                    (#""(start|end|delta)": "[^"]*""#, "\"$1\": <time>"),
                                    (#"(?m)^(\s*)(start|end|delta): '[^']*'$"#, "$1$2: <time>")] {
            let re = try! NSRegularExpression(pattern: pattern)
            out = re.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: template)
        }
        return out
    }

    static func lines(_ text: String) -> [String] { text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    /// Result lines (and the debug output under them, kept with its host line), sorted.
    static func results(_ text: String) -> [String] {
        var out: [String] = []
        var inRecap = false
        for line in lines(text) {
            if line.hasPrefix("PLAY RECAP") { inRecap = true }
            if inRecap || line.isEmpty || line.hasPrefix("TASK [") || line.hasPrefix("PLAY [") { continue }
            if line.hasPrefix(" ") || line == "}", !out.isEmpty { out[out.count - 1] += "\n" + line } else { out.append(line) }
        }
        return out.sorted()
    }

    /// Banners and per-host result lines (with their indented bodies) in order, and the recap:
    /// the error reports between them left out.
    static func outcomes(_ text: String) -> [String] {
        var out: [String] = []
        var keeping = false, inRecap = false
        for line in lines(text) {
            inRecap = inRecap || line.hasPrefix("PLAY RECAP")
            if inRecap || ["PLAY [", "TASK [", "ok: ", "changed: ", "failed: ", "fatal: ", "skipping: ", "...ignoring", "PLAY RECAP"]
                .contains(where: line.hasPrefix) || (keeping && (line.hasPrefix(" ") || line == "}")) {
                out.append(line)
                keeping = true
            } else {
                keeping = false
            }
        }
        return out
    }

    static func recap(_ text: String) -> String {
        guard let range = text.range(of: "PLAY RECAP") else { return "" }
        return String(text[range.lowerBound...])
    }

    /// Runs the built runner with no standard input, as ansible-playbook was recorded.
    static func run(_ arguments: [String], in work: URL, environment: [String: String]) throws -> CommandLineGoldenTests.Outcome {
        try CommandLineGoldenTests.run(arguments, in: work, environment: environment.mapValues { Optional($0) })
    }
}

extension ExecutorKeywordTests {
    /// `strategy: free` with fewer forks than hosts: ansible's free strategy queues one task per
    /// host in turn, so the forks rotate over every host rather than taking the first hosts
    /// through all their tasks. With `-f 1` the tasks run host by host within each task.
    @Test func freeStrategyRotatesForksOverHosts() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("runner-free-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try "[web]\nb2\na1\nc3\n[all:vars]\nansible_connection=local\n".write(to: work.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        let steps = (1...3).map { "    - shell: echo {{ inventory_hostname }} \($0) >> {{ playbook_dir }}/log\n" }.joined()
        try "- hosts: web\n  gather_facts: false\n  strategy: free\n  tasks:\n\(steps)".write(to: work.appendingPathComponent("site.yml"), atomically: true, encoding: .utf8)
        for (forks, expected) in [("1", ["b2 1", "a1 1", "c3 1", "b2 2", "a1 2", "c3 2", "b2 3", "a1 3", "c3 3"])] {
            try? FileManager.default.removeItem(at: work.appendingPathComponent("log"))
            let outcome = try Self.run(["-i", "hosts", "site.yml", "-f", forks], in: work, environment: [:])
            #expect(outcome.code == 0, "\(outcome.stdout)\(outcome.stderr)")
            let log = try String(contentsOf: work.appendingPathComponent("log"), encoding: .utf8)
            #expect(log.split(separator: "\n").map(String.init) == expected)
        }
        // With forks for every host each host still runs its own tasks in order.
        try? FileManager.default.removeItem(at: work.appendingPathComponent("log"))
        let outcome = try Self.run(["-i", "hosts", "site.yml", "-f", "5"], in: work, environment: [:])
        #expect(outcome.code == 0)
        let lines = try String(contentsOf: work.appendingPathComponent("log"), encoding: .utf8).split(separator: "\n")
        for host in ["b2", "a1", "c3"] {
            #expect(lines.filter { $0.hasPrefix(host) }.map(String.init) == ["\(host) 1", "\(host) 2", "\(host) 3"])
        }
    }
}

extension ExecutorKeywordTests {
    /// `vars_prompt` on a terminal (util-linux `script` gives runner one): each question as
    /// ansible-playbook 2.21 asks it (`prompt [default]: `, the variable's name when there is no
    /// prompt, `confirm ` again, the mismatch notice), an empty answer taking the default, and a
    /// private answer never echoed.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func varsPromptAsksOnATerminal() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("runner-prompt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try "a ansible_connection=local\n".write(to: work.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        try """
            - hosts: all
              gather_facts: false
              vars_prompt:
                - {name: user_name, prompt: Your name, private: false, default: nobody}
                - {name: secret, prompt: Secret, confirm: true}
                - {name: bare, private: false}
                - {name: kept, prompt: Kept, default: fallback}
              tasks:
                - debug: msg="{{ user_name }} {{ secret | length }} [{{ bare }}] {{ kept }}"
            """.write(to: work.appendingPathComponent("site.yml"), atomically: true, encoding: .utf8)
        let runner = try CommandLineGoldenTests.runner()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qefc", "'\(runner.path)' -i hosts site.yml", "/dev/null"]
        process.currentDirectoryURL = work
        var env = ProcessInfo.processInfo.environment
        env["ANSIBLE_NOCOLOR"] = "1"
        process.environment = env
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let watchdog = DispatchWorkItem { process.terminate() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        defer { watchdog.cancel() }
        var transcript = ""
        var answered = 0
        // Each answer goes once its question is the last thing printed since the previous one
        // (a private prompt flushes what was typed ahead, as getpass does).
        func answer(after question: String, with text: String) {
            while !String(transcript.dropFirst(answered)).hasSuffix(question) || transcript.count - answered < question.count {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { return }
                transcript += String(decoding: data, as: UTF8.self)
            }
            answered = transcript.count
            input.fileHandleForWriting.write(Data((text + "\n").utf8))
        }
        answer(after: "Your name [nobody]: ", with: "alice")
        answer(after: "Secret: ", with: "s3cret-one")
        answer(after: "confirm Secret: ", with: "s3cret-two")
        answer(after: "Secret: ", with: "s3cret")
        answer(after: "confirm Secret: ", with: "s3cret")
        answer(after: "bare: ", with: "")
        answer(after: "Kept [fallback]: ", with: "")
        transcript += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let text = transcript.replacingOccurrences(of: "\r", with: "")
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("Your name [nobody]: alice\n"), "\(text)")
        #expect(text.contains("***** VALUES ENTERED DO NOT MATCH ****"), "\(text)")
        #expect(text.contains("\"msg\": \"alice 6 [] fallback\""), "\(text)")
        #expect(!text.contains("s3cret"), "a private answer was echoed: \(text)")
    }
}
