import Core
import Foundation
import GoldenSupport
import Testing
@testable import Playbook

/// `-e` handling against ansible-core 2.21's `load_extra_vars`, recorded by
/// `Tests/CoreTests/Fixtures/parse_kv/record.py` (the @files live beside it).
struct ExtraVarsGoldenTests {
    static let directory = Golden.fixtures().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CoreTests/Fixtures/parse_kv")
    nonisolated(unsafe) static let cases: [[String: Any]] = {
        (try? Golden.json(directory.appendingPathComponent("extra_vars_expected.json")) as? [[String: Any]]) ?? []
    }()

    @Test func goldensPresent() { #expect(Self.cases.count >= 40) }

    @Test("extra-vars load as ansible-playbook loads them", arguments: 0..<cases.count)
    func load(_ index: Int) throws {
        let c = Self.cases[index]
        let args = try #require(c["args"] as? [String])
        let outcome = Result { () throws(Diagnostic) -> ExtraVars in
            try ExtraVars.load(args, workingDirectory: Self.directory.appendingPathComponent("files").path)
        }
        if let expected = c["result"] {
            switch outcome {
            case .success(let extra):
                let diffs = Golden.diff(expected, .dict(extra.values))
                #expect(diffs.isEmpty, "-e \(args): \(diffs)")
            case .failure(let d):
                Issue.record("-e \(args) failed: \(d)")
            }
        } else {
            if case .success(let extra) = outcome {
                Issue.record("-e \(args) should fail (\(c["error"] ?? "")), gave \(Value.dict(extra.values).pythonRepr)")
            }
        }
    }
}
