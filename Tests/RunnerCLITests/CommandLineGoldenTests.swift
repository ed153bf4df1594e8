import Foundation
import GoldenSupport
import Testing

/// The built `runner` binary against what the real ansible-playbook 2.21 did for the same
/// command lines (`Fixtures/cli_expected.json`, recorded by `Fixtures/record_cli.py`).
struct CommandLineGoldenTests {
    static let fixtures = Golden.fixtures()
    nonisolated(unsafe) static let recorded: [[String: Any]] = {
        (try? Golden.json(fixtures.appendingPathComponent("cli_expected.json")) as? [[String: Any]]) ?? []
    }()

    /// Invocations whose standard output must equal ansible-playbook's byte for byte.
    static let sameStdout: Set<String> = [
        "syntax_check_valid", "list_tasks", "list_tags", "list_tasks_tagged", "syntax_check_bad_keyword",
        "run_not_a_list", "run_empty_playbook",
    ]

    static var names: [String] { recorded.compactMap { $0["name"] as? String } }

    struct Outcome {
        var code: Int32
        var stdout: String
        var stderr: String
    }

    static func runner() throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("runner"),
            fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug/runner"),
        ]
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                             "build the runner executable first (swift build)")
    }

    /// Runs runner with the recorded arguments in a fresh copy of `Fixtures/cli`.
    static func run(_ arguments: [String]) throws -> Outcome {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("runner-cli-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("cli"), to: work)
        defer { try? FileManager.default.removeItem(at: work) }
        return try run(arguments, in: work)
    }

    /// Runs runner with arguments in a working directory, with no standard input. `environment`
    /// adds to (or, with nil, removes from) the test's own environment.
    static func run(_ arguments: [String], in work: URL, environment: [String: String?] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = try runner()
        process.arguments = arguments
        process.currentDirectoryURL = work
        var env = ProcessInfo.processInfo.environment
        env["ANSIBLE_NOCOLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stderr = DataCollector(err.fileHandleForReading)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(code: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr.finish(), as: UTF8.self))
    }

    /// The results one host got, task by task, from the json callback's document in `stdout`
    /// (anything printed before the document is skipped).
    static func jsonResults(_ stdout: String, host: String) throws -> [[String: Any]] {
        let start = try #require(stdout.hasPrefix("{") ? stdout.startIndex : stdout.range(of: "\n{")?.lowerBound,
                                 "no JSON document: \(stdout)")
        let doc = try #require(try Golden.json(data: Data(stdout[start...].utf8)) as? [String: Any])
        var results: [[String: Any]] = []
        for play in doc["plays"] as? [[String: Any]] ?? [] {
            for task in play["tasks"] as? [[String: Any]] ?? [] {
                if let r = (task["hosts"] as? [String: Any])?[host] as? [String: Any] { results.append(r) }
            }
        }
        return results
    }

    @Test func recordingsPresent() { #expect(Self.recorded.count >= 30) }

    @Test("runner answers a command line as ansible-playbook does", arguments: names)
    func invocation(_ name: String) throws {
        let entry = try #require(Self.recorded.first { $0["name"] as? String == name })
        let argv = try #require(entry["argv"] as? [String])
        let expectedCode = try #require(entry["exit_code"] as? Int)
        let outcome = try Self.run(Array(argv.dropFirst()))
        do {
            #expect(Int(outcome.code) == expectedCode, "\(name): stderr \(outcome.stderr.suffix(400))")
            if Self.sameStdout.contains(name) {
                #expect(outcome.stdout == entry["stdout"] as? String, "\(name): stdout")
            }
            let expectedStderr = entry["stderr"] as? String ?? ""
            if expectedStderr.contains("usage:") {
                #expect(outcome.stderr.contains("usage:") && outcome.stderr.contains("error:"), "\(name): \(outcome.stderr)")
            } else if expectedStderr.contains("[ERROR]") {
                #expect(outcome.stderr.contains("[ERROR]: "), "\(name): errors start with [ERROR]: \(outcome.stderr)")
            }
        }
    }

    @Test("runner --help names every option ansible-playbook --help names")
    func helpCoversOptions() throws {
        let entry = try #require(Self.recorded.first { $0["name"] as? String == "long_help" })
        let ansibleHelp = try #require(entry["stdout"] as? String)
        let ours = try Self.run(["--help"])
        #expect(ours.code == 0)
        let regex = try NSRegularExpression(pattern: "(?<![\\w-])(--[a-z][a-z-]+|-[a-zA-Z])(?![\\w-])")
        // Option names from the lines that declare options (not from prose such as "(e.g. -R)").
        let declarations = ansibleHelp.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("-") }.map { $0.components(separatedBy: "  ")[0] }.joined(separator: "\n")
        let range = NSRange(declarations.startIndex..., in: declarations)
        let options = Set(regex.matches(in: declarations, range: range).map { String(declarations[Range($0.range, in: declarations)!]) })
        #expect(options.count > 40)
        for option in options.sorted() {
            #expect(ours.stdout.range(of: option + " ") != nil || ours.stdout.range(of: option + ",") != nil
                    || ours.stdout.range(of: option + "\n") != nil || ours.stdout.range(of: option + "=") != nil,
                    "runner --help lacks \(option)")
        }
    }

    @Test func versionIsQuick() throws {
        let outcome = try Self.run(["--version"])
        #expect(outcome.code == 0)
        #expect(outcome.stdout.hasPrefix("runner "))
        #expect(outcome.stdout.contains("compatible with ansible-core 2.21"))
    }
}

/// How errors look: file:line:column, the offending line with a caret, and what to do.
struct DiagnosticRenderingTests {
    @Test func yamlErrorPointsAtTheLine() throws {
        let outcome = try CommandLineGoldenTests.run(["invalid_yaml.yml"])
        #expect(outcome.code == 4)
        let lines = outcome.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.hasPrefix("[ERROR]: invalid_yaml.yml:6:1: YAML syntax error: did not find expected ',' or ']'") == true,
                "\(outcome.stderr)")
        #expect(lines.contains("   5 |         msg: [unclosed"), "the unclosed bracket's line is shown")
        #expect(lines.contains("     |              ^"), "a caret under the bracket")
        #expect(!outcome.stderr.contains("Fatal error"), "no Swift crash")
    }
}

/// Drains a pipe on another thread so a chatty stderr cannot block the child.
final class DataCollector: @unchecked Sendable {
    private var data = Data()
    private let group = DispatchGroup()

    init(_ handle: FileHandle) {
        group.enter()
        DispatchQueue.global().async {
            self.data = handle.readDataToEndOfFile()
            self.group.leave()
        }
    }

    func finish() -> Data {
        group.wait()
        return data
    }
}
