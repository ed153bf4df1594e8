import Connection
import Core
import Foundation

/// `apt`: Debian packages with `dpkg-query`, `apt-cache` and `apt-get` on the target (no
/// python-apt). The flow and wording follow ansible-core's module: the cache is refreshed when
/// its stamp (`/var/lib/apt/periodic/update-success-stamp`, else `/var/lib/apt/lists`) is older
/// than `cache_valid_time`; a name is installed when it is not yet (or, for `latest`, when a
/// newer candidate exists, or when its `name=version` does not match); `apt-get` runs with the
/// same command line Ansible builds, `--simulate` in check mode, and its output is the result.
/// `APT_CONFIG` and other `environment:` values reach every apt command.
struct AptModule: Module {
    static let options: Set<String> = [
        "allow_change_held_packages", "allow_downgrade", "allow_unauthenticated", "auto_install_module_deps", "autoclean",
        "autoremove", "cache_valid_time", "clean", "deb", "default_release", "dpkg_options", "fail_on_autoremove", "force",
        "force_apt_get", "install_recommends", "lock_timeout", "only_upgrade", "package", "policy_rc_d", "purge", "state",
        "update_cache", "update_cache_retries", "update_cache_retry_max_delay", "upgrade",
    ]
    static let aliases: Set<String> = ["allow-downgrade", "allow-downgrades", "allow-unauthenticated", "allow_downgrades",
                                       "default-release", "install-recommends", "name", "pkg", "update-cache"]
    static let defaultDpkgOptions = "force-confdef,force-confold"
    static let listsPath = "/var/lib/apt/lists"
    static let stampPath = "/var/lib/apt/periodic/update-success-stamp"

    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(Self.options, module: "apt", aliases: Self.aliases) { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in try apt(context) }
    }

    /// The arguments as Ansible's argument spec reads them.
    struct Arguments {
        var state = "present"
        var packages: [String]? = nil
        var deb: String?
        var upgrade: String?
        var updateCache = false
        var cacheValidTime = 0
        var updateCacheRetries = 5
        var updateCacheRetryMaxDelay = 12
        var purge = false
        var force = false
        var autoremove = false
        var autoclean = false
        var failOnAutoremove = false
        var onlyUpgrade = false
        var clean = false
        var forceAptGet = false
        var installRecommends: Bool?
        var allowDowngrade = false
        var allowUnauthenticated = false
        var allowChangeHeld = false
        var defaultRelease: String?
        var dpkgOptions = AptModule.defaultDpkgOptions
        var lockTimeout = 60
        var policyRcD: Int?
    }

    static func arguments(_ context: ModuleContext) throws(ModuleFailure) -> Arguments {
        let given = Set(context.args.keys.map(\.pythonString))
        let exclusive = [["deb"], ["package", "pkg", "name"], ["upgrade"]].filter { !given.isDisjoint(with: $0) }
        if exclusive.count > 1 { throw ModuleFailure(.failed("parameters are mutually exclusive: deb|package|upgrade")) }
        var a = Arguments()
        a.state = try context.choice("state", ["absent", "build-dep", "fixed", "latest", "present"], default: "present") ?? "present"
        let upgrade = try context.choice("upgrade", ["dist", "full", "no", "safe", "yes"], default: "no")
        a.upgrade = upgrade == "no" ? nil : upgrade
        for key in ["package", "pkg", "name"] {
            if let v = context.args[key], !v.isNone { a.packages = SetupModule.list(v); break }
        }
        a.deb = context.string("deb").map { ($0 as NSString).expandingTildeInPath }
        a.updateCache = context.bool("update_cache", default: context.bool("update-cache", default: false))
        a.cacheValidTime = try context.int("cache_valid_time") ?? 0
        a.updateCacheRetries = try context.int("update_cache_retries") ?? 5
        a.updateCacheRetryMaxDelay = try context.int("update_cache_retry_max_delay") ?? 12
        a.purge = context.bool("purge", default: false)
        a.force = context.bool("force", default: false)
        a.autoremove = context.bool("autoremove", default: false)
        a.autoclean = context.bool("autoclean", default: false)
        a.failOnAutoremove = context.bool("fail_on_autoremove", default: false)
        a.onlyUpgrade = context.bool("only_upgrade", default: false)
        a.clean = context.bool("clean", default: false)
        a.forceAptGet = context.bool("force_apt_get", default: false)
        for key in ["install_recommends", "install-recommends"] {
            if let v = context.args[key], !v.isNone { a.installRecommends = ModuleContext.boolean(v) }
        }
        a.allowDowngrade = ["allow_downgrade", "allow-downgrade", "allow_downgrades", "allow-downgrades"].contains { context.bool($0, default: false) }
        a.allowUnauthenticated = context.bool("allow_unauthenticated", default: context.bool("allow-unauthenticated", default: false))
        a.allowChangeHeld = context.bool("allow_change_held_packages", default: false)
        a.defaultRelease = context.string(anyOf: ["default_release", "default-release"])
        a.dpkgOptions = context.string("dpkg_options") ?? defaultDpkgOptions
        a.lockTimeout = try context.int("lock_timeout") ?? 60
        a.policyRcD = try context.int("policy_rc_d")
        return a
    }

    func apt(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        var a = try Self.arguments(context)
        let target = AptTarget(context: context, arguments: a)
        try target.probeTools()
        var cleaned: CommandOutcome?
        if a.clean {
            cleaned = try target.clean()
            if (a.packages ?? []).isEmpty && a.upgrade == nil && a.deb == nil {
                var v = PyDict([("msg", .string(cleaned?.stdout ?? ""))])
                v.addAptOutput(cleaned ?? CommandOutcome(rc: 0, stdout: "", stderr: ""))
                v["diff"] = context.diffMode ? AptTarget.parseDiff(cleaned?.stdout ?? "") : .dict(PyDict())
                return .ok(v, changed: true)
            }
        }

        var (cacheUpdated, cacheTime) = (false, try target.cacheTime())
        if a.updateCache || a.cacheValidTime > 0 {
            if cacheTime + a.cacheValidTime < target.now {
                if !context.checkMode { try target.updateCache() }
                let after = try target.cacheTime()
                cacheUpdated = context.checkMode || after != cacheTime
                cacheTime = after
            }
            if (a.packages ?? []).isEmpty && a.deb == nil {
                return .ok(PyDict([("cache_updated", .bool(cacheUpdated)), ("cache_update_time", .int(cacheTime))]), changed: cacheUpdated)
            }
        }
        if let mode = a.upgrade { return try target.upgrade(mode) }
        if let deb = a.deb {
            if a.state != "present" { return .failed("deb only supports state=present") }
            guard deb.contains("://") else { return try AptDebInstall(target: target).install(deb) }
            let file = try Self.download(deb, context)
            defer { _ = try? context.remote("rm -rf \(ShellQuote.quote((file as NSString).deletingLastPathComponent))") }
            return try AptDebInstall(target: target).install(file)
        }
        let given = a.packages ?? []
        if given.contains("*") && a.state == "latest" {
            if given.contains(where: { $0 != "*" }) {
                return .failed("unable to install additional packages when upgrading all installed packages")
            }
            return try target.upgrade("yes")
        }
        a.packages = given.filter { $0 != "*" }.map { $0.trimmingCharacters(in: .whitespaces) }
        for p in a.packages ?? [] where p.filter({ $0 == "=" }).count > 1 {
            return .failed("invalid package spec: \(p)")
        }
        let packages = try target.expandPatterns(a.packages ?? [])
        if packages.isEmpty && a.autoclean { return try target.cleanup("autoclean") }
        if packages.isEmpty && a.autoremove { return try target.cleanup("autoremove") }
        switch a.state {
        case "absent":
            return try target.remove(packages)
        default:
            var result = try target.install(packages, upgrade: a.state == "latest", buildDep: a.state == "build-dep", fixed: a.state == "fixed")
            result.values["cache_updated"] = .bool(cacheUpdated)
            result.values["cache_update_time"] = .int(cacheTime)
            return result
        }
    }
}

extension AptModule {
    /// A `deb:` URL fetched on the target (curl or wget, as `get_url` does) into a private
    /// temporary directory under the file's own name; Ansible's `fetch_file` messages.
    static func download(_ url: String, _ context: ModuleContext) throws(ModuleFailure) -> String {
        var request = RemoteHTTP(url: url)
        request.timeout = 10
        let response = try request.perform(context)
        let masked = maskedURL(url)
        if let error = response.error {
            _ = try? context.remote("rm -f \(ShellQuote.quote(response.bodyPath))")
            throw ModuleFailure(.failed("Failure downloading \(masked), Request failed: \(error)"))
        }
        guard response.status < 400 else {
            _ = try? context.remote("rm -f \(ShellQuote.quote(response.bodyPath))")
            throw ModuleFailure(.failed("Failure downloading \(masked), \(response.message)"))
        }
        let path = URL(string: url)?.path ?? ""
        let base = (path as NSString).lastPathComponent.isEmpty ? "download.deb" : (path as NSString).lastPathComponent
        let moved = try context.remote("""
            rt_d=$(mktemp -d) && mv \(ShellQuote.quote(response.bodyPath)) "$rt_d"/\(ShellQuote.quote(base)) && printf '%s\\n' "$rt_d"/\(ShellQuote.quote(base))
            """)
        guard moved.rc == 0 else { throw ModuleFailure(.failed("Failure downloading \(masked), \(moved.stderr)")) }
        return moved.stdout.trimmingCharacters(in: .newlines)
    }

    /// Ansible's `mask_url`: a password in the URL shown as ********.
    static func maskedURL(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "********"
        return parts.string ?? url
    }
}

/// One package name as Ansible splits `name`, `name=version` and `name>=version`.
struct AptPackageSpec {
    var name: String
    var comparison: String?
    var version: String?

    init(_ spec: String) {
        if let eq = spec.firstIndex(of: "=") {
            let start = eq > spec.startIndex && spec[spec.index(before: eq)] == ">" ? spec.index(before: eq) : eq
            name = String(spec[..<start])
            comparison = String(spec[start...eq])
            version = String(spec[spec.index(after: eq)...])
        } else {
            name = spec
        }
    }
}
