import Core
import Foundation
import GoldenSupport
import Testing
@testable import YAML

/// The loader against goldens recorded from PyYAML's `safe_load` (CSafeLoader, libyaml) by
/// `Fixtures/record.py`, and from ansible-core 2.21's own loader by `Fixtures/record_ansible.py`.
struct YAMLGoldenTests {
    static let fixtures = Golden.fixtures()

    nonisolated(unsafe) static let goldens: [String: [String: Any]] = {
        var out: [String: [String: Any]] = [:]
        for file in ["expected.json", "ansible-expected.json"] {
            out[file] = (try? Golden.json(fixtures.appendingPathComponent(file)) as? [String: Any]) ?? [:]
        }
        return out
    }()

    static func cases(_ goldenFile: String) -> [String] {
        goldens[goldenFile, default: [:]].keys.sorted()
    }

    static func golden(_ goldenFile: String, _ name: String) throws -> [String: Any] {
        try #require(goldens[goldenFile]?[name] as? [String: Any])
    }

    @Test("the PyYAML corpus has its 150+ documents")
    func corpusSize() {
        #expect(Self.cases("expected.json").count >= 150)
        #expect(Self.cases("ansible-expected.json").count >= 15)
    }

    /// Where runner deliberately differs from PyYAML, and why.
    static let refusedByRunner: [String: String] = [
        // PyYAML merges a mapping into itself through its own anchor and yields {}; runner
        // refuses self-references with a located error instead of inventing a value.
        "305-merge-self-recursive.yaml": "self-referencing merge",
    ]

    @Test("a document loads as PyYAML safe_load loads it", arguments: cases("expected.json"))
    func pyyaml(_ name: String) throws {
        var expected = try Self.golden("expected.json", name)
        if let reason = Self.refusedByRunner[name] { expected = ["skip": reason] }
        let path = Self.fixtures.appendingPathComponent("corpus/\(name)").path
        try check(name: name, path: path, expected: expected, ansibleTags: false)
    }

    /// PyYAML 6.0.4 (the one ansible-core's venv gets) merges `<<: [*a, *b]` wrongly for keys
    /// longer than one character (yaml/pyyaml#953); runner keeps the documented YAML merge order
    /// that PyYAML 6.0.3 and earlier implement, which the PyYAML corpus above pins.
    static let knownPyYAMLBugCases: Set<String> = [
        "018-duplicate-keys-merge-override.yaml", "036-merge-list-multichar-keys.yaml",
    ]

    @Test("a document loads as ansible-core's loader loads it", arguments: cases("ansible-expected.json"))
    func ansible(_ name: String) throws {
        let expected = try Self.golden("ansible-expected.json", name)
        let path = Self.fixtures.appendingPathComponent("ansible/\(name)").path
        if Self.knownPyYAMLBugCases.contains(name) {
            // Still must load without error.
            #expect(throws: Never.self) { try YAMLLoader.loadFile(path) }
            return
        }
        try check(name: name, path: path, expected: expected, ansibleTags: true)
    }

    func check(name: String, path: String, expected: [String: Any], ansibleTags: Bool) throws {
        let outcome = Result { () throws(Diagnostic) -> YAMLLoader.Loaded in try YAMLLoader.loadFile(path, ansibleTags: ansibleTags) }
        if expected["skip"] != nil {
            // Alias bombs and self-referencing aliases: PyYAML builds shared/recursive objects;
            // runner must refuse them with a located error instead.
            guard case .failure(let d) = outcome else {
                Issue.record("\(name): expected an error for an alias bomb or recursive alias")
                return
            }
            #expect(d.location != nil)
            return
        }
        if let error = expected["error"] as? [String: Any] {
            switch outcome {
            case .success(let loaded):
                Issue.record("\(name): expected error \(error["problem"] ?? ""), loaded \(loaded.value.pythonRepr.prefix(200))")
            case .failure(let d):
                if let line = error["line"] as? Int {
                    #expect(d.location?.line == line, "\(name): error line for \(d.message)")
                    if let column = error["column"] as? Int {
                        #expect(d.location?.column == column, "\(name): error column for \(d.message)")
                    }
                }
            }
            return
        }
        let loaded: YAMLLoader.Loaded
        switch outcome {
        case .success(let l): loaded = l
        case .failure(let d):
            Issue.record("\(name): unexpected error \(d)")
            return
        }
        let diffs = Golden.diff(try #require(expected["value"]), loaded.value)
        #expect(diffs.isEmpty, "\(name):\n\(diffs.prefix(10).joined(separator: "\n"))")
        if let warnings = expected["warnings"] as? [String] {
            let expectDuplicate = warnings.contains { $0.contains("duplicate mapping key") }
            let gotDuplicate = loaded.warnings.contains { $0.message.contains("duplicate mapping key") }
            #expect(expectDuplicate == gotDuplicate, "\(name): duplicate-key warning")
        }
    }
}
