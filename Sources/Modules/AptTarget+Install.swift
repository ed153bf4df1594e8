import Connection
import Core
import Foundation

extension AptTarget {
    /// What Ansible's `package_status` answers for one name: whether it is installed, whether
    /// the installed version is the one asked for, and the version apt would install (`""`
    /// when apt should pick, for a virtual package).
    struct PackageState {
        var installed = false
        var versionInstalled = false
        var installable: String?
        var hasFiles = false
    }

    func packageState(_ spec: AptPackageSpec, _ s: Status?, installing: Bool) throws(ModuleFailure) -> PackageState {
        guard let s, !s.versions.isEmpty || s.installedVersion != nil else {
            guard installing else { return PackageState() }
            if s?.known == true { return PackageState(installable: "") }
            throw ModuleFailure(.failed("No package matching '\(spec.name)' is available"))
        }
        var state = PackageState(installed: s.isInstalled, hasFiles: s.hasFiles)
        let best = bestMatch(spec, s)
        if s.isInstalled, let installed = s.installedVersion {
            switch spec.comparison {
            case "=": state.versionInstalled = fnmatch(spec.version ?? "", installed, 0) == 0
            case ">=": state.versionInstalled = DebianVersion.compare(installed, spec.version ?? "") >= 0
            default: state.versionInstalled = true
            }
            if let best, best != installed { state.installable = best }
        } else {
            state.installable = best
        }
        return state
    }

    /// The candidate apt would take: for `name=pattern` the newest matching version (Ansible
    /// pins it at 1001), for `name>=version` the candidate when it is new enough.
    func bestMatch(_ spec: AptPackageSpec, _ s: Status) -> String? {
        var candidate = s.candidate
        if spec.comparison == "=", let pattern = spec.version {
            let matching = s.versions.filter { fnmatch(pattern, $0, 0) == 0 }
            candidate = matching.max { DebianVersion.compare($0, $1) < 0 } ?? candidate
            guard let c = candidate, fnmatch(pattern, c, 0) == 0 else { return nil }
        }
        if spec.comparison == ">=", let c = candidate, DebianVersion.compare(c, spec.version ?? "") < 0 { return nil }
        return candidate
    }

    /// Ansible's `expand_dpkg_options` plus the lock timeout, as words and as Ansible prints them.
    var dpkgOptions: (words: [String], text: String) {
        let options = arguments.dpkgOptions.split(separator: ",", omittingEmptySubsequences: false)
        let words = options.flatMap { ["-o", "Dpkg::Options::=--\($0)"] } + ["-o", "DPkg::Lock::Timeout=\(arguments.lockTimeout)"]
        let text = options.map { "-o \"Dpkg::Options::=--\($0)\"" }.joined(separator: " ") + " -o DPkg::Lock::Timeout=\(arguments.lockTimeout)"
        return (words, text)
    }

    /// `apt-get install` (or `build-dep`) of what is missing or, for `latest`, outdated.
    func install(_ specs: [String], upgrade: Bool, buildDep: Bool = false, fixed: Bool = false) throws(ModuleFailure) -> TaskResult {
        let statuses = try status(buildDep ? [] : specs.map { AptPackageSpec($0).name })
        var wanted: [String] = []
        var names: [String] = []
        for raw in specs {
            if buildDep { wanted.append(raw); continue }
            let spec = AptPackageSpec(raw)
            names.append(spec.name)
            let state = try packageState(spec, statuses[spec.name], installing: true)
            if !state.installed && arguments.onlyUpgrade { continue }
            if !state.versionInstalled && state.installable == nil {
                return .failed("no available installation candidate for \(raw)")
            }
            if let installable = state.installable, (!state.installed && !arguments.onlyUpgrade) || upgrade || !state.versionInstalled {
                wanted.append(!installable.isEmpty ? "\(spec.name)=\(installable)" : spec.version.map { "\(spec.name)=\($0)" } ?? spec.name)
            } else if state.versionInstalled, state.installable != nil, spec.comparison == "=" {
                wanted.append("\(spec.name)=\(spec.version ?? "")")
            }
        }
        var values = PyDict([("changed", false)])
        var failed = false
        if !wanted.isEmpty {
            let a = arguments
            let dpkg = dpkgOptions
            // Ansible's "%s -y %s %s %s %s %s %s %s install %s" (build-dep has no --auto-remove).
            var flags: [String] = [a.onlyUpgrade ? "--only-upgrade" : "", fixed ? "--fix-broken" : "", a.force ? "--force-yes" : "",
                                   a.autoremove ? "--auto-remove" : "", a.failOnAutoremove ? "--no-remove" : "",
                                   context.checkMode ? "--simulate" : ""]
            if buildDep { flags.remove(at: 3) }
            let operation = buildDep ? "build-dep" : "install"
            var text = "\(aptGet) -y \(dpkg.1) " + flags.joined(separator: " ") + " \(operation) " + wanted.map { "'\($0)'" }.joined(separator: " ")
            var words = [aptGet, "-y"] + dpkg.0 + flags.filter { !$0.isEmpty } + [operation] + wanted
            var tail: [String] = []
            if let release = a.defaultRelease { text += " -t '\(release)'"; tail += ["-t", release] }
            if let recommends = a.installRecommends {
                text += " -o APT::Install-Recommends=\(recommends ? "yes" : "no")"
                tail += ["-o", "APT::Install-Recommends=\(recommends ? "yes" : "no")"]
            }
            if a.allowUnauthenticated { text += " --allow-unauthenticated"; tail.append("--allow-unauthenticated") }
            if a.allowDowngrade { text += " --allow-downgrades"; tail.append("--allow-downgrades") }
            if a.allowChangeHeld { text += " --allow-change-held-packages"; tail.append("--allow-change-held-packages") }
            words += tail
            let out = try run(words, policy: true)
            if out.rc != 0 {
                failed = true
                values = PyDict([("msg", .string("'\(text)' failed: \(out.stderr)"))])
                values.addAptOutput(out)
                values["rc"] = .int(Int(out.rc))
            } else {
                values["changed"] = .bool(buildDep ? !out.stdout.contains("\n0 upgraded, 0 newly installed, 0 to remove") : true)
                values.addAptOutput(out)
                values["diff"] = context.diffMode ? Self.parseDiff(out.stdout) : .dict(PyDict())
            }
        }
        if !buildDep && !context.checkMode { try mark(names, manual: true) }
        if failed {
            values["failed"] = true
            values["changed"] = false
        }
        return TaskResult(values)
    }

    /// `apt-mark manual|auto`, as Ansible marks what it installed.
    func mark(_ names: [String], manual: Bool) throws(ModuleFailure) {
        guard !names.isEmpty, let aptMark else { return }
        let words = [aptMark, manual ? "manual" : "auto"] + names
        let out = try run(words)
        if out.rc != 0 {
            var v = PyDict()
            v.addAptOutput(out)
            v["rc"] = .int(Int(out.rc))
            throw ModuleFailure(.failed("Command \(Self.pythonQuoted(words.map(Self.shlexQuote).joined(separator: " "))) failed.", v))
        }
    }

    /// `apt-get remove` of what is installed (or, with `purge`, still has files).
    func remove(_ specs: [String]) throws(ModuleFailure) -> TaskResult {
        let statuses = try status(specs.map { AptPackageSpec($0).name })
        var wanted: [String] = []
        for raw in specs {
            let spec = AptPackageSpec(raw)
            let state = try packageState(spec, statuses[spec.name], installing: false)
            if state.versionInstalled || (state.hasFiles && arguments.purge) { wanted.append(raw) }
        }
        guard !wanted.isEmpty else { return .ok() }
        let a = arguments
        let flags = [a.purge ? "--purge" : "", a.force ? "--force-yes" : "", a.autoremove ? "--auto-remove" : "",
                     context.checkMode ? "--simulate" : "", a.allowChangeHeld ? "--allow-change-held-packages" : ""]
        let listed = wanted.map { "'\($0)'" }.joined(separator: " ")
        let out = try run([aptGet, "-q", "-y"] + dpkgOptions.words + flags.filter { !$0.isEmpty } + ["remove"] + wanted, policy: true)
        var values = PyDict()
        if out.rc != 0 {
            values.addAptOutput(out)
            values["rc"] = .int(Int(out.rc))
            return .failed("'apt-get remove \(listed)' failed: \(out.stderr)", values)
        }
        values["changed"] = true
        values.addAptOutput(out)
        values["diff"] = context.diffMode ? Self.parseDiff(out.stdout) : .dict(PyDict())
        return TaskResult(values)
    }

    /// `apt-get autoremove` or `autoclean` with no names: changed when apt listed packages to
    /// remove (or archives it deleted).
    func cleanup(_ operation: String) throws(ModuleFailure) -> TaskResult {
        let a = arguments
        let flags = [a.purge ? "--purge" : "", a.force ? "--force-yes" : "", operation, context.checkMode ? "--simulate" : ""]
        let out = try run([aptGet, "-y"] + dpkgOptions.words + flags.filter { !$0.isEmpty }, policy: true)
        var values = PyDict()
        values.addAptOutput(out)
        values["diff"] = context.diffMode ? Self.parseDiff(out.stdout) : .dict(PyDict())
        if out.rc != 0 {
            values["rc"] = .int(Int(out.rc))
            return .failed("'apt-get \(operation)' failed: \(out.stderr)", values)
        }
        values["changed"] = .bool(out.stdout.contains(operation == "autoremove" ? "The following packages will be REMOVED" : "Del "))
        return TaskResult(values)
    }

    /// `apt-get clean` (`clean: true`), before anything else, as Ansible runs it.
    func clean() throws(ModuleFailure) -> CommandOutcome {
        let out = try run(["apt-get", "clean"])
        if out.rc != 0 || !out.stderr.isEmpty {
            var v = PyDict()
            v["stdout"] = .string(out.stdout)
            v["stdout_lines"] = .list(CommandModule.splitLines(out.stdout).map(Value.string))
            v["rc"] = .int(Int(out.rc))
            throw ModuleFailure(.failed(out.rc != 0 ? "apt-get clean failed" : "apt-get clean failed: \(out.stderr)", v))
        }
        return out
    }

    /// `upgrade: dist|full|safe|yes` with apt-get (`dist-upgrade`, or `upgrade --with-new-pkgs`);
    /// aptitude's modes, which Ansible prefers when aptitude is installed and `force_apt_get`
    /// is off, are not run by runner.
    func upgrade(_ mode: String) throws(ModuleFailure) -> TaskResult {
        let a = arguments
        let useAptGet = a.forceAptGet || aptitude == nil
        guard mode == "dist" || useAptGet else {
            return .failed("runner's apt module does not run aptitude (upgrade: \(mode)) yet: set force_apt_get: true to upgrade with apt-get")
        }
        let autoremove = a.autoremove ? "--auto-remove" : ""
        let command = mode == "dist" || mode == "full" ? ["dist-upgrade", autoremove] : ["upgrade", "--with-new-pkgs", autoremove]
        let upgradeText = command.joined(separator: " ")
        let flags = [a.force ? "--force-yes" : "", a.failOnAutoremove ? "--no-remove" : "", a.allowUnauthenticated ? "--allow-unauthenticated" : "",
                     a.allowDowngrade ? "--allow-downgrades" : "", context.checkMode ? "--simulate" : ""]
        var words = [aptGet, "-y"] + dpkgOptions.words + flags.filter { !$0.isEmpty } + command.filter { !$0.isEmpty }
        if let release = a.defaultRelease { words += ["-t", release] }
        let out = try run(words, policy: true)
        if out.rc != 0 {
            var v = PyDict()
            v["stdout"] = .string(out.stdout)
            v["stdout_lines"] = .list(CommandModule.splitLines(out.stdout).map(Value.string))
            v["rc"] = .int(Int(out.rc))
            return .failed("'\(aptGet) \(upgradeText)' failed: \(out.stderr)", v)
        }
        var v = PyDict([("msg", .string(out.stdout))])
        v.addAptOutput(out)
        if out.stdout.contains("\n0 upgraded, 0 newly installed, 0 to remove") { return .ok(v) }
        v["diff"] = context.diffMode ? Self.parseDiff(out.stdout) : .dict(PyDict())
        return .ok(v, changed: true)
    }

    /// Ansible's `parse_diff`: apt-get's output from after "Reading state information..." to
    /// the "N upgraded" line.
    static func parseDiff(_ output: String) -> Value {
        let lines = CommandModule.splitLines(output)
        let start = (lines.firstIndex(of: "Resolving dependencies...") ?? lines.firstIndex(of: "Reading state information...")).map { $0 + 1 } ?? 0
        let endLine = lines.firstIndex { $0.range(of: #"^[0-9]+ (packages )?upgraded"#, options: .regularExpression) != nil }
        let end = min((endLine ?? lines.count) + 1, lines.count)
        let prepared = start < end ? lines[start..<end].joined(separator: "\n") : ""
        return .dict(PyDict([("prepared", .string(prepared))]))
    }

    /// Python's `shlex.quote`.
    static func shlexQuote(_ s: String) -> String {
        if s.isEmpty { return "''" }
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_")
        if s.allSatisfy({ safe.contains($0) }) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
    }

    /// Python's `repr` of a string, as `{cmd!r}` prints one.
    static func pythonQuoted(_ s: String) -> String { Value.string(s).pythonRepr }
}

extension PyDict {
    /// `stdout` and `stderr` with their `_lines`, always present, as Ansible's action adds them
    /// to a module result that has `stdout`/`stderr`.
    mutating func addAptOutput(_ outcome: CommandOutcome) {
        self["stdout"] = .string(outcome.stdout)
        self["stdout_lines"] = .list(CommandModule.splitLines(outcome.stdout).map(Value.string))
        self["stderr"] = .string(outcome.stderr)
        self["stderr_lines"] = .list(CommandModule.splitLines(outcome.stderr).map(Value.string))
    }
}
