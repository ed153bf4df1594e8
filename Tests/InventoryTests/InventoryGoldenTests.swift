import Core
import Foundation
import GoldenSupport
import Testing
@testable import Inventory

/// Every recorded case: runner's `--list`, `--list --export`, `--graph`, `--graph --vars`,
/// `--host`, `--yaml`, pattern and `--limit` results must equal ansible-core 2.21's.
@Suite struct InventoryGoldenTests {
    /// Aspects of a case (`name:aspect`, aspect one of list, export, graph, yaml, host, patterns,
    /// limits, api) runner cannot match, with the reason. They still run inside `withKnownIssue`,
    /// which fails when one starts to match, so this list can only shrink. Never weaken a
    /// comparison instead.
    static let knownDivergences: [String: String] = [
        "gv-files-basic:yaml": "PyYAML writes &id001/*id001 for a list object shared by two hosts; runner's values have no object identity",
        "bad-yaml-binary-value:list": "ansible-inventory 2.21 crashes (exit 250) serializing a !!binary value for --list; runner lists it",
        "bad-yaml-binary-value:export": "ansible-inventory 2.21 crashes (exit 250) serializing a !!binary value for --list --export; runner lists it",
        "bad-ini-invalid-utf8:api": "Python keeps an undecodable byte as a lone surrogate (caf\\udce9); Swift strings cannot hold one, runner keeps the printed '?'",
    ]

    static let cases = GoldenCase.names()

    /// Runs the checks of one aspect of a case, as a known issue when it is a known divergence.
    static func check(_ name: String, _ aspect: String, _ body: () throws -> Void) {
        if let reason = knownDivergences["\(name):\(aspect)"] {
            withKnownIssue(Comment(rawValue: "\(name):\(aspect): \(reason)")) { try body() }
        } else {
            do { try body() } catch { Issue.record(error, "\(name): \(aspect)") }
        }
    }

    @Test func divergencesNameRealCases() {
        let aspects: Set<String> = ["list", "export", "graph", "yaml", "host", "patterns", "limits", "api"]
        for key in Self.knownDivergences.keys {
            let parts = key.split(separator: ":", maxSplits: 1).map(String.init)
            #expect(parts.count == 2 && Self.cases.contains(parts[0]) && aspects.contains(parts[1]), "\(key)")
        }
    }

    @Test(arguments: cases)
    func listGraphAndHosts(_ name: String) throws {
        let c = try GoldenCase(name)
        let e = c.expected
        let inv: Inventory
        do { inv = try c.load() } catch {
            // ansible-inventory fails the same way whatever it is asked to print.
            let code = GoldenCase.exitCode(error)
            Self.check(name, "list") { #expect(e["list_rc"] as? Int == code, "\(name): load failed: \(error)") }
            Self.check(name, "export") { #expect(e["list_export_rc"] as? Int == code, "\(name): load failed: \(error)") }
            Self.check(name, "graph") {
                #expect(e["graph_rc"] as? Int == code, "\(name): load failed: \(error)")
                #expect(e["graph_vars_rc"] as? Int == code, "\(name): load failed: \(error)")
            }
            return
        }
        let report = c.report(inv)
        Self.check(name, "list") { checkList(name, "list", e["list_rc"], e["list"]) { () throws(Diagnostic) in try report.listDocument().value } }
        Self.check(name, "export") {
            checkList(name, "export", e["list_export_rc"], e["list_export"]) { () throws(Diagnostic) in try c.report(inv, export: true).listDocument().value }
        }
        Self.check(name, "graph") {
            checkGraph(name, e["graph_rc"], e["graph"]) { () throws(Diagnostic) in try report.graph() }
            checkGraph(name, e["graph_vars_rc"], e["graph_vars"]) { () throws(Diagnostic) in try report.graph(showVars: true) }
            if let g = e["graph_group"] as? [String: Any] {
                let group = g["group"] as? String ?? ""
                checkGraph(name, g["rc"], g["stdout"]) { () throws(Diagnostic) in try report.graph(from: group) }
            }
        }
        if let want = e["yaml"] {
            Self.check(name, "yaml") {
                do {
                    let got = YAMLDump.dump(try report.yamlDocument().value) + "\n"
                    #expect(e["yaml_rc"] as? Int == 0, "\(name): --yaml should fail")
                    #expect(got == want as? String, "\(name): --yaml differs:\n\(got)")
                } catch {
                    #expect(e["yaml_rc"] as? Int == GoldenCase.exitCode(error), "\(name): --yaml: \(error)")
                }
            }
        }
        Self.check(name, "host") { checkHosts(name, inv, report, e) }
    }

    /// `--list` / `--list --export`: the exit code, and the document when ansible printed one.
    func checkList(_ name: String, _ what: String, _ rc: Any?, _ want: Any?, _ body: () throws(Diagnostic) -> Value) {
        do {
            let doc = try body()
            #expect(rc as? Int == 0, "\(name): \(what) should fail")
            guard rc as? Int == 0 else { return }
            let diffs = Golden.diff(want ?? NSNull(), PythonJSON.jsonData(doc, trustedAt: InventoryReport.listTrust), path: what)
            #expect(diffs.isEmpty, "\(name): \(diffs.prefix(5).joined(separator: "\n"))")
        } catch {
            #expect(rc as? Int == GoldenCase.exitCode(error), "\(name): \(what) failed: \(error)")
        }
    }

    func checkGraph(_ name: String, _ rc: Any?, _ want: Any?, _ body: () throws(Diagnostic) -> [String]) {
        do {
            // The goldens are printed text split on newlines; values may hold newlines themselves.
            let lines = try body().joined(separator: "\n").components(separatedBy: "\n")
            #expect(rc as? Int == 0, "\(name): graph should fail")
            #expect(lines == (want as? [String] ?? []), "\(name): graph differs:\n\(lines.joined(separator: "\n"))")
        } catch {
            #expect(rc as? Int == GoldenCase.exitCode(error), "\(name): graph failed: \(error)")
        }
    }

    /// `--host NAME` for every recorded host: exit code and variables.
    func checkHosts(_ name: String, _ inv: Inventory, _ report: InventoryReport, _ e: [String: Any]) {
        let rcs = e["host_rc"] as? [String: Int] ?? [:]
        for (host, want) in e["host"] as? [String: Any] ?? [:] {
            do {
                let match = try inv.hosts(matching: host)
                guard match.hosts.count == 1 else { throw Diagnostic(.error, kind: .options, "not one host") }
                let vars = try report.hostVariables(match.hosts[0])
                #expect(rcs[host] == 0, "\(name): --host \(host) should fail")
                if !(want is NSNull) {
                    let diffs = Golden.diff(want, PythonJSON.jsonData(.dict(vars)), path: "host[\(host)]")
                    #expect(diffs.isEmpty, "\(name): \(diffs.prefix(5).joined(separator: "\n"))")
                }
            } catch {
                #expect(rcs[host] == GoldenCase.exitCode(error), "\(name): --host \(host): \(error)")
            }
        }
    }

    /// ansible-playbook --list-hosts for `hosts: PATTERN`: the recorder sorts the host lines
    /// (the play's hosts are printed from a Python set), so runner's hosts are compared sorted;
    /// the real order is checked by `pythonLevelModel`.
    @Test(arguments: cases)
    func patternsAndLimits(_ name: String) throws {
        let c = try GoldenCase(name)
        let inv: Inventory
        do { inv = try c.load() } catch {
            // ansible-playbook cannot load it either: every run fails.
            Self.check(name, "patterns") {
                for p in c.expected["patterns"] as? [[String: Any]] ?? [] {
                    #expect(p["rc"] as? Int != 0, "\(name): pattern \(p["pattern"] ?? ""): load failed: \(error)")
                }
            }
            Self.check(name, "limits") {
                for l in c.expected["limits"] as? [[String: Any]] ?? [] {
                    #expect(l["rc"] as? Int != 0, "\(name): limit \(l["limit"] ?? ""): load failed: \(error)")
                }
            }
            return
        }
        Self.check(name, "patterns") {
            for p in c.expected["patterns"] as? [[String: Any]] ?? [] {
                let pattern = p["pattern"] as? String ?? ""
                // `hosts: ""` is refused by the play loader (exit 4), not by the inventory.
                if pattern.isEmpty { #expect(p["rc"] as? Int == 4); continue }
                do {
                    let got = try inv.hosts(matching: pattern).hosts
                    #expect(p["rc"] as? Int == 0, "\(name): pattern \(pattern) should fail")
                    #expect(PythonText.sorted(got) == (p["hosts"] as? [String] ?? []), "\(name): pattern \(pattern): \(got)")
                } catch {
                    #expect(p["rc"] as? Int != 0, "\(name): pattern \(pattern): \(error)")
                }
            }
        }
        Self.check(name, "limits") {
            for l in c.expected["limits"] as? [[String: Any]] ?? [] {
                let values = l["limit"] as? [String] ?? []
                do {
                    let terms = try Inventory.limitTerms(values, workingDirectory: c.dir.path)
                    _ = try inv.checkLimit(terms)
                    let got = try inv.hosts(matching: l["play_hosts"] as? String ?? "all", limit: terms).hosts
                    #expect(l["rc"] as? Int == 0, "\(name): limit \(values) should fail")
                    #expect(PythonText.sorted(got) == (l["hosts"] as? [String] ?? []), "\(name): limit \(values): \(got)")
                } catch {
                    #expect(l["rc"] as? Int != 0, "\(name): limit \(values): \(error)")
                }
                // ansible-inventory --list --limit ...
                checkList(name, "limit-list \(values)", l["inventory_list_rc"], l["inventory_list"]) { () throws(Diagnostic) in
                    let terms = try Inventory.limitTerms(values, workingDirectory: c.dir.path)
                    return try c.report(inv).listDocument(limit: terms).value
                }
            }
        }
    }
}
