import Foundation
import GoldenSupport
import Testing

/// `setup` and play fact gathering through the built binary over the local connection, against
/// what ansible-core 2.21 gave on the same machine (`Fixtures/facts_expected.json`, recorded by
/// `Fixtures/record_facts.py`): fact names and types, the keys of each `gather_subset`, and the
/// printed output of the playbooks in `Fixtures/facts`. Values that depend on the machine are
/// checked against what the test reads itself (uname, /etc/os-release, ProcessInfo).
struct FactsTests {
    nonisolated(unsafe) static let recorded: [String: Any] = {
        (try? Golden.json(Golden.fixtures().appendingPathComponent("facts_expected.json")) as? [String: Any]) ?? [:]
    }()

    /// Facts ansible gathers that runner does not (Python-only, or not worth a round trip); see
    /// `SetupModule`.
    static let notGathered: Set<String> = ["ansible_python", "ansible_python_version", "ansible_selinux_python_present",
                                           "ansible_devices", "ansible_device_links", "ansible_lvm"]
    /// Facts present only when the machine has the thing (host keys, DMI, capsh, lsb_release).
    static func machineDependent(_ name: String) -> Bool {
        name.hasPrefix("ansible_ssh_host_key_") || name == "ansible_lsb" || name == "ansible_machine_id"
    }

    /// Runs a playbook in a fresh directory with one local host; returns exit code and stdout.
    static func run(_ playbook: String, callback: String = "json", environment: [String: String] = [:]) throws -> (Int32, String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("runner-facts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try "h1 ansible_connection=local\n".write(to: root.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        try playbook.write(to: root.appendingPathComponent("site.yml"), atomically: true, encoding: .utf8)
        var env: [String: String?] = ["ANSIBLE_STDOUT_CALLBACK": callback, "RUNNER_FACTS_TEST": "marker value", "ANSIBLE_GATHERING": nil]
        for (k, v) in environment { env[k] = v }
        let outcome = try CommandLineGoldenTests.run(["-i", "hosts", "site.yml"], in: root, environment: env)
        return (outcome.code, outcome.stdout)
    }

    /// `ansible_facts` of one `setup` task with the given arguments (JSON flow text).
    static func facts(_ args: String) throws -> [String: Any] {
        let (code, text) = try run("- hosts: h1\n  gather_facts: false\n  tasks:\n    - setup: \(args)\n")
        #expect(code == 0, "\(text)")
        let start = try #require(text.firstIndex(of: "{"), "no JSON: \(text)")
        let doc = try #require(try Golden.json(data: Data(text[start...].utf8)) as? [String: Any])
        let plays = try #require(doc["plays"] as? [[String: Any]])
        let task = try #require((plays.first?["tasks"] as? [[String: Any]])?.first)
        let host = try #require((task["hosts"] as? [String: Any])?["h1"] as? [String: Any])
        return try #require(host["ansible_facts"] as? [String: Any])
    }

    /// Folds per-interface facts into `ansible_<interface>`, as the recording script does.
    static func fold(_ facts: [String: Any]) -> [String: Any] {
        let names = Set(((facts["ansible_interfaces"] as? [String]) ?? []).map {
            "ansible_" + $0.replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ":", with: "_")
        })
        var out: [String: Any] = [:]
        for (k, v) in facts { out[names.contains(k) ? "ansible_<interface>" : k] = v }
        return out
    }

    static func pythonType(_ v: Any) -> String {
        switch v {
        case is [String: Any]: return "dict"
        case is [Any]: return "list"
        case is String: return "str"
        case is Bool: return "bool"
        case is Int: return "int"
        case is Double: return "float"
        default: return "NoneType"
        }
    }

    @Test func defaultSubsetHasAnsiblesFactNamesAndTypes() throws {
        let expected = try #require(Self.recorded["types"] as? [String: Any])
        let got = Self.fold(try Self.facts("{}"))
        var problems: [String] = []
        for (name, type) in expected where !Self.notGathered.contains(name) {
            guard let value = got[name] else {
                if !Self.machineDependent(name) { problems.append("missing \(name)") }
                continue
            }
            if Self.pythonType(value) != type as? String { problems.append("\(name): \(Self.pythonType(value)) instead of \(type)") }
        }
        for name in Self.notGathered { if got[name] != nil { problems.append("\(name) is gathered now: drop it from notGathered") } }
        #expect(problems.isEmpty, "\(problems)")
    }

    static var subsets: [String] { ((recorded["subsets"] as? [String: Any]) ?? [:]).keys.sorted() }

    @Test("gather_subset selects ansible's facts", arguments: subsets)
    func subset(_ subset: String) throws {
        let expected = try #require((Self.recorded["subsets"] as? [String: Any])?[subset] as? [String])
        let args = "{gather_subset: [\(subset.split(separator: ",").map { "'\($0)'" }.joined(separator: ", "))]}"
        let got = Set(Self.fold(try Self.facts(args)).keys)
        let want = Set(expected).subtracting(Self.notGathered)
        #expect(got.subtracting(want).isEmpty, "extra: \(got.subtracting(want).sorted())")
        #expect(want.subtracting(got).filter { !Self.machineDependent($0) }.isEmpty, "missing: \(want.subtracting(got).sorted())")
    }

    @Test func filterKeepsOnlyMatchingFacts() throws {
        let got = try Self.facts("{gather_subset: ['!all'], filter: [ansible_system, ansible_os_family]}")
        let want = try #require(Self.recorded["filter"] as? [String: Any])
        #expect(got.keys.sorted() == want.keys.sorted())
        for (k, v) in want { #expect(got[k] as? String == v as? String, "\(k)") }
    }

    @Test func badSubsetFailsWithAnsiblesMessage() throws {
        let (code, text) = try Self.run("- hosts: h1\n  gather_facts: false\n  tasks:\n    - setup: {gather_subset: [bogus]}\n")
        #expect(code == 2)
        #expect(text.contains("Bad subset 'bogus' given to Ansible. gather_subset options allowed: all, all_ipv4_addresses"))
    }

    /// Values that depend on the machine, against what Foundation and /etc/os-release say.
    @Test func valuesMatchTheMachine() throws {
        let f = try Self.facts("{}")
        var u = utsname()
        uname(&u)
        func field<T>(_ value: T) -> String { withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) } }
        #expect(f["ansible_system"] as? String == field(u.sysname))
        #expect(f["ansible_kernel"] as? String == field(u.release))
        #expect(f["ansible_kernel_version"] as? String == field(u.version))
        #expect(f["ansible_machine"] as? String == field(u.machine))
        #expect(f["ansible_nodename"] as? String == field(u.nodename))
        #expect(f["ansible_hostname"] as? String == field(u.nodename).split(separator: ".").first.map(String.init))
        let os = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
        var release: [String: String] = [:]
        for line in os.split(separator: "\n") {
            let kv = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            if kv.count == 2 { release[kv[0]] = kv[1] }
        }
        if release["ID"] == "debian" {
            #expect(f["ansible_distribution"] as? String == "Debian")
            #expect(f["ansible_os_family"] as? String == "Debian")
            #expect(f["ansible_distribution_release"] as? String == release["VERSION_CODENAME"])
            #expect(f["ansible_pkg_mgr"] as? String == "apt")
        }
        if let v = release["VERSION_ID"] {
            #expect((f["ansible_distribution_version"] as? String)?.hasPrefix(v) == true)
            #expect(f["ansible_distribution_major_version"] as? String == v.split(separator: ".").first.map(String.init))
        }
        #expect(f["ansible_user_uid"] as? Int == Int(getuid()))
        #expect(f["ansible_user_gid"] as? Int == Int(getpwuid(getuid()).pointee.pw_gid))
        #expect(f["ansible_user_id"] as? String == String(cString: getpwuid(getuid()).pointee.pw_name))
        #expect(f["ansible_user_dir"] as? String == String(cString: getpwuid(getuid()).pointee.pw_dir))
        #expect(f["ansible_user_shell"] as? String == String(cString: getpwuid(getuid()).pointee.pw_shell))
        #expect(f["ansible_processor_nproc"] as? Int == ProcessInfo.processInfo.activeProcessorCount)
        let memMB = Int(ProcessInfo.processInfo.physicalMemory / 1024 / 1024)
        #expect(abs((f["ansible_memtotal_mb"] as? Int ?? 0) - memMB) <= 1)
        #expect((f["ansible_env"] as? [String: Any])?["RUNNER_FACTS_TEST"] as? String == "marker value")
        let epoch = Int((f["ansible_date_time"] as? [String: Any])?["epoch"] as? String ?? "") ?? 0
        #expect(abs(epoch - Int(Date().timeIntervalSince1970)) < 120)
        #expect(f["gather_subset"] as? [String] == ["all"])
        #expect(f["module_setup"] as? Bool == true)
        let comm = (try? String(contentsOfFile: "/proc/1/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !comm.isEmpty, comm != "init", !comm.hasSuffix("sh") {
            #expect(f["ansible_service_mgr"] as? String == comm)
        }
    }

    static var playbooks: [String] { ((recorded["output"] as? [String: Any]) ?? [:]).keys.sorted() }

    /// `TASK [Gathering Facts]` / `ok: [h1]`, facts in `when`, persistence across plays,
    /// `meta: clear_facts`, a play's `gather_subset`, and ANSIBLE_GATHERING=explicit.
    @Test("a gathering playbook prints what ansible-playbook printed", arguments: playbooks)
    func playbookOutput(_ name: String) throws {
        let expected = try #require((Self.recorded["output"] as? [String: Any])?[name] as? String)
        let text = try String(contentsOf: Golden.fixtures().appendingPathComponent("facts").appendingPathComponent(name), encoding: .utf8)
        let env = name.contains("explicit") ? ["ANSIBLE_GATHERING": "explicit"] : [:]
        let (code, out) = try Self.run(text, callback: "default", environment: env)
        #expect(code == 0)
        #expect(out == expected)
    }
}
