import Foundation
import GoldenSupport
import Testing

/// The shared conformance corpus (`../shared/conformance`, results of the real
/// ansible-playbook 2.21), run through its own `run` script against the built runner.
struct ConformanceTests {
    static let packageRoot = Golden.fixtures().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance")

    static var cases: [String] {
        let dir = corpus.appendingPathComponent("cases")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }

    /// Cases that do not pass yet, with the reason. `withKnownIssue` fails the test when one of
    /// them starts passing, so this list can only shrink.
    static let pending: [String: String] = [:]

    /// runner's own cases, in the same format: `Tests/PlaybookTests/Fixtures/precedence/cases`.
    static let precedence = packageRoot.appendingPathComponent("Tests/PlaybookTests/Fixtures/precedence/cases")

    static var precedenceCases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: precedence.path)) ?? []).sorted()
    }

    /// Precedence cases that do not pass yet, with the reason.
    static let precedencePending: [String: String] = [:]

    @Test("a precedence case gives ansible-playbook's results", arguments: precedenceCases)
    func precedence(_ name: String) throws {
        try runCase(name, casesDirectory: Self.precedence, pending: Self.precedencePending[name])
    }

    @Test func corpusPresent() { #expect(Self.cases.count >= 80, "expected ../shared/conformance beside the package") }

    @Test("a conformance case gives ansible-playbook's results", arguments: cases)
    func conformance(_ name: String) throws {
        try runCase(name, casesDirectory: nil, pending: Self.pending[name])
    }

    func runCase(_ name: String, casesDirectory: URL?, pending: String?) throws {
        let runner = try CommandLineGoldenTests.runner()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.corpus.appendingPathComponent("run").path, "--runner", runner.path, name]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        if let casesDirectory {
            var env = ProcessInfo.processInfo.environment
            env["CONFORMANCE_CASES"] = casesDirectory.path
            process.environment = env
        }
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let check = { #expect(process.terminationStatus == 0, "\(name):\n\(text.suffix(1500))") }
        if let reason = pending {
            withKnownIssue(Comment(rawValue: reason)) { check() }
        } else {
            check()
        }
    }
}
