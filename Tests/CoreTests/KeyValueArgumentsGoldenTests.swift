import Core
import Foundation
import GoldenSupport
import Testing

/// `split_args`/`parse_kv` against ansible-core 2.21's, recorded by `Fixtures/parse_kv/record.py`.
struct KeyValueArgumentsGoldenTests {
    nonisolated(unsafe) static let cases: [[String: Any]] = {
        let url = Golden.fixtures().appendingPathComponent("parse_kv/expected.json")
        return (try? Golden.json(url) as? [[String: Any]]) ?? []
    }()

    @Test func goldensPresent() { #expect(Self.cases.count >= 80) }

    @Test("parse_kv and split_args as ansible-core", arguments: 0..<cases.count)
    func parse(_ index: Int) throws {
        let c = Self.cases[index]
        let input = try #require(c["input"] as? String)
        let checkRaw = c["check_raw"] as? Bool ?? false
        let parsed = Result { () throws(KeyValueArguments.SplitError) -> PyDict in try KeyValueArguments.parse(input, checkRaw: checkRaw) }
        if let expected = c["result"] {
            switch parsed {
            case .success(let d):
                let diffs = Golden.diff(expected, .dict(d))
                #expect(diffs.isEmpty, "parse_kv(\(input.debugDescription), check_raw=\(checkRaw)): \(diffs)")
            case .failure(let e):
                Issue.record("parse_kv(\(input.debugDescription)) failed: \(e)")
            }
        } else {
            if case .success(let d) = parsed {
                Issue.record("parse_kv(\(input.debugDescription)) should fail (\(c["error"] ?? "")), gave \(Value.dict(d).pythonRepr)")
            }
        }
        let split = Result { () throws(KeyValueArguments.SplitError) -> [String] in try KeyValueArguments.split(input) }
        if let expected = c["split"] as? [String] {
            #expect((try? split.get()) == expected, "split_args(\(input.debugDescription))")
        } else {
            #expect((try? split.get()) == nil, "split_args(\(input.debugDescription)) should fail")
        }
    }
}
