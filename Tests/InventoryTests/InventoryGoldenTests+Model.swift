import Core
import Foundation
import GoldenSupport
import Testing
@testable import Inventory

extension InventoryGoldenTests {
    /// The Python-level dump (`api`): groups (order, relations, depth, priority, typed
    /// variables), `get_hosts('all')` order, every host (sorted by name) with its groups and
    /// typed variables, `InventoryData.hosts` order, the parsed sources, and `get_hosts()`
    /// order for every pattern and limit. Every list is compared in order, except the paths
    /// `api_order_unstable` names, which ansible-core fills from a set of Group objects
    /// (memory-address order): those are recorded sorted and compared as sets.
    @Test(arguments: cases)
    func pythonLevelModel(_ name: String) throws {
        let c = try GoldenCase(name)
        guard let api = c.api else {
            // The dump failed (loading the sources, or a group's or host's variables); runner
            // must fail at one of those steps too.
            #expect(c.expected["api_error"] != nil, "\(name): no api and no api_error")
            Self.check(name, "api") {
                do throws(Diagnostic) {
                    let inv = try c.load()
                    for g in inv.groups { _ = try inv.groupVariables(g.name, playbookSide: c.playbookDir != nil) }
                    for h in inv.hosts { _ = try c.report(inv).hostVariables(h.name) }
                    Issue.record("\(name): runner builds the model ansible-core fails on: \(c.expected["api_error"] ?? "")")
                } catch {}
            }
            return
        }
        Self.check(name, "api") {
            var model = ModelCheck(c, api)
            try model.run()
        }
    }
}

/// One case's `api` dump against runner's inventory.
struct ModelCheck {
    let c: GoldenCase
    let api: [String: Any]
    let unstable: Set<String>
    /// The unstable paths a comparison used; each recorded one must be used.
    var used: Set<String> = []

    init(_ c: GoldenCase, _ api: [String: Any]) {
        self.c = c
        self.api = api
        unstable = c.apiOrderUnstable
    }

    /// A list of names at `path` inside `api`: in order, or as a set where the order is unstable.
    mutating func names(_ path: String, _ got: [String], _ want: Any?) {
        guard let want = want as? [String] else { Issue.record("\(c.name): golden \(path) is not a list of names"); return }
        if unstable.contains(path) {
            used.insert(path)
            #expect(PythonText.sorted(got) == want, "\(c.name): \(path) (as a set): \(got)")
        } else {
            #expect(got == want, "\(c.name): \(path): \(got)")
        }
    }

    mutating func run() throws {
        let inv = try c.load()
        let report = c.report(inv)
        names("/sources", inv.sources.map(c.normalised), api["sources"])
        try checkGroups(inv)
        let allOrder = try inv.hosts(matching: "all").hosts
        names("/all_order", allOrder, api["all_order"])
        try checkHosts(inv, report, allNames: PythonText.sorted(allOrder))
        names("/inventory_hosts_order", inv.hosts.map(\.name), api["inventory_hosts_order"])
        checkPatterns(inv)
        #expect(unstable.subtracting(used).isEmpty, "\(c.name): unstable paths not compared: \(unstable.subtracting(used).sorted())")
    }

    /// `InventoryData.groups` in insertion order, each group's relations and variables.
    mutating func checkGroups(_ inv: Inventory) throws {
        let groups = api["groups"] as? [[String: Any]] ?? []
        #expect(inv.groups.map(\.name) == groups.map { $0["name"] as? String ?? "" }, "\(c.name): group order")
        for (gi, g) in groups.enumerated() {
            let gname = g["name"] as? String ?? ""
            guard let gid = inv.groupID(named: gname) else { Issue.record("\(c.name): missing group \(gname)"); continue }
            let group = inv.groups[gid]
            #expect(group.depth == g["depth"] as? Int, "\(c.name): group \(gname) depth \(group.depth)")
            #expect(group.priority == g["priority"] as? Int, "\(c.name): group \(gname) priority \(group.priority)")
            names("/groups/\(gi)/parents", group.parentIDs.map { inv.groups[$0].name }, g["parents"])
            names("/groups/\(gi)/children", group.childIDs.map { inv.groups[$0].name }, g["children"])
            names("/groups/\(gi)/hosts", group.hostIDs.map { inv.hosts[$0].name }, g["hosts"])
            let got = try inv.groupVariables(gname, playbookSide: c.playbookDir != nil)
            let diffs = Golden.diff(g["vars"] ?? NSNull(), .dict(got), path: "group[\(gname)].vars")
            #expect(diffs.isEmpty, "\(c.name): \(diffs.prefix(5).joined(separator: "\n"))")
        }
    }

    /// `api.hosts`: every host of `all` sorted by name, then the case's extra `--host` names
    /// (`missing` when `get_host` finds none).
    mutating func checkHosts(_ inv: Inventory, _ report: InventoryReport, allNames: [String]) throws {
        let hosts = api["hosts"] as? [[String: Any]] ?? []
        let listed = hosts.prefix(allNames.count).map { $0["name"] as? String ?? "" }
        #expect(listed == allNames, "\(c.name): hosts of all, sorted: \(allNames)")
        for (hi, h) in hosts.enumerated() {
            let hname = h["name"] as? String ?? ""
            guard let host = inv.host(named: hname) else {
                #expect(h["missing"] as? Bool == true, "\(c.name): missing host \(hname)")
                continue
            }
            guard h["missing"] == nil else { Issue.record("\(c.name): host \(hname) should not exist"); continue }
            #expect(host.implicit == h["implicit"] as? Bool, "\(c.name): host \(hname) implicit")
            names("/hosts/\(hi)/groups", host.groupIDs.map { inv.groups[$0].name }, h["groups"])
            let diffs = Golden.diff(h["vars"] ?? NSNull(), .dict(try report.hostVariables(hname)), path: "host[\(hname)].vars")
            #expect(diffs.isEmpty, "\(c.name): \(diffs.prefix(5).joined(separator: "\n"))")
        }
    }

    /// `get_hosts(pattern)` for every pattern, then the play pattern under each `--limit`,
    /// sharing one implicit localhost as the dump's single InventoryManager does.
    mutating func checkPatterns(_ inv: Inventory) {
        let c = self.c
        let hosts = api["hosts"] as? [[String: Any]] ?? []
        var implicitName = hosts.first { $0["implicit"] as? Bool == true }?["name"] as? String
        let patterns = c.expected["patterns"] as? [[String: Any]] ?? []
        let apiPatterns = api["patterns"] as? [[String: Any]] ?? []
        #expect(apiPatterns.count == patterns.count, "\(c.name): api patterns")
        for (i, p) in apiPatterns.enumerated() where i < patterns.count {
            let pattern = patterns[i]["pattern"] as? String ?? ""
            compare("/patterns/\(i)", "pattern \(pattern)", p) { () throws(Diagnostic) in
                try inv.hosts(matching: pattern, limit: nil, implicitLocalhost: &implicitName).hosts
            }
        }
        let limits = c.expected["limits"] as? [[String: Any]] ?? []
        let apiLimits = api["limits"] as? [[String: Any]] ?? []
        #expect(apiLimits.count == limits.count, "\(c.name): api limits")
        for (i, p) in apiLimits.enumerated() where i < limits.count {
            let values = limits[i]["limit"] as? [String] ?? []
            compare("/limits/\(i)", "limit \(values)", p) { () throws(Diagnostic) in
                let terms = try Inventory.limitTerms(values, workingDirectory: c.dir.path)
                return try inv.hosts(matching: limits[i]["play_hosts"] as? String ?? "all", limit: terms, implicitLocalhost: &implicitName).hosts
            }
        }
    }

    /// `{"hosts": [...]}` (in get_hosts order) or `{"error": message}`.
    mutating func compare(_ path: String, _ what: String, _ want: [String: Any], _ body: () throws(Diagnostic) -> [String]) {
        do throws(Diagnostic) {
            let got = try body()
            #expect(want["error"] == nil, "\(c.name): \(what) should fail: \(want["error"] ?? "")")
            if want["error"] == nil { names(path + "/hosts", got, want["hosts"]) }
        } catch {
            #expect(want["error"] as? String == error.message, "\(c.name): \(what): \(error)")
        }
    }
}
