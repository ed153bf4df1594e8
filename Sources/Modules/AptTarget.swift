import Connection
import Core
import Foundation

/// The apt tools of one target as the `apt` module drives them: every command runs with
/// Ansible's apt environment (noninteractive debconf, the best parsable locale) on top of the
/// task's `environment:`.
final class AptTarget {
    let context: ModuleContext
    let arguments: AptModule.Arguments
    private(set) var aptGet = "apt-get"
    private(set) var aptMark: String?
    private(set) var aptitude: String?
    private(set) var now = 0
    /// More than one architecture: `.deb` files are looked up as `name:arch`, as Ansible does.
    private(set) var multiarch = false

    init(context: ModuleContext, arguments: AptModule.Arguments) {
        self.context = context
        self.arguments = arguments
    }

    /// Ansible's `get_best_parsable_locale` and `APT_ENV_VARS`, as sh.
    static let environment = """
        rt_loc=C; rt_all=$(locale -a 2>/dev/null)
        for rt_l in C.utf8 C.UTF-8 en_US.utf8 en_US.UTF-8 C POSIX; do
          if printf '%s\\n' "$rt_all" | grep -qx "$rt_l"; then rt_loc=$rt_l; break; fi
        done
        export DEBIAN_FRONTEND=noninteractive DEBIAN_PRIORITY=critical LANG="$rt_loc" LC_ALL="$rt_loc" LC_MESSAGES="$rt_loc" LC_CTYPE="$rt_loc" LANGUAGE="$rt_loc"

        """

    func sh(_ script: String) throws(ModuleFailure) -> CommandOutcome {
        try context.remote(Self.environment + script)
    }

    /// Runs words on the target (stdin closed), inside `policy_rc_d`'s temporary
    /// /usr/sbin/policy-rc.d when the task sets one.
    func run(_ words: [String], policy: Bool = false) throws(ModuleFailure) -> CommandOutcome {
        let line = words.map(ShellQuote.quote).joined(separator: " ") + " </dev/null"
        guard policy, let code = arguments.policyRcD else { return try sh(line) }
        return try sh("""
            rt_bk=
            if [ -e /usr/sbin/policy-rc.d ]; then rt_bk=$(mktemp -d) && mv /usr/sbin/policy-rc.d "$rt_bk/" || { echo 'Fail to move /usr/sbin/policy-rc.d to '"$rt_bk" >&2; exit 1; }; fi
            printf '#!/bin/sh\\nexit %d\\n' \(code) > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d
            \(line); rt_rc=$?
            if [ -n "$rt_bk" ]; then mv "$rt_bk/policy-rc.d" /usr/sbin/policy-rc.d; rmdir "$rt_bk"; else rm -f /usr/sbin/policy-rc.d; fi
            exit $rt_rc
            """)
    }

    /// Finds apt-get (Ansible's message when it is missing), apt-mark, the time, the architectures.
    func probeTools() throws(ModuleFailure) {
        let probe = ProbeOutput(try sh("""
            printf 'APTGET|%s\\n' "$(command -v apt-get)"
            printf 'APTMARK|%s\\n' "$(command -v apt-mark)"
            printf 'APTITUDE|%s\\n' "$(command -v aptitude)"
            printf 'NOW|%s\\n' "$(date +%s)"
            printf 'FOREIGN|%s\\n' "$(dpkg --print-foreign-architectures 2>/dev/null | tr '\\n' ' ')"
            """).stdout)
        guard let path = probe["APTGET"], !path.isEmpty else {
            throw ModuleFailure(.failed("Failed to find required executable \"apt-get\" in paths: /usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"))
        }
        aptGet = path
        aptMark = probe["APTMARK"].flatMap { $0.isEmpty ? nil : $0 }
        aptitude = probe["APTITUDE"].flatMap { $0.isEmpty ? nil : $0 }
        now = Int(probe["NOW"] ?? "") ?? Int(Date().timeIntervalSince1970)
        multiarch = !(probe["FOREIGN"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty
    }

    /// Ansible's `cache_update_time`: the mtime of the update stamp, else of the lists directory.
    func cacheTime() throws(ModuleFailure) -> Int {
        let out = try sh("""
            if [ -e \(AptModule.stampPath) ]; then stat -c %Y \(AptModule.stampPath)
            elif [ -e \(AptModule.listsPath) ]; then stat -c %Y \(AptModule.listsPath)
            else echo 0; fi
            """).stdout
        return Int(out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// `apt-get update`, retried with Ansible's backoff (1, 2, 4 ... seconds, at most the max
    /// delay, plus up to a second of jitter).
    func updateCache() throws(ModuleFailure) {
        var last = ""
        for attempt in 0..<max(arguments.updateCacheRetries, 1) {
            let out = try run(["apt-get", "update", "-q"])
            if out.rc == 0 { return }
            last = out.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            if attempt + 1 < arguments.updateCacheRetries {
                let jitter = Double(Int.random(in: 0..<1000)) / 1000
                var delay = pow(2, Double(attempt)) + jitter
                if delay > Double(arguments.updateCacheRetryMaxDelay) { delay = Double(arguments.updateCacheRetryMaxDelay) + jitter }
                Thread.sleep(forTimeInterval: delay)
            }
        }
        throw ModuleFailure(.failed("Failed to update apt cache after \(arguments.updateCacheRetries) retries: \(last.isEmpty ? "unknown reason" : last)"))
    }

    /// Names with `*?[]!` replaced by the known package names they match (native ones unless
    /// the pattern names an architecture), as Ansible's `expand_pkgspec_from_fnmatches`.
    func expandPatterns(_ specs: [String]) throws(ModuleFailure) -> [String] {
        let wild = Set("*?[]!")
        guard specs.contains(where: { !wild.isDisjoint(with: AptPackageSpec($0).name) }) else { return specs }
        let names = try sh("apt-cache pkgnames 2>/dev/null | LC_ALL=C sort").stdout.split(separator: "\n").map(String.init)
        var out: [String] = []
        for spec in specs {
            let pattern = AptPackageSpec(spec).name
            guard !wild.isDisjoint(with: pattern) else { out.append(spec); continue }
            let candidates = pattern.contains(":") ? names : names.filter { !$0.contains(":") }
            let matches = candidates.filter { fnmatch(pattern, $0, 0) == 0 }
            if matches.isEmpty { throw ModuleFailure(.failed("No package(s) matching '\(pattern)' available")) }
            out += matches
        }
        return out
    }

    /// What dpkg and apt know of some packages: dpkg's state and version, and apt's policy.
    struct Status {
        /// dpkg's `db:Status-Status` (`installed`, `config-files`, ...); empty when unknown.
        var dpkgState = ""
        var installedVersion: String?
        /// Whether apt knows the name at all (a real or a virtual package).
        var known = false
        var candidate: String?
        /// Every version in apt's version table.
        var versions: [String] = []

        var isInstalled: Bool { dpkgState == "installed" }
        /// Files on disk (a removed but not purged package keeps its conffiles).
        var hasFiles: Bool { !dpkgState.isEmpty && dpkgState != "not-installed" }
    }

    func status(_ names: [String]) throws(ModuleFailure) -> [String: Status] {
        guard !names.isEmpty else { return [:] }
        let release = arguments.defaultRelease.map { "-o APT::Default-Release=" + ShellQuote.quote($0) + " " } ?? ""
        var script = ""
        for name in Set(names).sorted() {
            let q = ShellQuote.quote(name)
            script += """
                dpkg-query -W -f='${db:Status-Status}\\t${Version}\\n' \(q) 2>/dev/null | head -n 1 | sed 's/^/I\\t'\(q)'\\t/'
                apt-cache \(release)policy \(q) 2>/dev/null | sed 's/^/P\\t'\(q)'\\t/'

                """
        }
        var result: [String: Status] = [:]
        for line in try sh(script).stdout.split(separator: "\n") {
            let f = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard f.count == 3 else { continue }
            var s = result[f[1]] ?? Status()
            if f[0] == "I" {
                let parts = f[2].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                s.dpkgState = parts[0]
                if parts.count > 1, s.isInstalled { s.installedVersion = parts[1] }
            } else {
                s.known = true
                let text = f[2]
                if text.hasPrefix("  Candidate: ") {
                    let c = String(text.dropFirst("  Candidate: ".count))
                    s.candidate = c == "(none)" ? nil : c
                } else if let version = Self.versionTableEntry(text) {
                    s.versions.append(version)
                }
            }
            result[f[1]] = s
        }
        return result
    }

    /// A version line of `apt-cache policy`'s table (` *** 1.1 500` or `     1.0 100`).
    static func versionTableEntry(_ line: String) -> String? {
        guard line.hasPrefix(" *** ") || line.hasPrefix("     "), !line.hasPrefix("      ") else { return nil }
        let words = line.dropFirst(5).split(separator: " ")
        guard words.count == 2, Int(words[1]) != nil else { return nil }
        return String(words[0])
    }
}
