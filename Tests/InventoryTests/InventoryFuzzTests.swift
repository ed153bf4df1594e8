import Core
import Foundation
import GoldenSupport
import Inventory
import Testing

/// A bounded fuzz smoke run of the INI inventory parser (and the host patterns and ranges it
/// expands): 3,000 seeded mutations of the corpus's INI `hosts` files, each loaded from a file
/// as `-i` loads it. Every input either loads or fails (an error, or the warnings ansible-playbook
/// gives an unparsable source, one of them naming the file);
/// a crash or a hang fails the run.
@Suite struct InventoryFuzzTests {
    static let tokens = ["[", "]", ":children", ":vars", "[a:b]", "[0:9]", "[z:a]", "[1:100000:0]", "=", " = ", "\"", "'", "#", ";",
                         "\n", "\t", "---\n", "ansible_host=", "ansible_port=x", "{", "}", "[]", ":", "::", "\\", "\u{00}", "\u{FF}",
                         "all", "ungrouped", "a b=1 c", "[g:children]\ng\n", "[01:10]", "x[a:c]y"]

    @Test func mutatedINIInventoriesLoadOrFailNamingTheFile() throws {
        let cases = GoldenCase.casesDir
        var seeds: [[UInt8]] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: cases.path).sorted() {
            if let data = FileManager.default.contents(atPath: cases.appendingPathComponent(name + "/hosts").path) { seeds.append([UInt8](data)) }
        }
        try #require(seeds.count >= 50)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runner-ini-fuzz-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var failures = 0, loaded = 0
        for seed in 0..<3000 {
            var mutator = Mutator(seed: UInt64(seed))
            let input = mutator.mutate(seeds[mutator.below(seeds.count)], tokens: Self.tokens)
            let path = dir.appendingPathComponent("hosts-\(seed)").path
            FileManager.default.createFile(atPath: path, contents: Data(input))
            defer { try? FileManager.default.removeItem(atPath: path) }
            var settings = InventorySettings()
            settings.workingDirectory = dir.path
            // As ansible-playbook: an unparsable source is a failure under
            // `any_unparsed_is_failed`, else a warning (checked the same way).
            settings.unparsedIsFailed = seed % 2 == 0
            do {
                let inventory = try InventoryLoader.load(sources: [path], playbookDirectory: nil, settings: settings)
                if inventory.warnings.isEmpty {
                    loaded += 1
                } else {
                    failures += 1
                    // ansible's general notes ("No inventory was parsed", "Invalid characters
                    // were found in group names") name no file; a failed parse must.
                    let texts = inventory.warnings.map { $0.message + " " + ($0.location?.file ?? "") }
                    if texts.contains(where: { $0.contains("parse ") && !$0.contains("No inventory was parsed") }) {
                        #expect(texts.contains { $0.contains("hosts-\(seed)") }, "seed \(seed): no warning names the file: \(texts)")
                    }
                }
            } catch {
                failures += 1
                #expect(!error.message.isEmpty, "seed \(seed): an empty error")
            }
        }
        #expect(loaded > 100 && failures > 100, "the mutations reach both outcomes (\(loaded) loaded, \(failures) refused)")
    }
}
