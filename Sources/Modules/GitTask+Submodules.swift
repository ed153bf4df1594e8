import Connection
import Core
import Foundation

/// Submodules of a `git` checkout (`recursive`, on by default), as ansible's
/// `submodules_fetch` and `submodule_update` handle them.
extension GitTask {
    /// Whether the submodules need an update: one not checked out yet, or (after fetching them)
    /// one whose recorded commit, or with `track_submodules` its branch's tip, differs.
    func submodulesFetch() throws(ModuleFailure) -> Bool {
        let modules = try context.remote("cat \(ShellQuote.quote((dest! as NSString).appendingPathComponent(".gitmodules")))")
        guard modules.rc == 0 else { return false }
        for line in CommandModule.splitLines(modules.stdout) where line.trimmingCharacters(in: .whitespaces).hasPrefix("path") {
            let path = line.split(separator: "=", maxSplits: 1).dropFirst().first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if !(try exists(path + "/.git")) { return true }
        }
        let begin = try submoduleVersions()
        try git(["submodule", "foreach", gitPath, "fetch"], check: true)
        if context.bool("track_submodules", default: false) {
            var after: [String: String] = [:]
            for submodule in begin.keys {
                let branch = try submoduleBranch(submodule)
                let ref = branch != "HEAD" ? "\(remote)/\(branch)" : "HEAD"
                let out = try git(["rev-parse", ref], cwd: (dest! as NSString).appendingPathComponent(submodule))
                if out.rc != 0 { throw failure("Unable to determine hash of submodule \(submodule) at \(ref)", out) }
                after[submodule] = out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return begin != after
        }
        let status = try git(["submodule", "status"], check: true)
        return CommandModule.splitLines(status.stdout).contains { !$0.hasPrefix(" ") }
    }

    /// `git submodule sync` and `update --init --recursive` (`--remote` when tracking).
    func submoduleUpdate() throws(ModuleFailure) {
        try git(["submodule", "sync"], check: true)
        var args = ["submodule", "update", "--init", "--recursive"]
        if context.bool("track_submodules", default: false) { args.append("--remote") }
        if force { args.append("--force") }
        let out = try git(args)
        if out.rc != 0 { throw ModuleFailure(.failed("Failed to init/update submodules: \(out.stdout)\(out.stderr)")) }
    }

    /// Each submodule's checked-out sha, from `git submodule foreach git rev-parse HEAD`.
    func submoduleVersions() throws(ModuleFailure) -> [String: String] {
        let out = try git(["submodule", "foreach", gitPath, "rev-parse", "HEAD"])
        if out.rc != 0 { throw failure("Unable to determine hashes of submodules", out) }
        var versions: [String: String] = [:]
        var name: String? = nil
        for line in CommandModule.splitLines(out.stdout) {
            if line.hasPrefix("Entering '") {
                name = String(line.dropFirst(10).dropLast())
            } else if line.trimmingCharacters(in: .whitespaces).count == 40, let current = name {
                versions[current] = line.trimmingCharacters(in: .whitespaces)
                name = nil
            } else {
                throw ModuleFailure(.failed("Unable to parse submodule hash line: \(line.trimmingCharacters(in: .whitespaces))"))
            }
        }
        return versions
    }

    /// The branch `.gitmodules` sets for a submodule, else its origin's HEAD branch, else HEAD.
    func submoduleBranch(_ submodule: String) throws(ModuleFailure) -> String {
        let configured = try git(["config", "-f", ".gitmodules", "submodule.\(submodule).branch"])
        let branch = configured.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if configured.rc == 0 && !branch.isEmpty { return branch }
        let head = try git(["symbolic-ref", "--short", "refs/remotes/origin/HEAD"], cwd: (dest! as NSString).appendingPathComponent(submodule))
        let ref = head.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if head.rc == 0 && !ref.isEmpty { return ref.split(separator: "/", maxSplits: 1).last.map(String.init) ?? ref }
        return "HEAD"
    }
}
