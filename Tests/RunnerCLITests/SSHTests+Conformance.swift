import Foundation
import Testing

/// Every playbook case of the conformance corpus over ssh: each case whose hosts are local
/// connections is copied with its `hosts` rewritten so every host is a test sshd
/// (`ansible_connection=ssh`, its own port, user `runnertest` with `ansible_become=true`, since
/// the goldens were recorded as root), then run by the corpus's own `run` script: the same
/// results and the same files as over local. (Inventory and listing cases connect to nothing.)
extension SSHTests {
    static var sshCases: [String] {
        ConformanceTests.cases.filter { name in
            let dir = ConformanceTests.corpus.appendingPathComponent("cases/\(name)")
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent("case.json").path),
                  let spec = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
                  let hosts = try? String(contentsOf: dir.appendingPathComponent("hosts"), encoding: .utf8) else { return false }
            return (spec["oracle"] as? String ?? "ansible-playbook") == "ansible-playbook"
                && (spec["compare"] as? String ?? "results") == "results" && hosts.contains("ansible_connection=local")
        }
    }

    @Test func everyPlaybookCaseGoesOverSSH() { #expect(Self.sshCases.count >= 70, "\(Self.sshCases.count) cases") }

    /// Cases that differ over ssh for a known reason; `withKnownIssue` fails when one passes.
    static let sshPending: [String: String] = [:]

    /// The rewritten copy of the corpus for the fleet, made once.
    nonisolated(unsafe) static var rewrittenCorpus: URL?

    static func corpus(for fleet: SSHFleet) throws -> URL {
        if let made = rewrittenCorpus { return made }
        let dir = URL(fileURLWithPath: fleet.directory).appendingPathComponent("cases")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in sshCases {
            let target = dir.appendingPathComponent(name)
            try FileManager.default.copyItem(at: ConformanceTests.corpus.appendingPathComponent("cases/\(name)"), to: target)
            let hostsFile = target.appendingPathComponent("hosts")
            guard let text = try? String(contentsOf: hostsFile, encoding: .utf8) else { continue }
            try rewrite(text, fleet: fleet).write(to: hostsFile, atomically: true, encoding: .utf8)
        }
        rewrittenCorpus = dir
        return dir
    }

    /// Each host line's `ansible_connection=local` becomes the settings of its own sshd.
    static func rewrite(_ inventory: String, fleet: SSHFleet) -> String {
        var seen: [String] = []
        return inventory.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.contains("ansible_connection=local"), let host = line.split(separator: " ").first.map(String.init) else { return String(line) }
            if !seen.contains(host) { seen.append(host) }
            let port = fleet.ports[(seen.firstIndex(of: host) ?? 0) % fleet.ports.count]
            return line.replacingOccurrences(of: "ansible_connection=local", with: fleet.hostVars(port: port) + " ansible_become=true")
        }.joined(separator: "\n")
    }

    @Test("a conformance case gives the same results over ssh", arguments: sshCases)
    func conformanceOverSSH(_ name: String) throws {
        guard let fleet = Self.fleet() else { return }
        let cases = try Self.corpus(for: fleet)
        let runner = try CommandLineGoldenTests.runner()
        let result = SSHFleet.shell(["python3", ConformanceTests.corpus.appendingPathComponent("run").path, "--runner", runner.path, "-v", name],
                                    env: ["CONFORMANCE_CASES": cases.path])
        let check = { #expect(result.status == 0, "\(name) over ssh:\n\(result.output.suffix(2000))") }
        if let reason = Self.sshPending[name] {
            withKnownIssue(Comment(rawValue: reason)) { check() }
        } else {
            check()
        }
    }
}
