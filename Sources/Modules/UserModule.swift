import Connection
import Core
import Foundation

/// `user` on Linux with shadow's `useradd`/`usermod`/`userdel`. Decisions follow Ansible's
/// module: only differing attributes go to `usermod`; `groups` are compared by name against the
/// user's supplementary memberships; `append` adds without removing. The password hash never
/// travels in argv: it reaches `chpasswd -e` on stdin. Results carry Ansible's keys (`uid`,
/// `group` as a number, `groups` joined with commas, ...) and `password: NOT_LOGGING_PASSWORD`.
struct UserModule: Module {
    static let options: Set<String> = [
        "name", "user", "state", "uid", "non_unique", "group", "groups", "comment", "home", "shell", "password",
        "login_class", "password_expire_max", "password_expire_min", "password_expire_warn", "hidden", "seuser",
        "force", "remove", "create_home", "createhome", "skeleton", "system", "move_home", "append",
        "generate_ssh_key", "ssh_key_bits", "ssh_key_type", "ssh_key_file", "ssh_key_comment", "ssh_key_passphrase",
        "update_password", "expires", "password_lock", "local", "profile", "authorization", "role", "umask",
        "password_expire_account_disable", "uid_min", "uid_max",
    ]
    /// Options runner does not implement yet; a task using them fails rather than silently ignoring them.
    static let unimplemented = ["generate_ssh_key", "expires", "password_expire_max", "password_expire_min",
                                "password_expire_warn", "password_expire_account_disable", "local", "seuser"]
    /// Homes Ansible never creates when they are missing.
    static let placeholderHomes: Set<String> = ["/nonexistent", "/var/empty", "/sbin/nologin", "/usr/sbin/nologin", "/bin/false", "/dev/null"]

    func run(_ context: ModuleContext) -> TaskResult {
        let unknown = context.args.keys.map(\.pythonString).filter { !Self.options.contains($0) && !$0.hasPrefix("_ansible") }.sorted()
        if !unknown.isEmpty {
            let listed = Self.options.subtracting(["createhome", "user"]).sorted().joined(separator: ", ")
            return .failed("Unsupported parameters for (user) module: \(unknown.joined(separator: ", ")). Supported parameters include: \(listed) (createhome, user).")
        }
        return ModuleContext.outcome { () throws(ModuleFailure) in try user(context) }
    }

    struct Request {
        var name: String
        var uid: Int?
        var nonUnique: Bool
        var group: String?
        var groups: [String]?
        var comment: String?
        var home: String?
        var shell: String?
        var password: String?
        var passwordLock: Bool?
        var createHome: Bool
        var moveHome: Bool
        var append: Bool
        var system: Bool
        var force: Bool
        var remove: Bool
        var skeleton: String?
        var umask: String?
        var uidMin: Int?
        var uidMax: Int?
        var updateAlways: Bool
    }

    func request(_ context: ModuleContext) throws(ModuleFailure) -> Request {
        for key in Self.unimplemented where context.args[.string(key)].map({ !$0.isNone }) == true {
            throw ModuleFailure(.failed("runner's user module does not support '\(key)' yet"))
        }
        var groups: [String]? = nil
        if let v = context.args["groups"], !v.isNone {
            groups = (v.listValue ?? v.pythonString.split(separator: ",").map { .string(String($0)) }).map { $0.pythonString.trimmingCharacters(in: .whitespaces) }
        }
        let lock = context.args["password_lock"].flatMap { $0.isNone ? nil : ModuleContext.boolean($0) }
        let update = try context.choice("update_password", ["always", "on_create"], default: "always")!
        let append = context.bool("append", default: false)
        if append && groups == nil { throw ModuleFailure(.failed("append is True but all of the following are missing: groups")) }
        func path(_ key: String) -> String? { context.string(key).map { ($0 as NSString).expandingTildeInPath } }
        return Request(
            name: try context.required("name", aliases: ["user"]), uid: try context.int("uid"),
            nonUnique: context.bool("non_unique", default: false), group: context.string("group"), groups: groups,
            comment: context.string("comment"), home: path("home"), shell: path("shell"), password: context.string("password"),
            passwordLock: lock, createHome: context.bool("create_home", default: context.bool("createhome", default: true)),
            moveHome: context.bool("move_home", default: false), append: append, system: context.bool("system", default: false),
            force: context.bool("force", default: false), remove: context.bool("remove", default: false),
            skeleton: context.string("skeleton"), umask: context.string("umask"), uidMin: try context.int("uid_min"),
            uidMax: try context.int("uid_max"), updateAlways: update == "always")
    }

    func user(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        let state = try context.choice("state", ["absent", "present"], default: "present")!
        let r = try request(context)
        let db = try context.accounts(user: r.name)
        var result = PyDict()
        result["name"] = .string(r.name)
        result["state"] = .string(state)
        var outcome: CommandOutcome? = nil
        if state == "absent" {
            if db.user != nil {
                if context.checkMode { return .ok(changed: true) }
                let o = try context.runWords(["userdel"] + (r.force ? ["-f"] : []) + (r.remove ? ["-r"] : []) + [r.name])
                if o.rc != 0 { return .failed(o.stderr, PyDict([("name", .string(r.name)), ("rc", .int(Int(o.rc)))])) }
                outcome = o
                result["force"] = .bool(r.force)
                result["remove"] = .bool(r.remove)
            }
        } else {
            if db.user == nil {
                if context.checkMode { return .ok(changed: true) }
                outcome = try create(r, db: db, context: context)
                result["system"] = .bool(r.system)
                result["create_home"] = .bool(r.createHome)
            } else {
                outcome = try modify(r, db: db, context: context)
                result["append"] = .bool(r.append)
                result["move_home"] = .bool(r.moveHome)
            }
            if let o = outcome, o.rc != 0 {
                return .failed(o.stderr, PyDict([("name", .string(r.name)), ("rc", .int(Int(o.rc)))]))
            }
            if r.password != nil { result["password"] = "NOT_LOGGING_PASSWORD" }
        }
        result["changed"] = .bool(outcome != nil)
        if let outcome { result.addOutput(outcome) }
        guard state == "present" else { return TaskResult(result) }
        let now = context.checkMode ? db : try context.accounts(user: r.name)
        guard let info = now.user else {
            return .failed("failed to look up user name: \(r.name)", result)
        }
        result["uid"] = .int(info.uid)
        result["group"] = .int(info.gid)
        result["comment"] = .string(info.gecos)
        result["home"] = .string(info.home)
        result["shell"] = .string(info.shell)
        result["groups"] = .string(now.groups.filter { $0.members.contains(r.name) && $0.gid != info.gid }.map(\.name).joined(separator: ","))
        let home = r.home ?? info.home
        if r.createHome, !Self.placeholderHomes.contains(home) {
            let missing = try context.remote("[ -e \(ShellQuote.quote(home)) ] || echo missing").stdout.hasPrefix("missing")
            if missing {
                if !context.checkMode { try createHome(home, uid: info.uid, gid: info.gid, skeleton: r.skeleton, context: context) }
                result["changed"] = true
            }
        }
        return TaskResult(result)
    }

    /// `useradd`, then `chpasswd -e` for a password.
    func create(_ r: Request, db: AccountDatabase, context: ModuleContext) throws(ModuleFailure) -> CommandOutcome {
        var w = ["useradd"]
        if let uid = r.uid { w += ["-u", String(uid)] + (r.nonUnique ? ["-o"] : []) }
        if let group = r.group {
            guard db.group(group) != nil else { throw ModuleFailure(.failed("Group \(group) does not exist")) }
            w += ["-g", group]
        } else if db.group(r.name) != nil {
            w.append("-N")
        }
        if let groups = r.groups, !groups.joined().isEmpty {
            var names: [String] = []
            for g in groups where !g.isEmpty {
                guard db.group(g) != nil else { throw ModuleFailure(.failed("Group \(g) does not exist")) }
                if !names.contains(g) { names.append(g) }
            }
            w += ["-G", names.joined(separator: ",")]
        }
        if let comment = r.comment { w += ["-c", comment] }
        if let home = r.home {
            if r.createHome {
                _ = try context.remote("d=$(dirname \(ShellQuote.quote(home))); [ -d \"$d\" ] || mkdir -p \"$d\"")
            }
            w += ["-d", home]
        }
        if let shell = r.shell { w += ["-s", shell] }
        if r.createHome {
            w.append("-m")
            if let skeleton = r.skeleton { w += ["-k", skeleton] }
            if let umask = r.umask { w += ["-K", "UMASK=\(umask)"] }
        } else {
            w.append("-M")
        }
        if r.system { w.append("-r") }
        if let v = r.uidMin { w += ["-K", "UID_MIN=\(v)"] }
        if let v = r.uidMax { w += ["-K", "UID_MAX=\(v)"] }
        w.append(r.name)
        var outcome = try context.runWords(w)
        if outcome.rc == 0, let password = r.password {
            let hash = r.passwordLock == true ? "!" + password : password
            let set = try setPassword(r.name, hash, context: context)
            outcome = CommandOutcome(rc: set.rc, stdout: outcome.stdout + set.stdout, stderr: outcome.stderr + set.stderr)
        }
        return outcome
    }

    /// `usermod` with what differs, and `chpasswd -e` when the hash differs; nil when nothing does.
    func modify(_ r: Request, db: AccountDatabase, context: ModuleContext) throws(ModuleFailure) -> CommandOutcome? {
        guard let info = db.user else { return nil }
        var w = ["usermod"]
        if let uid = r.uid, uid != info.uid { w += ["-u", String(uid)] + (r.nonUnique ? ["-o"] : []) }
        if let group = r.group {
            guard let g = db.group(group) else { throw ModuleFailure(.failed("Group \(group) does not exist")) }
            if g.gid != info.gid { w += ["-g", String(g.gid)] }
        }
        if let wanted = r.groups {
            let current = Set(db.groups.filter { $0.members.contains(r.name) }.map(\.name))
            var names = Set<String>()
            for g in wanted where !g.isEmpty {
                guard let found = db.group(g) else { throw ModuleFailure(.failed("Group \(g) does not exist")) }
                names.insert(found.name)
            }
            let diff = current.symmetricDifference(names)
            var needed = false
            if wanted.joined().isEmpty {
                needed = !current.isEmpty && !r.append
            } else if !diff.isEmpty {
                needed = r.append ? names.contains { diff.contains($0) } : true
            }
            if needed { w += (r.append ? ["-a"] : []) + ["-G", names.sorted().joined(separator: ",")] }
        }
        if let c = r.comment, c != info.gecos { w += ["-c", c] }
        if let h = r.home, h != info.home { w += ["-d", h] + (r.moveHome ? ["-m"] : []) }
        if let s = r.shell, s != info.shell { w += ["-s", s] }
        let current = db.effectivePassword
        var newHash: String? = nil
        if r.updateAlways, let p = r.password, Self.stripBang(current) != Self.stripBang(p) {
            newHash = r.passwordLock == true ? "!" + p : p
        } else if r.passwordLock == true, !current.hasPrefix("!") {
            w.append("-L")
        } else if r.passwordLock == false, current.hasPrefix("!") {
            w.append("-U")
        }
        guard w.count > 1 || newHash != nil else { return nil }
        if context.checkMode { return CommandOutcome(rc: 0, stdout: "", stderr: "") }
        var outcome = CommandOutcome(rc: 0, stdout: "", stderr: "")
        if w.count > 1 { outcome = try context.runWords(w + [r.name]) }
        if outcome.rc == 0, let newHash {
            let set = try setPassword(r.name, newHash, context: context)
            outcome = CommandOutcome(rc: set.rc, stdout: outcome.stdout + set.stdout, stderr: outcome.stderr + set.stderr)
        }
        return outcome
    }

    static func stripBang(_ s: String) -> Substring { s.drop { $0 == "!" } }

    /// Sets a hashed password with `chpasswd -e`, the `name:hash` line on stdin.
    func setPassword(_ name: String, _ hash: String, context: ModuleContext) throws(ModuleFailure) -> CommandOutcome {
        try context.runWords(["chpasswd", "-e"], input: "\(name):\(hash)\n")
    }

    /// A missing home made as Ansible's `create_homedir` does: the skeleton copied in, mode from
    /// `HOME_MODE` (else `0777 & ~UMASK`) of login.defs, owned by the user.
    func createHome(_ home: String, uid: Int, gid: Int, skeleton: String?, context: ModuleContext) throws(ModuleFailure) {
        let h = ShellQuote.quote(home), skel = ShellQuote.quote(skeleton ?? "/etc/skel")
        let script = """
        mkdir -p \(h) || exit 1
        if [ -d \(skel) ]; then cp -a \(skel)/. \(h)/ 2>/dev/null; fi
        m=$(awk '$1=="HOME_MODE"{print $2}' /etc/login.defs 2>/dev/null)
        if [ -z "$m" ]; then u=$(awk '$1=="UMASK"{print $2}' /etc/login.defs 2>/dev/null); m=$(printf '%o' $(( 0777 & ~0${u:-22} ))); fi
        chmod "$m" \(h); chown -R \(uid):\(gid) \(h)
        """
        _ = try context.remote(script)
    }
}
