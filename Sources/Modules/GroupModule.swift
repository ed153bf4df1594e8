import Connection
import Core
import Foundation

/// `group`: a group present (with `gid`, `system`) or absent, made with `groupadd`/`groupmod`/
/// `groupdel`, or busybox's `addgroup`/`delgroup` where shadow's tools are missing. Returns
/// `name`, `state`, and while the group exists `gid` and `system` (the argument, as Ansible
/// echoes it). Check mode ends a would-be add or delete with `changed` alone, as Ansible does.
struct GroupModule: Module {
    static let options: Set<String> = ["name", "state", "gid", "system", "force", "local", "non_unique", "gid_min", "gid_max"]

    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(Self.options, module: "group") { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in try group(context) }
    }

    func group(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        let name = try context.required("name")
        let state = try context.choice("state", ["absent", "present"], default: "present")!
        let gid = try context.int("gid")
        let system = context.bool("system", default: false)
        let force = context.bool("force", default: false)
        let nonUnique = context.bool("non_unique", default: false)
        let gidMin = try context.int("gid_min"), gidMax = try context.int("gid_max")
        if nonUnique && gid == nil { return .failed("non_unique is True but all of the following are missing: gid") }
        if context.bool("local", default: false) { return .failed("local: true is not supported by runner's group module") }

        let db = try context.accounts(tools: ["groupadd", "addgroup"])
        let existing = db.groups.first { $0.name == name }
        let busybox = !db.tools.contains("groupadd") && db.tools.contains("addgroup")
        var result = PyDict()
        result["name"] = .string(name)
        result["state"] = .string(state)
        var words: [String]? = nil
        if state == "absent" {
            if existing != nil {
                if context.checkMode { return .ok(changed: true) }
                if busybox {
                    if force { return .failed("The force option is not supported for group deletion on this platform.") }
                    words = ["delgroup", name]
                } else {
                    words = ["groupdel"] + (force ? ["-f"] : []) + [name]
                }
            }
        } else if let existing {
            if let gid, gid != existing.gid {
                if busybox {
                    if db.groups.contains(where: { $0.gid == gid }) { return .failed("gid '\(gid)' in use") }
                    words = ["sh", "-c", "sed -i \"s/^$1:\\([^:]*\\):$2:/$1:\\1:$3:/\" /etc/group", "sh", name, String(existing.gid), String(gid)]
                } else {
                    words = ["groupmod", "-g", String(gid)] + (nonUnique ? ["-o"] : []) + [name]
                }
            }
        } else {
            if context.checkMode { return .ok(changed: true) }
            if busybox {
                words = ["addgroup"] + (gid.map { ["-g", String($0)] } ?? []) + (system ? ["-S"] : [])
            } else {
                words = ["groupadd"] + (gid.map { ["-g", String($0)] + (nonUnique ? ["-o"] : []) } ?? []) + (system ? ["-r"] : [])
            }
            words! += (gidMin.map { ["-K", "GID_MIN=\($0)"] } ?? []) + (gidMax.map { ["-K", "GID_MAX=\($0)"] } ?? []) + [name]
        }
        var after = existing
        if let words {
            result["changed"] = true
            if !context.checkMode {
                let outcome = try context.runWords(words)
                if outcome.rc != 0 {
                    return .failed(outcome.stderr, PyDict([("name", .string(name))]))
                }
                result.addOutput(outcome)
                after = try context.accounts().groups.first { $0.name == name }
            }
        } else {
            result["changed"] = false
        }
        if let after {
            result["system"] = .bool(system)
            result["gid"] = .int(after.gid)
        }
        return TaskResult(result)
    }
}
