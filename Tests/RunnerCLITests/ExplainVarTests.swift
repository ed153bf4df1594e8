import Foundation
import GoldenSupport
import Testing

/// `runner --explain-var NAME`: every definition of a variable for each host, in the order of
/// ansible's documented precedence ladder, located to the line, the one in effect marked with
/// `=>`, and that one renders to the value ansible-playbook 2.21 resolved for the same project
/// (`Fixtures/explain/expected_values.json`, recorded by `record_explain.py`).
struct ExplainVarTests {
    static let root = Golden.fixtures().appendingPathComponent("explain")

    /// The lines of one host's section.
    static func section(_ text: String, host: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("x for \(host) ") }) else { return [] }
        return Array(lines[(start + 1)...].prefix { !$0.isEmpty })
    }

    static func run(_ extra: [String]) throws -> CommandLineGoldenTests.Outcome {
        try CommandLineGoldenTests.run(["-i", "hosts", "site.yml", "--explain-var", "x"] + extra, in: root, environment: ["ANSIBLE_NOCOLOR": "1"])
    }

    @Test func everyLevelInPrecedenceOrderWithItsLine() throws {
        let expected = try #require(try Golden.json(Self.root.appendingPathComponent("expected_values.json")) as? [String: [String: String]])
        let outcome = try Self.run([])
        #expect(outcome.code == 0, "\(outcome.stderr)")
        #expect(!outcome.stdout.contains("PLAY ["), "explaining must not run the play")
        let h1 = Self.section(outcome.stdout, host: "h1")
        let ladder = ["role defaults (r)", "inventory group vars (all)", "inventory group vars (web)", "inventory group_vars/all",
                      "playbook group_vars/all", "inventory group_vars/web", "playbook group_vars/web", "inventory host vars",
                      "inventory host_vars/h1", "playbook host_vars/h1", "play vars", "play vars_files", "role vars (r)"]
        let levels = h1.prefix(ladder.count).map { String($0.dropFirst(3)).components(separatedBy: "  ").first ?? "" }
        #expect(levels == ladder, "\(h1.joined(separator: "\n"))")
        for (level, location) in [("role defaults (r)", "roles/r/defaults/main.yml:2:"), ("inventory group vars (all)", "hosts:7:"),
                                  ("inventory group vars (web)", "hosts:10:"), ("inventory host vars", "hosts:3:"),
                                  ("inventory group_vars/web", "group_vars/web.yml:2:"), ("play vars", "site.yml:5:")] {
            #expect(h1.contains { $0.contains(level) && $0.contains(location) }, "\(level) at \(location): \(h1.joined(separator: "\n"))")
        }
        // The definition in effect is the last one, and it is what ansible resolved.
        let winner = try #require(h1.first { $0.hasPrefix("=> ") })
        #expect(winner.hasPrefix("=> role vars (r)") && winner.hasSuffix("\"\(expected["plain"]?["h1"] ?? "?")\""), "\(winner)")
        #expect(h1.contains { $0.contains("only inside: task vars of 'task vars' at") && $0.contains("site.yml:13:7") })
        #expect(h1.contains { $0.contains("set_fact in 'set_fact' at") })
        // h2 has no host-level definitions.
        let h2 = Self.section(outcome.stdout, host: "h2")
        #expect(!h2.contains { $0.contains("host vars") || $0.contains("host_vars") }, "\(h2.joined(separator: "\n"))")
        #expect(h2.first { $0.hasPrefix("=> ") }?.hasSuffix("\"\(expected["plain"]?["h2"] ?? "?")\"") == true)
    }

    @Test func extraVarsWinAndTemplatesRender() throws {
        let expected = try #require(try Golden.json(Self.root.appendingPathComponent("expected_values.json")) as? [String: [String: String]])
        let plain = try Self.run(["-e", "x=extra_vars"])
        let winner = try #require(Self.section(plain.stdout, host: "h1").first { $0.hasPrefix("=> ") })
        #expect(winner.hasPrefix("=> extra vars (-e)") && winner.hasSuffix("\"\(expected["extra"]?["h1"] ?? "?")\""), "\(winner)")
        let templated = try Self.run(["-e", "x={{ base }}/extra", "--limit", "h2"])
        let lines = Self.section(templated.stdout, host: "h2")
        #expect(lines.contains("   renders as: \"/srv/extra\""), "\(templated.stdout)")
        #expect(Self.section(templated.stdout, host: "h1").isEmpty, "--limit keeps h1 out")
        let nowhere = try CommandLineGoldenTests.run(["-i", "hosts", "site.yml", "--explain-var", "nowhere"], in: Self.root, environment: [:])
        #expect(nowhere.stdout.contains("nowhere is defined nowhere"))
    }
}
