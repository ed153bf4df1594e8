import Connection
import Core
import Foundation

/// The git commands of a `git` task, each one round trip to the target, run as ansible runs
/// them: C locale, `GIT_SSH_COMMAND` carrying the ssh options, the task's `umask`, and the
/// command's directory entered only when it exists.
extension GitTask {
    /// sh setting the environment every git command runs in.
    var environmentScript: String {
        var s = "export LANG=C LC_ALL=C LC_MESSAGES=C LC_CTYPE=C LANGUAGE=C\n"
        s += "GIT_SSH_COMMAND=\"${GIT_SSH:-${GIT_SSH_COMMAND:-ssh}}\"\(ShellQuote.quote(sshCommandOptions)); export GIT_SSH_COMMAND\n"
        if let umask { s += "umask \(String(umask, radix: 8))\n" }
        return s
    }

    func gitCommand(_ args: [String]) -> String {
        ([gitPath] + args).map(ShellQuote.quote).joined(separator: " ")
    }

    /// Runs git in `cwd` (`dest` by default); with `check`, a non-zero exit fails the task with
    /// git's stderr, as ansible's `run_command(check_rc=True)` does.
    @discardableResult
    func git(_ args: [String], cwd: String? = nil, check: Bool = false) throws(ModuleFailure) -> CommandOutcome {
        var script = environmentScript
        if let dir = cwd ?? dest { script += "if [ -d \(ShellQuote.quote(dir)) ]; then cd \(ShellQuote.quote(dir)) || exit 1; fi\n" }
        script += "exec " + gitCommand(args) + " < /dev/null"
        let out = try context.remote(script)
        if check && out.rc != 0 {
            throw failure(out.stderr.trimmingCharacters(in: .whitespacesAndNewlines), out, command: args)
        }
        return out
    }

    /// A failed result carrying a command's output, as ansible's `fail_json(..., stdout=,
    /// stderr=, rc=)` does; `command` adds the shell-quoted command line.
    func failure(_ msg: String, _ out: CommandOutcome, command: [String]? = nil) -> ModuleFailure {
        var v = PyDict()
        if let command { v["cmd"] = .string(([gitPath] + command).map(ShellQuote.quote).joined(separator: " ")) }
        v["rc"] = .int(Int(out.rc))
        v["stdout"] = .string(out.stdout)
        v["stdout_lines"] = .list(CommandModule.splitLines(out.stdout).map { .string($0) })
        v["stderr"] = .string(out.stderr)
        v["stderr_lines"] = .list(CommandModule.splitLines(out.stderr).map { .string($0) })
        return ModuleFailure(.failed(msg, v))
    }

    /// Finds git on the target (`executable`, else PATH), as ansible's `get_bin_path`.
    mutating func locateGit() throws(ModuleFailure) {
        if context.string("executable") != nil { return }
        let out = try context.remote("command -v git")
        let path = out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard out.rc == 0, !path.isEmpty else {
            throw ModuleFailure(.failed("Failed to find required executable \"git\" in paths: \(out.stderr)"))
        }
        gitPath = path
    }

    /// sh setting `$p` to the repository directory: `dest/.git` (`dest` when bare), or where a
    /// `.git` file's `gitdir:` points.
    var repoPathScript: String {
        let d = ShellQuote.quote(dest ?? ".")
        return """
        p=\(bare ? d : d + "/.git")
        if [ -f "$p" ]; then g=$(sed -n 's/^gitdir: //p' "$p" | head -n 1); case $g in /*) p=$g ;; *) p=\(d)/$g ;; esac; fi
        """
    }

    func hasGitConfig() throws(ModuleFailure) -> Bool {
        guard dest != nil else { return false }
        return try context.remote(repoPathScript + "\n[ -f \"$p/config\" ]").rc == 0
    }

    /// A path under `dest` exists (`dest` itself for "").
    func exists(_ relative: String) throws(ModuleFailure) -> Bool {
        guard let dest else { return false }
        let path = relative.isEmpty ? dest : (dest as NSString).appendingPathComponent(relative)
        return try context.remote("[ -e \(ShellQuote.quote(path)) ]").rc == 0
    }

    func revParse() throws(ModuleFailure) -> String {
        var out = try git(["rev-parse", "HEAD"]).stdout
        while out.hasSuffix("\n") { out.removeLast() }
        return out
    }

    /// Changes to tracked files (untracked ones do not count); never for a bare repository.
    func hasLocalMods() throws(ModuleFailure) -> Bool {
        if bare { return false }
        let out = try git(["status", "--porcelain"])
        return CommandModule.splitLines(out.stdout).contains { !$0.hasPrefix("??") }
    }

    func remoteURL() throws(ModuleFailure) -> String? {
        let out = try git(["ls-remote", "--get-url", remote])
        guard out.rc == 0 else { return nil }
        var url = out.stdout
        while url.hasSuffix("\n") { url.removeLast() }
        return url
    }

    /// Points `remote` at `repo`; true when it pointed elsewhere before.
    func setRemoteURL() throws(ModuleFailure) -> Bool {
        let url = try remoteURL()
        if url == repo || Self.unfrack(url) == Self.unfrack(repo) { return false }
        let out = try git(["remote", "set-url", remote, repo])
        if out.rc != 0 {
            throw ModuleFailure(.failed("Failed to set a new url \(repo) for \(remote): \(out.stdout) \(out.stderr)"))
        }
        return url != nil
    }

    /// Ansible's `unfrackgitpath`: a URL compared as a normalised path (so `file:///x` and `/x`
    /// stay different, as they do there).
    static func unfrack(_ path: String?) -> String? {
        guard let path else { return nil }
        return ((path.hasPrefix("/") ? path : "/" + path) as NSString).standardizingPath
    }

    func isRemoteBranch(_ remote: String, _ version: String) throws(ModuleFailure) -> Bool {
        try git(["ls-remote", remote, "-h", "refs/heads/\(version)"], check: true).stdout.contains(version)
    }

    func isRemoteTag(_ remote: String, _ version: String) throws(ModuleFailure) -> Bool {
        try git(["ls-remote", remote, "-t", "refs/tags/\(version)"], check: true).stdout.contains(version)
    }

    func branches() throws(ModuleFailure) -> [String] {
        let out = try git(["branch", "--no-color", "-a"])
        if out.rc != 0 {
            throw ModuleFailure(.failed("Could not determine branch data - received \(out.stdout)",
                                        PyDict([("stdout", .string(out.stdout)), ("stderr", .string(out.stderr))])))
        }
        return out.stdout.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func isLocalBranch(_ branch: String) throws(ModuleFailure) -> Bool {
        let all = try branches()
        return all.contains(branch) || all.contains("* \(branch)")
    }

    /// The branch HEAD is on, read from the HEAD file (the remote's HEAD when detached), as
    /// ansible's `get_head_branch` reads it; nil when there is no such file.
    func headBranch() throws(ModuleFailure) -> String? {
        let detached = try branches().contains {
            $0.hasPrefix("* ") && ($0.contains("no branch") || $0.contains("detached from") || $0.contains("detached at"))
        }
        let file = detached ? "\"$p\"/refs/remotes/\(ShellQuote.quote(remote))/HEAD" : "\"$p\"/HEAD"
        let out = try context.remote(repoPathScript + "\nif [ -f \(file) ]; then head -n 1 \(file); echo; else exit 3; fi")
        guard out.rc == 0 else { return nil }
        var raw = out.stdout.components(separatedBy: "\n").first ?? ""
        if let range = raw.range(of: "refs/remotes/\(remote)") { raw.replaceSubrange(range, with: "") }
        guard !raw.isEmpty else { return nil }
        let last = raw.components(separatedBy: " ").last ?? raw
        let parts = last.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        return parts.last.map(String.init)
    }
}
