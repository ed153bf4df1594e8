import Core

/// `package`: the host's package manager module, as Ansible's package action picks it: `use`,
/// else `ansible_package_use`, else the `pkg_mgr` fact (gathered on the spot, `!all` subset,
/// when facts were not). The chosen module gets the task's arguments without `use`.
struct PackageModule: Module {
    func run(_ context: ModuleContext) -> TaskResult {
        var use = context.string("use") ?? "auto"
        if use == "auto" {
            if let configured = context.vars.value(named: "ansible_package_use"), !configured.isNone, !configured.pythonString.isEmpty {
                use = configured.pythonString
            } else if let known = context.vars.value(named: "ansible_facts")?.dictValue?["pkg_mgr"], !known.isNone {
                use = known.pythonString
            } else {
                var probe = context
                probe.args = PyDict([("filter", "ansible_pkg_mgr"), ("gather_subset", "!all")])
                let facts = SetupModule().run(probe)
                if facts.isFailed {
                    return .failed("Failed to fetch ansible_pkg_mgr to determine the package action backend: \(facts.values["msg"]?.pythonString ?? "")", facts.values)
                }
                guard let found = facts.values["ansible_facts"]?.dictValue?["ansible_pkg_mgr"] else {
                    return .failed("Could not detect a package manager. Try using the \"use\" option.")
                }
                use = found.pythonString
            }
        }
        guard use != "auto" else {
            return .failed("Could not detect which package manager to use. Try gathering facts or setting the \"use\" option.")
        }
        let name = ModuleRegistry.shortName(use)
        guard ["apt"].contains(name), let module = ModuleRegistry.module(named: name) else {
            return .failed("Could not find a matching action for the \"\(use)\" package manager.")
        }
        var inner = context
        inner.args["use"] = nil
        return module.run(inner)
    }
}
