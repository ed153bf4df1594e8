import Connection
import Core
import Foundation

/// `setup` (and `gather_facts`): facts about the host from one POSIX sh round trip, returned
/// as `ansible_facts` with ansible-core's names and types (`ansible_distribution`, ...), plus
/// `gather_subset` and `module_setup`. `gather_subset` picks collectors as ansible does (`all`,
/// `min`, `!all`, `network`, `!hardware`, fact-name aliases); `filter` keeps the facts whose
/// name matches one of its shell patterns (and then drops `gather_subset`/`module_setup`).
///
/// Not gathered (no Python on the target, or not worth a round trip): `python`,
/// `python_version`, `selinux_python_present`, `devices`, `device_links`, `lvm`,
/// `systemd`, facter/ohai, and `facts.d` local facts (`local`
/// is always `{}`). `virtual` uses container marker files and the DMI product only; mount
/// `uuid` is always `N/A`.
struct SetupModule: Module {
    /// `setup`, or `gather_facts` (which also takes `parallel`).
    var name = "setup"

    static let options: Set<String> = ["gather_subset", "gather_timeout", "filter", "fact_path"]
    /// `gather_facts` also takes `parallel` (runner gathers host by host).
    static let gatherFactsOptions = options.union(["parallel"])

    static let minimal: Set<String> = ["apparmor", "caps", "cmdline", "date_time", "distribution", "dns", "env", "fips", "local",
                                       "lsb", "pkg_mgr", "platform", "python", "selinux", "service_mgr", "ssh_pub_keys", "user"]
    static let extra: Set<String> = ["hardware", "network", "virtual", "chroot", "loadavg", "facter", "ohai", "iscsi", "nvme",
                                     "fibre_channel_wwn", "systemd"]
    /// Subset names that are fact names, and the collector that gathers them.
    static let aliases: [String: String] = {
        var out: [String: String] = [:]
        for n in ["all_ipv4_addresses", "all_ipv6_addresses", "default_ipv4", "default_ipv6", "interfaces"] { out[n] = "network" }
        for n in ["architecture", "kernel", "kernel_version", "machine", "machine_id", "system"] { out[n] = "platform" }
        for n in ["distribution_major_version", "distribution_release", "distribution_version", "os_family"] { out[n] = "distribution" }
        for n in ["devices", "mounts", "processor", "processor_cores", "processor_count"] { out[n] = "hardware" }
        for n in ["effective_group_ids", "effective_user_id", "real_user_id", "user_dir", "user_gecos", "user_gid", "user_id",
                  "user_shell", "user_uid"] { out[n] = "user" }
        for n in ["ssh_host_key_dsa_public", "ssh_host_key_ecdsa_public", "ssh_host_key_ed25519_public", "ssh_host_key_rsa_public",
                  "ssh_host_pub_keys"] { out[n] = "ssh_pub_keys" }
        for n in ["system_capabilities", "system_capabilities_enforced"] { out[n] = "caps" }
        for n in ["virtualization_role", "virtualization_tech_guest", "virtualization_tech_host", "virtualization_type"] { out[n] = "virtual" }
        out["is_chroot"] = "chroot"
        out["python_version"] = "python"
        return out
    }()

    func run(_ context: ModuleContext) -> TaskResult {
        let known = name == "gather_facts" ? Self.gatherFactsOptions : Self.options
        if let failure = context.unsupported(known, module: name) { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in try gather(context) }
    }

    /// A list argument given as a list or a comma-separated string.
    static func list(_ value: Value?) -> [String] {
        guard let value, !value.isNone else { return [] }
        if let items = value.listValue { return items.map(\.pythonString) }
        return value.pythonString.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The collectors `gather_subset` asks for; nil with the offending name when one is unknown.
    static func collectors(_ subset: [String]) -> Result<Set<String>, ModuleFailure> {
        let valid = minimal.union(extra)
        // The minimal set is always asked for first; exclusions apply to what was asked,
        // then collectors named explicitly come back (`!all,network` gives min and network).
        var asked = minimal, explicit = Set<String>(), excluded = Set<String>()
        for raw in subset {
            let negated = raw.hasPrefix("!")
            let name = negated ? String(raw.dropFirst()) : raw
            switch (name, negated) {
            case ("all", false): asked.formUnion(valid)
            case ("all", true): excluded.formUnion(valid.subtracting(minimal))
            case ("min", false): asked.formUnion(minimal)
            case ("min", true): excluded.formUnion(minimal)
            default:
                guard let collector = valid.contains(name) ? name : aliases[name] else {
                    let names = Set(valid).union(aliases.keys).union(["all", "min"]).sorted()
                    return .failure(ModuleFailure(.failed("Bad subset '\(name)' given to Ansible. gather_subset options allowed: \(names.joined(separator: ", "))")))
                }
                if negated { excluded.insert(collector) } else { asked.insert(collector); explicit.insert(collector) }
            }
        }
        var chosen = asked.subtracting(excluded).union(explicit)
        // Collectors that need others' facts bring them along, as ansible's do.
        if chosen.contains("network") { chosen.formUnion(["platform", "distribution"]) }
        if chosen.contains("hardware") { chosen.insert("platform") }
        return .success(chosen)
    }

    func gather(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        var subset = Self.list(context.args["gather_subset"])
        if subset.isEmpty { subset = ["all"] }
        let chosen = try Self.collectors(subset).get()
        let filters = Self.list(context.args["filter"])
        let script = FactScript.script(hardware: chosen.contains("hardware"), network: chosen.contains("network"),
                                       virtual: chosen.contains("virtual"))
        let outcome = try context.remote(script)
        let facts = LinuxFacts(sections: FactScript.sections(outcome.stdout))
        var f = PyDict()
        if chosen.contains("platform") { f.merge(facts.platform()) }
        let distribution = facts.distribution()
        if chosen.contains("distribution") { f.merge(distribution) }
        if chosen.contains("user") { f.merge(facts.user()) }
        if chosen.contains("env") { f.merge(facts.env()) }
        if chosen.contains("date_time") { f.merge(facts.dateTime()) }
        if chosen.contains("dns") { f.merge(facts.dns()) }
        if chosen.contains("fips") { f.merge(facts.fips()) }
        if chosen.contains("selinux") { f.merge(facts.selinux()) }
        if chosen.contains("apparmor") { f.merge(facts.apparmor()) }
        if chosen.contains("caps") { f.merge(facts.caps()) }
        if chosen.contains("cmdline") { f.merge(facts.cmdline()) }
        if chosen.contains("lsb") { f.merge(facts.lsb()) }
        if chosen.contains("ssh_pub_keys") { f.merge(facts.sshKeys()) }
        if chosen.contains("local") { f.merge(facts.local()) }
        if chosen.contains("pkg_mgr") { f.merge(facts.packageManager(osFamily: distribution["os_family"]?.pythonString ?? "")) }
        if chosen.contains("service_mgr") { f.merge(facts.serviceManager()) }
        if chosen.contains("loadavg") { f.merge(facts.loadavg()) }
        if chosen.contains("chroot") { f.merge(facts.chroot()) }
        f.merge(facts.storageInitiators(chosen))
        if chosen.contains("hardware") { f.merge(facts.hardware()) }
        if chosen.contains("network") { f.merge(facts.network()) }
        if chosen.contains("virtual") { f.merge(facts.virtualization()) }
        var out = PyDict()
        for (k, v) in f.items {
            let name = "ansible_" + k.pythonString
            if filters.isEmpty || filters.contains(where: { fnmatch($0, name, 0) == 0 }) { out[.string(name)] = v }
        }
        out = out.sortedByKey()
        if filters.isEmpty {
            out["gather_subset"] = .list(subset.map(Value.string))
            out["module_setup"] = true
        }
        var result = PyDict()
        result["ansible_facts"] = .dict(out)
        result["changed"] = false
        return TaskResult(result)
    }
}
