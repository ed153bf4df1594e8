import Foundation
import GoldenSupport
import Testing
@testable import YAML

/// A bounded fuzz smoke run of the YAML loader: 20,000 seeded mutations of the corpus documents
/// (`GoldenSupport.Mutator`). Every input either loads or fails with a located diagnostic;
/// a crash or a hang fails the run. The seed of a failing case reproduces it.
@Suite struct YAMLFuzzTests {
    static let tokens = [":", ": ", "- ", "-", "&a ", "*a", "<<: ", "!!str ", "!!map ", "!vault ", "!unsafe ", "{", "}", "[", "]",
                         "\"", "'", "\t", "\n", "? ", "|", ">", "|-", "%YAML 1.1\n", "---\n", "...\n", "#", ",", "\\", "\u{FEFF}",
                         "\u{00}", "&b [*a, *a, *a]\n", "\n  ", "!!binary ", "~", "0x", "1e", ".inf", "yes", "null"]

    @Test func mutatedDocumentsLoadOrFailWithALocation() throws {
        let corpus = YAMLGoldenTests.fixtures.appendingPathComponent("corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()
        let seeds = try names.map { try [UInt8](Data(contentsOf: corpus.appendingPathComponent($0))) }
        try #require(seeds.count >= 150)
        var failures = 0, loaded = 0
        for seed in 0..<20000 {
            var mutator = Mutator(seed: UInt64(seed))
            let input = mutator.mutate(seeds[mutator.below(seeds.count)], tokens: Self.tokens)
            do {
                _ = try YAMLLoader.load(input, file: "fuzz-\(seed).yml")
                loaded += 1
            } catch {
                failures += 1
                #expect(error.location?.file == "fuzz-\(seed).yml" && (error.location?.line ?? 0) >= 1,
                        "seed \(seed): an error without a location: \(error.message)")
            }
        }
        #expect(loaded > 100 && failures > 100, "the mutations reach both outcomes (\(loaded) loaded, \(failures) refused)")
    }
}
