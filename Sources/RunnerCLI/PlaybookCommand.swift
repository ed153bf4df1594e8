import ArgumentParser
import Core
import Foundation
import Executor
import Inventory
import Jinja
import Output
import Playbook
import Vault
import YAML

/// `runner [options] playbook.yml ...`: the ansible-playbook command line, option for option.
public struct PlaybookCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "runner",
        abstract: "Runs Ansible playbooks, executing the defined tasks on the targeted hosts.",
        discussion: "Other commands: `runner inventory ...` (as ansible-inventory).",
        version: RunnerVersion.versionText
    )

    // MARK: inventory and selection
    @Option(name: [.customShort("i"), .customLong("inventory"), .customLong("inventory-file")],
            help: "Inventory host path or comma separated host list (repeatable).")
    var inventory: [String] = []
    @Option(name: [.customShort("l"), .customLong("limit")], help: "Further limit selected hosts to an additional pattern.")
    var limit: [String] = []
    @Flag(name: .customLong("list-hosts"), help: "Outputs a list of matching hosts; does not execute anything else.")
    var listHosts = false
    @Flag(name: .customLong("list-tasks"), help: "List all tasks that would be executed.")
    var listTasks = false
    @Flag(name: .customLong("list-tags"), help: "List all available tags.")
    var listTags = false
    @Flag(name: .customLong("syntax-check"), help: "Perform a syntax check on the playbook, but do not execute it.")
    var syntaxCheck = false
    @Option(name: [.customShort("t"), .customLong("tags")], help: "Only run plays and tasks tagged with these values (repeatable).")
    var tags: [String] = []
    @Option(name: .customLong("skip-tags"), help: "Only run plays and tasks whose tags do not match these values (repeatable).")
    var skipTags: [String] = []
    @Option(name: .customLong("start-at-task"), help: "Start the playbook at the task matching this name.")
    var startAtTask: String?
    @Flag(name: .customLong("step"), help: "One-step-at-a-time: confirm each task before running.")
    var step = false
    @Flag(name: .customLong("flush-cache"), help: "Clear the fact cache for every host in inventory.")
    var flushCache = false
    @Flag(name: .customLong("force-handlers"), help: "Run handlers even if a task fails.")
    var forceHandlers = false

    // MARK: variables
    @Option(name: [.customShort("e"), .customLong("extra-vars")], parsing: .unconditionalSingleValue,
            help: "Set additional variables as key=value or YAML/JSON, if filename prepend with @ (repeatable).")
    var extraVars: [String] = []

    // MARK: runner's own
    @Option(name: .customLong("explain-var"),
            help: "Run nothing; for each play and host (see --limit), show every place NAME is defined, in precedence order, with file and line, and the value in effect.")
    var explainVar: String?

    // MARK: execution
    /// A count too large for an Int is as many forks as there can be (ansible-playbook accepts any size).
    @Option(name: [.customShort("f"), .customLong("forks")], help: "Number of parallel processes to use (default=5).",
            transform: { text in
                if let n = Int(text) { return n }
                guard !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) else {
                    throw ValidationError("argument -f/--forks: invalid int value: '\(text)'")
                }
                return Int.max
            })
    var forks: Int?
    @Flag(name: [.customShort("C"), .customLong("check")], help: "Don't make any changes; instead, try to predict some of the changes that may occur.")
    var check = false
    @Flag(name: [.customShort("D"), .customLong("diff")], help: "When changing (small) files and templates, show the differences in those files.")
    var diff = false
    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Causes runner to print more debug messages (-vvvvvv for the most).")
    var verbose: Int
    @Option(name: [.customShort("M"), .customLong("module-path")], help: "Accepted for compatibility; runner's modules are built in.")
    var modulePath: [String] = []

    // MARK: connection
    @Option(name: [.customShort("c"), .customLong("connection")], help: "Connection type to use (default=ssh).")
    var connection: String?
    @Option(name: [.customShort("u"), .customLong("user")], help: "Connect as this user.")
    var user: String?
    @Option(name: [.customLong("private-key"), .customLong("key-file")], help: "Use this file to authenticate the connection.")
    var privateKey: String?
    /// `-T -5` takes -5 as the value, as Python's argparse does for a negative number.
    @Option(name: [.customShort("T"), .customLong("timeout")], parsing: .unconditional, help: "Override the connection timeout in seconds.")
    var timeout: Int?
    @Option(name: .customLong("ssh-common-args"), parsing: .unconditional, help: "Common arguments to pass to ssh.")
    var sshCommonArgs: String?
    @Option(name: .customLong("ssh-extra-args"), parsing: .unconditional, help: "Extra arguments to pass only to ssh.")
    var sshExtraArgs: String?
    @Option(name: .customLong("sftp-extra-args"), parsing: .unconditional, help: "Extra arguments to pass only to sftp.")
    var sftpExtraArgs: String?
    @Option(name: .customLong("scp-extra-args"), parsing: .unconditional, help: "Extra arguments to pass only to scp.")
    var scpExtraArgs: String?
    @Flag(name: [.customShort("k"), .customLong("ask-pass")], help: "Ask for the connection password.")
    var askPass = false
    @Option(name: [.customLong("connection-password-file"), .customLong("conn-pass-file")], help: "Connection password file.")
    var connectionPasswordFile: String?

    // MARK: privilege escalation
    @Flag(name: [.customShort("b"), .customLong("become")], help: "Run operations with become (does not imply password prompting).")
    var become = false
    @Option(name: .customLong("become-method"), help: "Privilege escalation method to use (default=sudo).")
    var becomeMethod: String?
    @Option(name: .customLong("become-user"), help: "Run operations as this user (default=root).")
    var becomeUser: String?
    @Flag(name: [.customShort("K"), .customLong("ask-become-pass")], help: "Ask for the privilege escalation password.")
    var askBecomePass = false
    @Option(name: [.customLong("become-password-file"), .customLong("become-pass-file")], help: "Become password file.")
    var becomePasswordFile: String?

    // MARK: vault
    @Option(name: .customLong("vault-id"), help: "The vault identity to use (repeatable).")
    var vaultIds: [String] = []
    @Option(name: [.customLong("vault-password-file"), .customLong("vault-pass-file")], help: "Vault password file (repeatable).")
    var vaultPasswordFiles: [String] = []
    @Flag(name: [.customShort("J"), .customLong("ask-vault-password"), .customLong("ask-vault-pass")], help: "Ask for the vault password.")
    var askVaultPass = false

    @Argument(help: "Playbook(s).")
    var playbooks: [String] = []

    public init() {}

    public func validate() throws {
        if playbooks.isEmpty {
            throw ValidationError("the following arguments are required: playbook")
        }
        if let forks, forks < 1 {
            throw ValidationError("The number of processes (--forks) must be >= 1")
        }
        if askVaultPass && !vaultPasswordFiles.isEmpty {
            throw ValidationError("argument --vault-password-file/--vault-pass-file: not allowed with argument -J/--ask-vault-password/--ask-vault-pass")
        }
        if askPass && connectionPasswordFile != nil {
            throw ValidationError("argument --connection-password-file/--conn-pass-file: not allowed with argument -k/--ask-pass")
        }
        if askBecomePass && becomePasswordFile != nil {
            throw ValidationError("argument --become-password-file/--become-pass-file: not allowed with argument -K/--ask-become-pass")
        }
    }

    public func run() throws {
        throw RunnerExit(code: try execute())
    }

    /// Runs the command and returns ansible-playbook's exit code for the outcome.
    func execute() throws -> Int32 {
        let renderer = DiagnosticRenderer()
        let stderr = StandardStream.error
        let config = AnsibleConfig.load(environment: ProcessInfo.processInfo.environment)
        for w in config.warnings { stderr.write(renderer.render(w) + "\n") }
        if verbose > 1 {
            // ansible-playbook's -vv starts with its --version text; runner gives its own.
            StandardStream.output.write(RunnerVersion.text(configFile: config.file) + "\n")
        }
        if verbose > 0 {
            StandardStream.output.write(config.file.map { "Using \($0) as config file\n" } ?? "No config file found; using defaults\n")
            if !config.unused.isEmpty {
                // On stderr, so that stdout stays what ansible-playbook prints.
                stderr.write("runner does not use these settings (they change nothing): \(config.unused.joined(separator: ", "))\n")
            }
        }
        do {
            for path in playbooks {
                try checkPlaybookPath(path)
            }
            // Asked before the vault password, and not for listings or --syntax-check, as
            // ansible-playbook does.
            var passwords: (connection: String?, become: String?) = (nil, nil)
            if !(listHosts || listTasks || listTags || syntaxCheck) {
                var prompt = PasswordPrompt(askPass: askPass, askBecomePass: askBecomePass, connectionPasswordFile: connectionPasswordFile,
                                            becomePasswordFile: becomePasswordFile)
                if let agnostic = config.settings["ANSIBLE_AGNOSTIC_BECOME_PROMPT"], !PlaybookExecutor.truthy(agnostic) {
                    prompt.becomeWord = (becomeMethod ?? config.settings["ANSIBLE_BECOME_METHOD"] ?? "sudo").uppercased()
                }
                passwords = try prompt.passwords()
            }
            let secrets = try loadVaultSecrets(renderer: renderer, settings: config.settings)
            return try VaultSecrets.$current.withValue(secrets) { () throws -> Int32 in
                try runPlaybooks(renderer: renderer, config: config, passwords: passwords)
            }
        } catch let d as Diagnostic {
            stderr.write(renderer.render(d) + "\n")
            return ExitCode.for(d)
        }
    }

    /// Loads the playbooks and inventory and runs them (or lists them); the run's vault secrets
    /// are bound by the caller.
    func runPlaybooks(renderer: DiagnosticRenderer, config: AnsibleConfig, passwords: (connection: String?, become: String?) = (nil, nil)) throws -> Int32 {
        let stderr = StandardStream.error
        let extra = try ExtraVars.load(extraVars, workingDirectory: FileManager.default.currentDirectoryPath)
        for pattern in limit where pattern.hasPrefix("@") {
            let file = String(pattern.dropFirst())
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw Diagnostic.error("Unable to find limit file '\(file)'", hint: "`--limit @FILE` reads host patterns from FILE, one per line.")
            }
        }
        for w in extra.warnings { stderr.write(renderer.render(w) + "\n") }
        var loader = PlaybookLoader(rolesPath: Self.rolesPath(config.settings))
        var loaded: [(path: String, plays: [Play], imports: [String])] = []
        for path in playbooks {
            let before = loader.staticImports.count
            let plays = try loader.load(path)
            loaded.append((path, plays, Array(loader.staticImports[before...])))
        }
        for w in loader.warnings { stderr.write(renderer.render(w) + "\n") }
        let cwd = FileManager.default.currentDirectoryPath
        let playbookDirectory = ((playbooks.first ?? ".") as NSString).deletingLastPathComponent
        let inventory = try InventoryLoader.load(sources: inventorySources(config.settings), playbookDirectory: playbookDirectory.isEmpty ? "." : playbookDirectory,
                                                 settings: InventorySettings.fromEnvironment(config.settings))
        for w in inventory.warnings { stderr.write(renderer.render(w) + "\n") }
        let limitTerms = try Inventory.limitTerms(limit, workingDirectory: cwd)
        for w in try inventory.checkLimit(limitTerms) { stderr.write(renderer.render(w) + "\n") }
        if syntaxCheck {
            for (path, plays, imports) in loaded {
                if verbose > 1 { Self.writeLoadNotes(path: path, plays: plays.count, imports: imports) }
                StandardStream.output.write("\nplaybook: \(path)\n")
            }
            return ExitCode.ok
        }
        if listTasks || listTags || listHosts {
            // --list-tags without --tags/--skip-tags lists `never` tasks too, as ansible-playbook does.
            let listAll = listTags && tags.isEmpty && skipTags.isEmpty
            let selection = TagSelection(tags: listAll ? ["never", "all"] : tags, skipTags: skipTags)
            let hostsOf: (Play) -> [String]? = { play in
                guard listHosts else { return nil }
                return (try? inventory.hosts(matching: PlaybookExecutor.patternText(play.hosts), limit: limitTerms))?.hosts ?? []
            }
            for (path, rawPlays, imports) in loaded {
                if verbose > 1 { Self.writeLoadNotes(path: path, plays: rawPlays.count, imports: imports) }
                var plays: [Play] = []
                for raw in rawPlays {
                    var play = try Self.templatedHeader(raw, extraVars: extra.values)
                    do {
                        // Tags are rendered with the play's variables, as ansible does before listing.
                        try play.renderTags { (text, location) throws(Diagnostic) in
                            try Self.render(text, vars: Self.headerVariables(raw, extraVars: extra.values), at: location)
                        }
                    } catch {
                        // ansible has printed the play's header line when the error comes.
                        StandardStream.output.write(TaskListing.render(playbook: path, plays: plays, selection: selection, listTasks: listTasks,
                                                                       listTags: listTags, hostsOf: hostsOf, failing: play))
                        throw error
                    }
                    plays.append(play)
                }
                StandardStream.output.write(TaskListing.render(playbook: path, plays: plays, selection: selection,
                                                               listTasks: listTasks, listTags: listTags, hostsOf: hostsOf))
            }
            return ExitCode.ok
        }
        for feature in unimplementedRequested() {
            stderr.write(renderer.render(.error("\(feature) is not implemented in this version of runner yet",
                                                hint: "Use ansible-playbook for this run; runner refuses rather than guess.")) + "\n")
            return ExitCode.generalError
        }
        var options = RunOptions(tags: TagSelection(tags: tags, skipTags: skipTags), extraVars: extra.values, limit: limitTerms)
        options.checkMode = check
        // `--diff` defaults to `[diff] always` (ANSIBLE_DIFF_ALWAYS), as in ansible-playbook.
        options.diffMode = diff || PlaybookExecutor.truthy(config.settings["ANSIBLE_DIFF_ALWAYS"])
        options.verbosity = verbose
        options.forks = forks ?? config.settings["ANSIBLE_FORKS"].flatMap { Int($0) } ?? 5
        options.forceHandlers = forceHandlers
        options.runTags = tags
        options.skipTags = skipTags
        options.startAtTask = startAtTask
        options.mergeHashes = config.settings["ANSIBLE_HASH_BEHAVIOUR"]?.lowercased() == "merge"
        options.connection = connection
        options.remoteUser = user
        options.privateKeyFile = privateKey
        options.timeout = timeout
        options.sshCommonArgs = sshCommonArgs
        options.sshExtraArgs = sshExtraArgs
        options.become = become
        options.becomeUser = becomeUser
        options.becomeMethod = becomeMethod
        options.environment = config.settings
        options.connectionPassword = passwords.connection
        options.becomePassword = passwords.become
        let callbackName = config.settings["ANSIBLE_STDOUT_CALLBACK"] ?? "default"
        let callback: any Callback
        if ["json", "ansible.posix.json"].contains(callbackName) {
            callback = JSONCallback(write: { StandardStream.output.write($0) }, writeError: { StandardStream.error.write($0) })
        } else {
            let resultFormat: ResultFormat
            do {
                resultFormat = try ResultFormat(settings: config.settings)
            } catch {
                stderr.write(renderer.render(error) + "\n")
                return ExitCode.generalError
            }
            callback = DefaultCallback(verbosity: verbose, color: Self.colorEnabled(config.settings),
                                       diffContext: config.settings["ANSIBLE_DIFF_CONTEXT"].flatMap { Int($0) } ?? 3,
                                       resultFormat: resultFormat,
                                       write: { StandardStream.output.write($0) },
                                       writeError: { StandardStream.error.write($0) })
        }
        let executor = PlaybookExecutor(inventory: inventory, options: options, callback: callback, loader: loader)
        if let explainVar {
            StandardStream.output.write(executor.explain(explainVar, plays: loaded.flatMap(\.plays)))
            return ExitCode.ok
        }
        return executor.run(playbooks: loaded.map { ($0.path, $0.plays, $0.imports) })
    }

    /// ansible-playbook's -vv lines from loading a playbook, for the runs that list instead.
    static func writeLoadNotes(path: String, plays: Int, imports: [String]) {
        for file in imports { StandardStream.output.write("statically imported: \(file)\n") }
        StandardStream.output.write("\(plays) plays in \(path)\n")
    }

    /// ansible's display colours: on for a terminal on stdout, off with `ANSIBLE_NOCOLOR` or
    /// `NO_COLOR` (ansible.cfg's `nocolor`), and on whatever else says with `ANSIBLE_FORCE_COLOR`
    /// (`force_color`), which wins, as in ansible-core's color.py.
    static func colorEnabled(_ settings: [String: String]) -> Bool {
        if PlaybookExecutor.truthy(settings["ANSIBLE_FORCE_COLOR"]) { return true }
        if PlaybookExecutor.truthy(settings["ANSIBLE_NOCOLOR"]) || PlaybookExecutor.truthy(settings["NO_COLOR"]) { return false }
        return isatty(1) != 0
    }

    /// The vault secrets from `--vault-id`, `--vault-password-file`, `-J` and the environment,
    /// read before any playbook or inventory is, as ansible-playbook does. Sources that fail
    /// while another works are warnings.
    func loadVaultSecrets(renderer: DiagnosticRenderer, settings: [String: String]) throws(Diagnostic) -> VaultSecrets {
        let loader = VaultPasswordLoader(vaultIDs: vaultIds, passwordFiles: vaultPasswordFiles, askVaultPassword: askVaultPass,
                                         environment: settings,
                                         workingDirectory: FileManager.default.currentDirectoryPath)
        do {
            let (secrets, warnings) = try loader.load()
            for w in warnings { StandardStream.error.write(renderer.render(.warning(w)) + "\n") }
            return secrets
        } catch {
            throw Diagnostic.error(error.message, hint: "Check the vault password file or script, or run with a terminal to be asked.")
        }
    }

    /// A play with its name and hosts templated from its `vars` and the extra-vars, as the
    /// listings show them (task names stay as written).
    /// The variables a listing renders a play's name, hosts and tags with: its `vars`, its
    /// `vars_prompt` defaults (nothing is asked when listing), then the extra vars.
    static func headerVariables(_ play: Play, extraVars: PyDict) -> [String: Value] {
        var vars = play.keywords["vars"]?.dictValue ?? PyDict()
        for entry in play.keywords["vars_prompt"]?.listValue ?? [] {
            guard let d = entry.dictValue, let name = d["name"] else { continue }
            vars[name] = d["default"] ?? .none
        }
        vars.merge(extraVars)
        var source: [String: Value] = [:]
        for (k, v) in vars.items { source[k.pythonString] = v }
        return source
    }

    /// One template rendered for a listing; an error is located and exits 1, as ansible's.
    static func render(_ text: String, vars: [String: Value], at location: SourceLocation) throws(Diagnostic) -> Value {
        do {
            return try TemplateEngine().template(.string(text), vars: DictVariables(vars), origin: location)
        } catch {
            throw Diagnostic.error(error.message, at: location, hint: "Define the variable (for example with -e) or fix the template.",
                                   kind: .general)
        }
    }

    static func templatedHeader(_ play: Play, extraVars: PyDict) throws(Diagnostic) -> Play {
        let source = headerVariables(play, extraVars: extraVars)
        let engine = TemplateEngine()
        var out = play
        do {
            out.hosts = try engine.template(play.hosts, vars: DictVariables(source), origin: play.location)
        } catch {
            throw Diagnostic.error("could not template the play's hosts: \(error.message)", at: play.location,
                                   hint: "Define the variable (for example with -e) or fix the hosts pattern.", kind: .parse)
        }
        if let name = try? engine.template(.string(play.name), vars: DictVariables(source), origin: play.location) {
            out.name = name.pythonString
        }
        return out
    }

    /// `-i` values, else `ANSIBLE_INVENTORY` (or ansible.cfg's `inventory`), else
    /// `/etc/ansible/hosts` when it exists.
    func inventorySources(_ settings: [String: String]) -> [String] {
        if !inventory.isEmpty { return inventory }
        if let env = settings["ANSIBLE_INVENTORY"], !env.isEmpty {
            return env.split(separator: ",").map(String.init)
        }
        return FileManager.default.fileExists(atPath: "/etc/ansible/hosts") ? ["/etc/ansible/hosts"] : []
    }

    /// `ANSIBLE_ROLES_PATH` or ansible.cfg's `roles_path` (colon-separated), as ansible-core reads it.
    static func rolesPath(_ settings: [String: String]) -> [String] {
        (settings["ANSIBLE_ROLES_PATH"] ?? "").split(separator: ":").map(String.init)
    }

    /// Options that are accepted (so scripts keep parsing) but whose behaviour does not exist yet.
    func unimplementedRequested() -> [String] {
        var out: [String] = []
        if step { out.append("--step") }
        return out
    }

    func checkPlaybookPath(_ path: String) throws(Diagnostic) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw Diagnostic(.error, kind: .general, "the playbook: \(path) could not be found",
                             hint: "Check the path; playbooks are read relative to the current directory.")
        }
        if isDir.boolValue {
            throw Diagnostic(.error, kind: .general, "the playbook: \(path) does not appear to be a file",
                             hint: "Name a playbook file, not a directory.")
        }
    }
}
