import Core
import Foundation
import GoldenSupport
import Testing

/// Python semantics of `Value` against `Fixtures/value/expected.json`, recorded from CPython
/// by `Fixtures/value/record.py`.
struct ValueGoldenTests {
    nonisolated(unsafe) static let golden: [String: Any] = {
        let url = Golden.fixtures().appendingPathComponent("value/expected.json")
        return (try? Golden.json(url) as? [String: Any]) ?? [:]
    }()

    static var values: [[String: Any]] { golden["values"] as? [[String: Any]] ?? [] }
    static var pairs: [[String: Any]] { golden["pairs"] as? [[String: Any]] ?? [] }

    @Test func goldensPresent() {
        #expect(Self.values.count > 50)
        #expect(Self.pairs.count > 25)
    }

    @Test("str(), repr() and bool() as in Python", arguments: 0..<values.count)
    func strReprTruth(_ index: Int) throws {
        let entry = Self.values[index]
        let value = try #require(Golden.value(entry["value"]!))
        #expect(value.pythonRepr == entry["repr"] as? String)
        #expect(value.pythonString == entry["str"] as? String)
        #expect(value.isTruthy == entry["truthy"] as? Bool)
    }

    @Test("== and < as in Python", arguments: 0..<pairs.count)
    func comparison(_ index: Int) throws {
        let entry = Self.pairs[index]
        let a = try #require(Golden.value(entry["a"]!)), b = try #require(Golden.value(entry["b"]!))
        #expect((a == b) == (entry["eq"] as? Bool), "\(a.pythonRepr) == \(b.pythonRepr)")
        let order = a.pythonCompare(b)
        func expected(_ key: String) -> ComparisonResult?? {
            if entry[key] as? String == "TypeError" { return .some(nil) }
            return nil
        }
        if entry["lt"] as? String == "TypeError" {
            #expect(order == nil, "\(a.pythonRepr) < \(b.pythonRepr) must be a TypeError")
        } else {
            let lt = entry["lt"] as? Bool, gt = entry["gt"] as? Bool
            #expect((order == .orderedAscending) == lt, "\(a.pythonRepr) < \(b.pythonRepr)")
            #expect((order == .orderedDescending) == gt, "\(a.pythonRepr) > \(b.pythonRepr)")
        }
        if a == b { #expect(a.hashValue == b.hashValue, "equal values hash alike") }
    }

    @Test func dictKeysFollowPythonEquality() {
        var d = PyDict()
        d[.int(1)] = "int"
        d[.float(1.0)] = "float"
        d[.bool(true)] = "bool"
        #expect(d.count == 1)
        #expect(d.keys == [.int(1)])
        #expect(Value.dict(d).pythonRepr == "{1: 'bool'}")
        d[.int(1)] = nil
        #expect(d.isEmpty)
    }
}
