import Foundation
import GoldenSupport
@testable import Output
import Testing

/// runner's port of difflib against CPython's own `difflib.unified_diff` (python3 is on every
/// machine that runs the suite: the conformance runner needs it): 1,500 seeded pairs of line
/// lists, small alphabets so that lines repeat, long ones past the 200-line "popular line"
/// threshold, with and without final newlines and with context 0 to 5, sent to python3 in one
/// go; every diff must be the same, line for line.
struct UnifiedDiffTests {
    static func lines(_ random: inout Mutator, count: Int, alphabet: Int) -> [String] {
        var out = (0..<count).map { _ in "line \(random.below(alphabet))\n" }
        if !out.isEmpty && random.below(4) == 0 { out[out.count - 1] = String(out[out.count - 1].dropLast()) }
        return out
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
    func sameHunksAsCPythonDifflib() throws {
        var random = Mutator(seed: 20261129)
        var cases: [[String: Any]] = []
        for i in 0..<1500 {
            let big = i % 10 == 0
            let count = big ? 150 + random.below(200) : random.below(30)
            let alphabet = 1 + random.below(big ? 40 : 8)
            var a = Self.lines(&random, count: count, alphabet: alphabet)
            var b = a
            for _ in 0..<(1 + random.below(big ? 30 : 6)) {
                let at = random.below(b.count + 1)
                switch random.below(3) {
                case 0 where at < b.count: b.remove(at: at)
                case 1: b.insert("line \(random.below(alphabet + 3))\n", at: at)
                default: if at < b.count { b[at] = "changed \(random.below(5))\n" }
                }
            }
            if random.below(5) == 0 { a = Self.lines(&random, count: random.below(10), alphabet: 3) }
            cases.append(["a": a, "b": b, "n": random.below(6)])
        }
        let script = """
            import difflib, json, sys
            out = []
            for c in json.load(sys.stdin):
                out.append(list(difflib.unified_diff(c["a"], c["b"], fromfile="before", tofile="after", n=c["n"])))
            json.dump(out, sys.stdout)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let data = try JSONSerialization.data(withJSONObject: cases)
        let writer = Thread { input.fileHandleForWriting.write(data); try? input.fileHandleForWriting.close() }
        writer.start()
        let result = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let expected = try #require(try JSONSerialization.jsonObject(with: result) as? [[String]])
        #expect(expected.count == cases.count)
        for (i, (c, want)) in zip(cases, expected).enumerated() {
            let got = UnifiedDiff.lines(c["a"] as! [String], c["b"] as! [String], fromFile: "before", toFile: "after", context: c["n"] as! Int)
            #expect(got == want, "case \(i)")
            if got != want { return }
        }
    }
}
