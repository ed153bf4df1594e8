import Connection
import Core
import Foundation

/// `apt: deb=`: `.deb` files already on the target (comma-separated), installed with
/// `dpkg -i` unless the same version is installed, after their missing dependencies through
/// apt-get, as Ansible's `install_deb` does. An older file than the installed version fails
/// ("A later version is already installed") unless `allow_downgrade` or `force`.
struct AptDebInstall {
    let target: AptTarget

    /// `dpkg --field FILE FIELD`, failing as Ansible's `get_field_of_deb` does.
    func field(_ deb: String, _ name: String, dpkg: String) throws(ModuleFailure) -> String {
        let out = try target.run([dpkg, "--field", deb, name])
        if out.rc != 0 {
            var v = PyDict()
            v.addAptOutput(out)
            throw ModuleFailure(.failed("\(dpkg) --field \(deb) \(name) failed", v))
        }
        return out.stdout.trimmingCharacters(in: CharacterSet(charactersIn: "\n"))
    }

    func install(_ debs: String) throws(ModuleFailure) -> TaskResult {
        let a = target.arguments
        let found = (try? target.sh("command -v dpkg"))?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let dpkg = found.isEmpty ? "dpkg" : found
        var toInstall: [String] = []
        var missing: [String] = []
        for deb in debs.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            let exists = try target.sh("[ -f \(ShellQuote.quote(deb)) ] && [ -r \(ShellQuote.quote(deb)) ]").rc == 0
            if !exists { return .failed("Unable to install package: could not open \(deb)") }
            let name = try field(deb, "Package", dpkg: dpkg)
            let version = try field(deb, "Version", dpkg: dpkg)
            let key = target.multiarch ? "\(name):\(try field(deb, "Architecture", dpkg: dpkg))" : name
            let installed = try target.status([key])[key]?.installedVersion
            if let installed, DebianVersion.compare(version, installed) == 0 { continue }
            if let installed, DebianVersion.compare(version, installed) < 0, !a.force, !a.allowDowngrade {
                return .failed("A later version is already installed")
            }
            missing += try missingDependencies(deb, dpkg: dpkg)
            if a.installRecommends == true {
                missing += try missingDependencies(deb, dpkg: dpkg, field: "Recommends", optional: true)
            }
            toInstall.append(deb)
        }
        var changed = false
        var stdout = "", stderr = ""
        var diff: Value? = nil
        if !missing.isEmpty {
            let result = try target.install(missing, upgrade: false)
            if result.isFailed { return result }
            try target.mark(missing.map { AptPackageSpec($0).name }, manual: false)
            changed = result.isChanged
            stdout = result.values["stdout"]?.pythonString ?? ""
            stderr = result.values["stderr"]?.pythonString ?? ""
            diff = result.values["diff"]
        }
        guard !toInstall.isEmpty else {
            var v = PyDict()
            v["changed"] = .bool(changed)
            v.addAptOutput(CommandOutcome(rc: 0, stdout: stdout, stderr: stderr))
            v["diff"] = diff ?? ""
            return TaskResult(v)
        }
        var options = a.dpkgOptions.split(separator: ",", omittingEmptySubsequences: false).map { "--\($0)" }
        if target.context.checkMode { options.append("--simulate") }
        if a.force { options.append("--force-all") }
        let out = try target.run(["dpkg"] + options + ["-i"] + toInstall, policy: true)
        var prepared = AptTarget.parseDiff(out.stdout)
        if case .dict(let d)? = diff, case .string(let p)? = d["prepared"] {
            prepared = .dict(PyDict([("prepared", .string(p + "\n\n" + out.stdout))]))
        }
        var v = PyDict()
        v.addAptOutput(CommandOutcome(rc: out.rc, stdout: stdout + out.stdout, stderr: stderr + out.stderr))
        if out.rc != 0 {
            return .failed("dpkg \(options.joined(separator: " ")) -i \(toInstall.joined(separator: " ")) failed", v)
        }
        v["changed"] = true
        v["diff"] = prepared
        return TaskResult(v)
    }

    /// The dependencies of a `.deb` no installed package satisfies: of each group of
    /// alternatives, the first apt can install. Version constraints are not weighed.
    func missingDependencies(_ deb: String, dpkg: String, field name: String = "Depends", optional: Bool = false) throws(ModuleFailure) -> [String] {
        let groups = try field(deb, name, dpkg: dpkg).split(separator: ",").map {
            $0.split(separator: "|").map { alt in
                String(alt.trimmingCharacters(in: .whitespaces).prefix { $0 != " " && $0 != "(" })
            }.filter { !$0.isEmpty }
        }.filter { !$0.isEmpty }
        guard !groups.isEmpty else { return [] }
        let statuses = try target.status(groups.flatMap { $0 })
        var missing: [String] = []
        for group in groups where !group.contains(where: { statuses[$0]?.isInstalled == true }) {
            if let pick = group.first(where: { statuses[$0]?.candidate != nil }) {
                missing.append(pick)
            } else if !optional {
                throw ModuleFailure(.failed("Dependency is not satisfiable: \(group.joined(separator: " | "))\n"))
            }
        }
        return missing
    }
}
