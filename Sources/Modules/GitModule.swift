import Connection
import Core
import Foundation

/// `git`: a repository cloned or updated on the target with the target's own `git`, following
/// ansible-core's module step by step (the same git commands in the same order, so the same
/// outcomes and messages): no checkout yet means `clone` (or, in check mode or with
/// `clone: false`, `ls-remote` for the sha it would get); an existing one is checked for local
/// modifications (fatal without `force`), gets its remote URL set, is fetched and switched to
/// `version` (a branch, a tag or a sha), and its submodules initialised or updated.
/// `before`/`after` are the HEAD shas.
struct GitModule: Module {
    static let options: Set<String> = [
        "accept_hostkey", "accept_newhostkey", "archive", "archive_prefix", "bare", "clone", "depth", "dest", "executable", "force",
        "gpg_allowlist", "key_file", "recursive", "reference", "refspec", "remote", "repo", "separate_git_dir", "single_branch",
        "ssh_opts", "track_submodules", "umask", "update", "verify_commit", "version",
    ]
    static let aliases: Set<String> = ["name"]
    /// Options runner does not carry out; giving them fails rather than silently differing.
    static let unimplemented = ["archive", "archive_prefix", "separate_git_dir", "verify_commit", "gpg_allowlist"]

    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(Self.options, module: "git", aliases: Self.aliases) { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in
            var task = try GitTask(context)
            return try task.run()
        }
    }
}

/// One `git` task: its options, the git commands it runs and the result it builds.
struct GitTask {
    var context: ModuleContext
    /// `repo` as given, and as git is handed it (`file://` before a local path).
    var givenRepo: String
    var repo: String
    var dest: String?
    var version: String
    var remote: String
    var refspec: String?
    var reference: String?
    var depth: Int?
    var force, update, allowClone, bare, singleBranch, recursive: Bool
    var umask: Int?
    var sshCommandOptions: String
    var gitPath = "git"
    var result = PyDict([("changed", false)])

    init(_ context: ModuleContext) throws(ModuleFailure) {
        self.context = context
        givenRepo = try context.required("repo", aliases: ["name"])
        if let name = GitModule.unimplemented.first(where: { context.string($0) != nil && context.args[$0] != .list([]) }) {
            throw ModuleFailure(.failed("git with \(name) is not supported by runner yet"))
        }
        if context.bool("accept_hostkey", default: false) && context.bool("accept_newhostkey", default: false) {
            throw ModuleFailure(.failed("parameters are mutually exclusive: accept_hostkey|accept_newhostkey"))
        }
        repo = givenRepo.hasPrefix("/") ? "file://" + givenRepo : givenRepo
        dest = context.string("dest").map { $0.hasPrefix("/") ? ($0 as NSString).standardizingPath : $0 }
        version = context.string("version") ?? "HEAD"
        remote = context.string("remote") ?? "origin"
        refspec = context.string("refspec")
        reference = context.string("reference")
        if let d = context.string("depth") {
            guard let n = Int(d) else { throw ModuleFailure(.failed("argument 'depth' is of type str and we were unable to convert to int: \"'\(d)'\" cannot be converted to an int")) }
            depth = n
        }
        force = context.bool("force", default: false)
        update = context.bool("update", default: true)
        allowClone = context.bool("clone", default: true)
        bare = context.bool("bare", default: false)
        singleBranch = context.bool("single_branch", default: false)
        recursive = context.bool("recursive", default: true)
        if let raw = context.args["umask"], !raw.isNone {
            guard case .string(let s) = raw else { throw ModuleFailure(.failed("umask must be defined as a quoted octal integer")) }
            guard let n = Int(s, radix: 8) else {
                throw ModuleFailure(.failed("umask must be an octal integer", PyDict([("details", .string("invalid literal for int() with base 8: '\(s)'"))])))
            }
            umask = n
        }
        sshCommandOptions = Self.sshOptions(context)
        if let exe = context.string("executable") { gitPath = exe }
    }

    /// The options ansible adds to git's ssh command: host key policy, batch mode, key file.
    static func sshOptions(_ context: ModuleContext) -> String {
        var opts = context.string("ssh_opts").map { " " + $0 } ?? ""
        if context.bool("accept_hostkey", default: false), !opts.contains("-o StrictHostKeyChecking=no"),
           !opts.contains("-o StrictHostKeyChecking=accept-new") {
            opts += " -o StrictHostKeyChecking=no"
        }
        if context.bool("accept_newhostkey", default: false), !opts.contains("-o StrictHostKeyChecking=no"),
           !opts.contains("-o StrictHostKeyChecking=accept-new") {
            opts += " -o StrictHostKeyChecking=accept-new"
        }
        if !opts.contains("BatchMode=yes") { opts += " -o BatchMode=yes" }
        if let key = context.string("key_file") {
            if !opts.contains("-i \(key)") { opts += "  -i \(key)" }
            if !opts.contains("IdentitiesOnly=yes") { opts += " -o IdentitiesOnly=yes" }
        }
        return opts
    }

    // MARK: The module's flow

    mutating func run() throws(ModuleFailure) -> TaskResult {
        guard dest != nil || !allowClone else { return .failed("the destination directory must be specified unless clone=no") }
        try locateGit()
        result["before"] = Value.none
        var localMods = false
        var remoteURLChanged = false
        if !(try hasGitConfig()) {
            if context.checkMode || !allowClone {
                let head = try remoteHead(remote: repo)
                result["changed"] = true
                result["after"] = .string(head)
                if context.diffMode, let diff = try diff(before: nil, after: head) { result["diff"] = diff }
                return TaskResult(result)
            }
            try clone()
        } else if !update {
            let before = try revParse()
            result["before"] = .string(before)
            result["after"] = .string(before)
            return TaskResult(result)
        } else {
            let dest = dest!
            localMods = try hasLocalMods()
            let before = try revParse()
            result["before"] = .string(before)
            if localMods {
                guard force else { return .failed("Local modifications exist in the destination: \(dest) (force=no).", result) }
                if !context.checkMode {
                    _ = try git(["reset", "--hard", "HEAD"], check: true)
                    result["changed"] = true
                    result["msg"] = .string("Local modifications exist in the destination: \(dest)")
                }
            }
            if context.checkMode {
                let url = try remoteURL()
                remoteURLChanged = url.map { !$0.isEmpty && $0 != repo && Self.unfrack($0) != Self.unfrack(repo) } ?? false
            } else {
                remoteURLChanged = try setRemoteURL()
            }
            result["remote_url_changed"] = .bool(remoteURLChanged)
            if context.checkMode {
                let head = try remoteHead(remote: remote)
                result["changed"] = .bool(before != head || remoteURLChanged)
                result["after"] = .string(head)
                if context.diffMode, let diff = try diff(before: before, after: head) { result["diff"] = diff }
                return TaskResult(result)
            }
            try fetch(version: version)
            result["after"] = .string(try revParse())
        }
        if !bare { try switchVersion() }
        var submodulesUpdated = false
        if recursive && !bare {
            submodulesUpdated = try submodulesFetch()
            if submodulesUpdated {
                result["submodules_changed"] = true
                try submoduleUpdate()
            }
        }
        let after = try revParse()
        result["after"] = .string(after)
        let before = result["before"]?.stringValue
        if before != after || localMods || submodulesUpdated || remoteURLChanged {
            result["changed"] = true
            if context.diffMode, let diff = try diff(before: before, after: after) { result["diff"] = diff }
        }
        return TaskResult(result)
    }

    /// `git clone` into `dest`, as ansible's `clone()` builds it.
    func clone() throws(ModuleFailure) {
        let dest = dest!
        let parent = (dest as NSString).deletingLastPathComponent
        _ = try context.remote("mkdir -p \(ShellQuote.quote(parent)) 2>/dev/null; :")
        var args = ["clone"] + (bare ? ["--bare"] : ["--origin", remote])
        var branchOrTag = try isRemoteBranch(repo, version)
        if !branchOrTag { branchOrTag = try isRemoteTag(repo, version) }
        if let depth, depth != 0 {
            if version == "HEAD" || refspec != nil {
                args += ["--depth", String(depth)]
            } else if branchOrTag {
                args += ["--depth", String(depth), "--branch", version]
            }
        }
        if let reference { args += ["--reference", reference] }
        if singleBranch {
            args.append("--single-branch")
            if branchOrTag { args += ["--branch", version] }
        }
        _ = try git(args + [repo, dest], cwd: parent, check: true)
        if bare && remote != "origin" { _ = try git(["remote", "add", remote, repo], check: true) }
        if let refspec {
            _ = try git(["fetch"] + (depth.map { ["--depth", String($0)] } ?? []) + [remote, refspec], check: true)
        }
    }

    /// `git fetch` of what `version` needs, as ansible's `fetch()` builds it.
    func fetch(version: String) throws(ModuleFailure) {
        _ = try setRemoteURL()
        var args = ["fetch"]
        var refspecs: [String] = []
        if let depth, depth != 0 {
            let current = try headBranch()
            if let refspec {
                refspecs.append(refspec)
            } else if version == "HEAD" {
                refspecs.append(current ?? "None")
            } else if try isRemoteBranch(repo, version) {
                if current != version { refspecs.append("+refs/heads/\(version):refs/heads/\(version)") }
                refspecs.append("+refs/heads/\(version):refs/remotes/\(remote)/\(version)")
            } else if try isRemoteTag(repo, version) {
                refspecs.append("+refs/tags/\(version):refs/tags/\(version)")
            }
            if !refspecs.isEmpty { args += ["--depth", String(depth)] }
        }
        if (depth ?? 0) == 0 || refspecs.isEmpty {
            if bare {
                refspecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]
            } else {
                args.append("--tags")
            }
            if let refspec { refspecs.append(refspec) }
        }
        if force { args.append("--force") }
        args.append(remote)
        let command = args + refspecs
        let out = try git(command)
        if out.rc != 0 {
            throw ModuleFailure(.failed("Failed to download remote objects and refs: \(out.stdout) \(out.stderr)",
                                        PyDict([("cmd", .list(([gitPath] + command).map { .string($0) }))])))
        }
    }

    /// Checks out `version`: a branch tracks the remote's, anything else is checked out as is.
    func switchVersion() throws(ModuleFailure) {
        var command: [String]
        var branch = version
        if version == "HEAD" {
            branch = try headBranch() ?? "None"
            let out = try git(["checkout", "--force", branch])
            if out.rc != 0 { throw failure("Failed to checkout branch \(branch)", out) }
            command = ["reset", "--hard", "\(remote)/\(branch)", "--"]
        } else if try isRemoteBranch(remote, version) {
            if let depth, depth != 0, !(try isLocalBranch(version)) {
                let out = try git(["fetch", "--depth=\(depth)", remote, "+refs/heads/\(version):refs/heads/\(version)",
                                   "+refs/heads/\(version):refs/remotes/\(remote)/\(version)"])
                if out.rc != 0 { throw failure("Failed to fetch branch from remote: \(version)", out) }
            }
            if !(try isLocalBranch(version)) {
                command = ["checkout", "--track", "-b", version, "\(remote)/\(version)"]
            } else {
                let out = try git(["checkout", "--force", version])
                if out.rc != 0 { throw failure("Failed to checkout branch \(version)", out) }
                command = ["reset", "--hard", "\(remote)/\(version)"]
            }
        } else {
            command = ["checkout", "--force", version]
        }
        let out = try git(command)
        if out.rc != 0 {
            var f = failure(version != "HEAD" ? "Failed to checkout \(version)" : "Failed to checkout branch \(branch)", out)
            f.result.values["cmd"] = .string(([gitPath] + command).joined(separator: " "))
            throw f
        }
    }

    /// The sha `version` names on `remote` (a URL when cloning, else a remote of `dest`).
    func remoteHead(remote: String) throws(ModuleFailure) -> String {
        let cloning = remote == givenRepo || remote == "file://" + givenRepo
        let cwd = cloning ? nil : dest
        var args: [String]
        var tag = false
        if version == "HEAD" {
            args = cloning ? ["ls-remote", remote, "-h", "HEAD"] : ["ls-remote", remote, "-h", "refs/heads/\(try headBranch() ?? "None")"]
        } else if try isRemoteBranch(remote, version) {
            args = ["ls-remote", remote, "-h", "refs/heads/\(version)"]
        } else if try isRemoteTag(remote, version) {
            tag = true
            args = ["ls-remote", remote, "-t", "refs/tags/\(version)*"]
        } else {
            // A sha: ansible only checks that the remote can fetch it.
            if let cwd, try exists("") {
                _ = try git(["fetch", "--dry-run", remote, version], cwd: cwd, check: true)
            } else {
                let probe = "d=$(mktemp -d) && cd \"$d\" && \(gitCommand(["init", "-q"])) && \(gitCommand(["remote", "add", "origin", remote])) && "
                    + "\(gitCommand(["fetch", "--dry-run", remote, version])); rc=$?; rm -rf \"$d\"; exit $rc"
                let out = try context.remote(environmentScript + probe)
                if out.rc != 0 { throw failure(out.stderr.trimmingCharacters(in: .whitespacesAndNewlines), out, command: ["fetch", "--dry-run", remote, version]) }
            }
            return version
        }
        let out = try git(args, cwd: cwd, check: true)
        guard !out.stdout.isEmpty else { throw failure("Could not determine remote revision for \(version)", out) }
        var line = out.stdout
        if tag {
            for candidate in out.stdout.components(separatedBy: "\n") {
                if candidate.hasSuffix(version + "^{}") { line = candidate; break }
                if candidate.hasSuffix(version) { line = candidate }
            }
        }
        return line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.map(String.init) ?? ""
    }

    /// The diff ansible reports: a new checkout's sha, or `git diff before after`.
    func diff(before: String?, after: String) throws(ModuleFailure) -> Value? {
        guard let before else { return .dict(PyDict([("prepared", .string(">> Newly checked out \(after)"))])) }
        guard before != after else { return nil }
        try fetch(version: after)
        let out = try git(["diff", before, after])
        let text: String
        if out.rc == 0 && !out.stdout.isEmpty {
            text = out.stdout
        } else if out.rc == 0 {
            text = ">> No visual differences between \(before) and \(after)"
        } else if !out.stderr.isEmpty {
            text = ">> Failed to get proper diff between \(before) and \(after):\n>> \(out.stderr)"
        } else {
            text = ">> Failed to get proper diff between \(before) and \(after)"
        }
        return .dict(PyDict([("prepared", .string(text))]))
    }
}
