import Core
import Foundation
import Inventory
import Jinja
import Output
import Playbook

/// `runner --explain-var NAME`: for each play and each of its hosts (after `--limit`), every
/// place NAME is defined, in ansible's precedence order (lowest first) with file and line, the
/// definition in effect and its rendered value; then the definitions that only hold inside a
/// block or task, and the tasks that may set it at run time. Nothing runs on any host.
extension PlaybookExecutor {
    public func explain(_ variable: String, plays: [Play]) -> String {
        var out = ""
        var anyHost = false
        let key = Value.string(variable)
        for play in plays {
            self.play = play
            playRoles = play.roles
            varsFilesCache = [:]
            guard let hostsValue = try? engine.template(play.hosts, vars: DictVariables(options.extraVars.stringKeyed), origin: play.location),
                  let matched = try? inventory.hosts(matching: Self.patternText(hostsValue), limit: options.limit).hosts else { continue }
            playHostsAll = matched
            playVars = play.keywords["vars"]?.dictValue ?? PyDict()
            promptVars = (try? prompt(play.keywords["vars_prompt"], location: play.location, asking: false)) ?? PyDict()
            for host in matched {
                anyHost = true
                if hosts[host] == nil { hosts[host] = HostState() }
                out += explain(key, host: host, play: play)
            }
        }
        if !anyHost { return "No play runs on a host matching the limit; nothing to explain.\n" }
        return out.isEmpty ? "\(variable) is defined nowhere for the hosts of these plays (nor set by any task).\n" : out
    }

    func explain(_ key: Value, host: String, play: Play) -> String {
        let name = key.pythonString
        var static_: [VariableOrigin] = []
        for role in play.roles where role.defaults[key] != nil {
            static_.append(VariableOrigin(level: "role defaults (\(role.name))", source: Self.roleFile(role, "defaults", name),
                                          value: role.defaults[key]!))
        }
        static_ += inventory.variableOrigins(name, host: host)
        let playFile = play.location.file
        if let v = playVars[key] {
            static_.append(VariableOrigin(level: "play vars", source: DefinitionLocator.source(name, in: playFile, from: play.location.line),
                                          value: v))
        }
        if let v = promptVars[key] { static_.append(VariableOrigin(level: "play vars_prompt", source: "\(play.location)", value: v)) }
        for (file, value) in varsFilesDefinitions(host) where value[key] != nil {
            static_.append(VariableOrigin(level: "play vars_files", source: DefinitionLocator.source(name, in: file), value: value[key]!))
        }
        for role in play.roles where role.vars[key] != nil {
            static_.append(VariableOrigin(level: "role vars (\(role.name))", source: Self.roleFile(role, "vars", name), value: role.vars[key]!))
        }
        for role in play.roles where role.params[key] != nil {
            static_.append(VariableOrigin(level: "role params (\(role.name))", source: "the role's entry in \(playFile)", value: role.params[key]!))
        }
        if let v = options.extraVars[key] { static_.append(VariableOrigin(level: "extra vars (-e)", source: "command line", value: v)) }

        var scoped: [String] = []
        var runtime: [String] = []
        func walk(_ items: [TaskItem]) {
            for item in items {
                switch item {
                case .block(let block):
                    if let v = block.keywords["vars"]?.dictValue?[key] {
                        scoped.append("block vars at \(block.location): \(Self.shown(v))")
                    }
                    walk(block.block)
                    walk(block.rescue)
                    walk(block.always)
                case .task(let task):
                    if let v = task.keywords["vars"]?.dictValue?[key] {
                        scoped.append("task vars of '\(task.displayName)' at \(task.location): \(Self.shown(v))")
                    }
                    let short = task.action.split(separator: ".").last.map(String.init) ?? task.action
                    if short == "set_fact", task.args.dictValue?[key] != nil {
                        runtime.append("set_fact in '\(task.displayName)' at \(task.location)")
                    }
                    if task.keywords["register"]?.pythonString == name {
                        runtime.append("register of '\(task.displayName)' at \(task.location)")
                    }
                    if short == "include_vars" { runtime.append("include_vars in '\(task.displayName)' at \(task.location) (may define it)") }
                }
            }
        }
        for section in play.sections { walk(section.items) }
        walk(play.handlers)

        guard !static_.isEmpty || !scoped.isEmpty || !runtime.isEmpty else { return "" }
        var text = "\(name) for \(host) in play '\(play.name)' (\(play.location)), lowest precedence first:\n"
        if static_.isEmpty { text += "  (defined nowhere outside tasks)\n" }
        let width = min(40, static_.map(\.level.count).max() ?? 0)
        for (index, origin) in static_.enumerated() {
            let mark = index == static_.count - 1 ? "=>" : "  "
            let pad = String(repeating: " ", count: max(2, width - origin.level.count + 2))
            text += "\(mark) \(origin.level)\(pad)\(origin.source): \(Self.shown(origin.value))\n"
        }
        if let winner = static_.last {
            let scope = scope(for: host, task: nil, extra: PyDict())
            if let value = scope.value(named: name) {
                do {
                    let rendered = try engine.template(value, vars: scope, origin: play.location)
                    if rendered != winner.value || rendered != value { text += "   renders as: \(Self.shown(rendered))\n" }
                } catch {
                    text += "   renders as: (not before the play runs: \(error.message))\n"
                }
            }
        }
        for line in scoped { text += "   only inside: \(line)\n" }
        if !runtime.isEmpty {
            text += "   set at run time (above all of the above but role params and extra vars):\n"
            for line in runtime { text += "     \(line)\n" }
        }
        return text + "\n"
    }

    /// A role's `defaults` or `vars` main file, with the line that defines `name`.
    static func roleFile(_ role: RoleInfo, _ dir: String, _ name: String) -> String {
        let base = (role.directory as NSString).appendingPathComponent(dir)
        for candidate in ["main.yml", "main.yaml", "main.json", "main"] {
            let path = (base as NSString).appendingPathComponent(candidate)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { continue }
            if !isDir.boolValue { return DefinitionLocator.source(name, in: path) }
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
            for f in files {
                let full = (path as NSString).appendingPathComponent(f)
                if DefinitionLocator.line(name, in: full) != nil { return DefinitionLocator.source(name, in: full) }
            }
            return path
        }
        return base
    }

    static func shown(_ value: Value) -> String { JSONText.encode(value, ensureASCII: false) }

    /// Each `vars_files` file the play reads for the host, with its variables, in order.
    func varsFilesDefinitions(_ host: String) -> [(String, PyDict)] {
        guard let files = play.keywords["vars_files"] else { return [] }
        let scope = VariableScope(layers: [inventoryVars(host), hostMagicVars(host), playVars, promptVars, options.extraVars,
                                           magicVars(host, role: nil)], lazy: { _ in nil })
        var out: [(String, PyDict)] = []
        for entry in files.listValue ?? [files] {
            for candidate in entry.listValue ?? [entry] {
                guard let name = try? engine.template(candidate, vars: scope, origin: play.location).pythonString else { continue }
                let path = name.hasPrefix("/") ? name : (play.directory as NSString).appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: path), let loaded = try? parsedVarsFile(path) else { continue }
                out.append((path, loaded.dictValue ?? PyDict()))
                break
            }
        }
        return out
    }
}
