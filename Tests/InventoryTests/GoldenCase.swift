import Core
import Foundation
import GoldenSupport
@testable import Inventory

/// One recorded ansible-inventory case (Fixtures/cases/NAME): its inputs and expected outputs,
/// plus runner's inventory loaded the same way.
struct GoldenCase {
    let name: String
    let dir: URL
    let expected: [String: Any]
    let settings: InventorySettings

    static var casesDir: URL { Golden.fixtures().appendingPathComponent("cases") }

    static func names() -> [String] {
        let dir = casesDir.path
        let all = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return all.filter { FileManager.default.fileExists(atPath: dir + "/" + $0 + "/expected.json") }.sorted()
    }

    init(_ name: String) throws {
        self.name = name
        dir = Self.casesDir.appendingPathComponent(name)
        expected = try Golden.json(dir.appendingPathComponent("expected.json")) as? [String: Any] ?? [:]
        var s = InventorySettings.fromEnvironment(expected["env"] as? [String: String] ?? [:])
        s.workingDirectory = dir.path
        s.localhostPython = "<python>"
        settings = s
    }

    var sources: [String] {
        let args = expected["inventory_args"] as? [String] ?? []
        var out: [String] = []
        var i = 0
        while i < args.count {
            if args[i] == "-i" || args[i] == "--inventory", i + 1 < args.count { out.append(args[i + 1]); i += 2 } else { i += 1 }
        }
        return out
    }

    var playbookDir: String? { expected["playbook_dir"] as? String }

    /// The Python-level dump (`api`), nil when ansible-core could not load the inventory.
    var api: [String: Any]? { expected["api"] as? [String: Any] }

    /// JSON paths inside `api` whose order comes from iterating a Python set of Group objects
    /// (memory-address order): the recorder stores those name lists sorted.
    var apiOrderUnstable: Set<String> { Set(expected["api_order_unstable"] as? [String] ?? []) }

    func load() throws(Diagnostic) -> Inventory {
        try InventoryLoader.load(sources: sources, playbookDirectory: dir.path + "/" + (playbookDir ?? ""), settings: settings)
    }

    func report(_ inv: Inventory, export: Bool = false) -> InventoryReport {
        InventoryReport(inventory: inv, playbookDirGiven: playbookDir != nil, export: export)
    }

    /// A recorded text with this case's directory written as the recorder writes its temp dir.
    func normalised(_ text: String) -> String { text.replacingOccurrences(of: dir.path, with: "<case>") }

    /// ansible-inventory's exit code for a diagnostic.
    static func exitCode(_ error: any Error) -> Int {
        guard let d = error as? Diagnostic else { return 1 }
        switch d.kind {
        case .parse: return 4
        case .general: return 1
        case .options: return 5
        }
    }
}
