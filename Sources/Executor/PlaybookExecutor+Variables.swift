import Core
import Foundation
import Inventory
import Jinja
import Playbook
import YAML

extension PlaybookExecutor {
    /// The variables of `task` on `host` (see `VariableScope` for the order).
    func scope(for host: String, task: Task?, extra: PyDict) -> VariableScope {
        var layers: [PyDict] = []
        var defaults = PyDict()
        // Roles of the play share their defaults and vars (an include_role's stay private).
        for role in playRoles where role.isPublic { defaults.merge(role.defaults) }
        let role = task?.roleIndex.flatMap { $0 < playRoles.count ? playRoles[$0] : nil }
        if let role { defaults.merge(role.defaults) }
        layers.append(defaults)
        layers.append(inventoryVars(host))
        // Gathered facts sit above the host's inventory variables and below play vars.
        layers.append(Self.injectableFacts(hosts[host]!.cachedFacts))
        // inventory_hostname and group_names sit with the host's own variables, so play, task
        // and extra vars can override them, as in ansible-core.
        layers.append(hostMagicVars(host))
        layers.append(playVars)
        layers.append(promptVars)
        layers.append(varsFiles(for: host))
        var roleVars = PyDict()
        for r in playRoles where r.isPublic { roleVars.merge(r.vars) }
        if let role { roleVars.merge(role.vars) }
        layers.append(roleVars)
        var blockVars = extra
        let params = blockVars[IncludeParams.key]?.dictValue ?? PyDict()
        blockVars[IncludeParams.key] = nil
        layers.append(blockVars)
        if let own = task?.keywords["vars"]?.dictValue { layers.append(own) }
        layers.append(hosts[host]!.includedVars)
        layers.append(hosts[host]!.facts)
        layers.append(hosts[host]!.failure)
        if let role { layers.append(role.params) }
        layers.append(params)
        layers.append(options.extraVars)
        layers.append(magicVars(host, role: role))
        let lazy: @Sendable (String) -> Value? = { [unowned self] name in self.lazyMagic(name) }
        return VariableScope(layers: layers, lazy: lazy, mergeHashes: options.mergeHashes)
    }

    /// Inventory variables of a host (groups in Ansible's order, then the host), read once.
    func inventoryVars(_ host: String) -> PyDict {
        if let cached = inventoryVarsCache[host] { return cached }
        let vars = (try? inventory.hostVariables(host)) ?? PyDict()
        inventoryVarsCache[host] = vars
        return vars
    }

    /// The magic variables that describe the host itself.
    func hostMagicVars(_ host: String) -> PyDict {
        var m = PyDict()
        m["inventory_hostname"] = .string(host)
        m["inventory_hostname_short"] = .string(String(host.split(separator: ".").first ?? Substring(host)))
        m["group_names"] = .list(inventory.groupNames(ofHost: host).filter { $0 != "all" }.sorted().map(Value.string))
        m["ansible_facts"] = .dict(Self.namespacedFacts(hosts[host]?.cachedFacts ?? PyDict()))
        return m
    }

    /// The same for every host of the play: built again only when the play, the role or the
    /// hosts still in play change (every task on every host asks for them).
    func magicVars(_ host: String, role: RoleInfo?) -> PyDict {
        let active = activeHosts()
        if let c = magicVarsCache, c.play == play.location, c.role == role?.directory, c.roleName == role?.name, c.active == active {
            return c.vars
        }
        let vars = buildMagicVars(role: role, active: active)
        magicVarsCache = MagicVarsCache(play: play.location, role: role?.directory, roleName: role?.name, active: active, vars: vars)
        return vars
    }

    private func buildMagicVars(role: RoleInfo?, active activeNames: [String]) -> PyDict {
        var m = PyDict()
        m["playbook_dir"] = .string(absolute(play.directory))
        m["ansible_play_name"] = .string(play.name)
        m["ansible_play_hosts_all"] = .list(playHostsAll.map(Value.string))
        let active = activeNames.map(Value.string)
        m["ansible_play_hosts"] = .list(active)
        m["ansible_play_batch"] = .list(active)
        m["play_hosts"] = .list(active)
        m["ansible_check_mode"] = .bool(options.checkMode)
        m["ansible_diff_mode"] = .bool(options.diffMode)
        m["ansible_verbosity"] = .int(options.verbosity)
        m["ansible_forks"] = .int(options.forks)
        m["ansible_run_tags"] = .list((options.runTags.isEmpty ? ["all"] : options.runTags).map(Value.string))
        m["ansible_skip_tags"] = .list(options.skipTags.map(Value.string))
        m["ansible_version"] = .dict(PyDict([("full", "2.21.5"), ("major", 2), ("minor", 21), ("revision", 5), ("string", "2.21.5")]))
        if let role {
            m["role_name"] = .string((role.name as NSString).lastPathComponent)
            m["role_path"] = .string(absolute(role.directory))
            m["ansible_role_name"] = .string(role.name)
        }
        return m
    }

    func absolute(_ path: String) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path)
        return url.standardizedFileURL.path
    }

    /// `groups` and `hostvars`, built only when a template reads them.
    func lazyMagic(_ name: String) -> Value? {
        switch name {
        case "groups":
            return .dict(inventory.groupsDictionary)
        case "hostvars":
            var all = PyDict()
            // hostvars[h]: h's inventory variables, facts and set_fact/register results and the
            // extra vars; not the current play's vars.
            for h in inventory.hosts where !h.implicit || hosts[h.name] != nil {
                var v = inventoryVars(h.name)
                if let s = hosts[h.name] { v.merge(Self.injectableFacts(s.cachedFacts)) }
                v.merge(hostMagicVars(h.name))
                if let s = hosts[h.name] { v.merge(s.includedVars); v.merge(s.facts) }
                v.merge(options.extraVars)
                all[.string(h.name)] = .dict(v)
            }
            return .dict(all)
        default:
            return nil
        }
    }

    /// `vars_files` for a host: each entry a file (templated with the host's variables), or a
    /// list whose first existing file is used. Read once per host and play.
    func varsFiles(for host: String) -> PyDict {
        if let cached = varsFilesCache[host] { return cached }
        var out = PyDict()
        for (_, d) in varsFilesDefinitions(host) { if out.isEmpty { out = d } else { out.merge(d) } }
        varsFilesCache[host] = out
        return out
    }

    static let undecryptableVarsFile = "Invalid vars_files file "
    /// A `vars_files` file's value, parsed on first use in the play.
    func parsedVarsFile(_ path: String) throws(Diagnostic) -> Value {
        if let value = parsedVarsFiles[path] { return value }
        let value = try YAMLLoader.loadFile(path).value
        parsedVarsFiles[path] = value
        return value
    }

    /// Checks the `vars_files` entries of every host before the play runs. As ansible-core 2.21,
    /// an entry no file answers to is skipped, one naming an undefined variable skipped with a
    /// warning; a directory, a file that is not a mapping or cannot be decrypted stops the run.
    func checkVarsFiles() -> Diagnostic? {
        guard let files = play.keywords["vars_files"] else { return nil }
        var warned = false
        for host in playHosts {
            let scope = VariableScope(layers: [inventoryVars(host), hostMagicVars(host), playVars, promptVars, options.extraVars,
                                           magicVars(host, role: nil)], lazy: { _ in nil })
            for entry in files.listValue ?? [files] {
                let candidates = entry.listValue ?? [entry]
                let names = candidates.compactMap { try? engine.template($0, vars: scope, origin: play.location).pythonString }
                if names.count < candidates.count && !warned {
                    callback.warning(.warning("skipping vars_files item due to an undefined variable", at: play.location))
                    warned = true
                }
                for name in names {
                    let path = name.hasPrefix("/") ? name : (play.directory as NSString).appendingPathComponent(name)
                    var isDirectory: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
                    if isDirectory.boolValue {
                        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
                        return Diagnostic.error("An error occurred while trying to read the file '\(absolute)': [Errno 21] Is a directory: '\(absolute)'",
                                                at: play.location, hint: "vars_files names files; use include_vars with dir: for a folder.",
                                                kind: .parse)
                    }
                    do {
                        let value = try parsedVarsFile(path)
                        if !value.isNone && value.dictValue == nil {
                            return Diagnostic.error("Invalid variable file contents: a \(value.pythonTypeName) where a mapping of variables belongs",
                                                    at: SourceLocation(file: path, line: 1, column: 1),
                                                    hint: "A vars file is a YAML mapping of variable names to values.", kind: .parse)
                        }
                    } catch {
                        guard YAMLLoader.isVaulted(path: path) else { return error }
                        var d = error
                        let absolute = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
                        d.message = "\(Self.undecryptableVarsFile)'\((absolute as NSString).standardizingPath)': \(error.message)"
                        return d
                    }
                    break
                }
            }
        }
        return nil
    }
}

/// Include params (an `include_*` task's `vars:`) travel down to the included tasks inside the
/// inherited block variables under this key, and are layered above `set_fact` as in ansible.
enum IncludeParams {
    static let key: Value = "__runner_include_params__"
}

/// What the last magic variables were built for (play, task's role, hosts still in play).
struct MagicVarsCache {
    var play: SourceLocation
    var role: String?
    var roleName: String?
    var active: [String]
    var vars: PyDict
}
