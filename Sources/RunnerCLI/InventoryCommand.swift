import Core
import Foundation
import Inventory

/// `runner inventory ...`: ansible-inventory's command line (`--list`, `--host`, `--graph`),
/// parsed by hand to keep argparse's exact messages and exit codes.
enum InventoryCommand {
    struct Options {
        var inventory: [String] = []
        var limit: String?
        var playbookDir: String?
        var list = false
        var host: String?
        var graph = false
        var yaml = false
        var toml = false
        var showVars = false
        var export = false
        var output: String?
        var group: String?
    }

    static let usage = """
        usage: runner inventory [-h] [--version] [-v] [-i INVENTORY] [-l SUBSET]
                                [--playbook-dir BASEDIR] [-e EXTRA_VARS] [--list]
                                [--host HOST] [--graph] [-y] [--toml] [--vars]
                                [--export] [--output OUTPUT_FILE]
                                [group]
        """

    static func run(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32 {
        let options: Options
        switch parse(arguments) {
        case .success(let o): options = o
        case .failure(let e):
            if e.message == "help" {
                StandardStream.output.write(usage + "\n\nShow Runner inventory information, as ansible-inventory does.\n")
                return ExitCode.ok
            }
            StandardStream.error.write("\(usage)\nrunner inventory: error: \(e.message)\n")
            return ExitCode.badOptions
        }
        let renderer = DiagnosticRenderer()
        do {
            let (text, warnings) = try execute(options, environment: environment)
            for w in warnings { StandardStream.error.write(renderer.render(w) + "\n") }
            guard let text, !text.isEmpty else { return ExitCode.generalError }
            if let out = options.output {
                guard FileManager.default.createFile(atPath: out, contents: Data(text.utf8)) else {
                    throw Diagnostic.error("Unable to write to destination file '\(out)'.")
                }
            } else {
                StandardStream.output.write(text + "\n")
            }
            return ExitCode.ok
        } catch let d as Diagnostic {
            StandardStream.error.write(renderer.render(d) + "\n")
            return ExitCode.for(d)
        } catch {
            StandardStream.error.write(renderer.render(.error("\(error)")) + "\n")
            return ExitCode.generalError
        }
    }

    struct UsageError: Error { var message: String }

    static func parse(_ args: [String]) -> Result<Options, UsageError> {
        var o = Options()
        var i = 0
        var unknown: [String] = []
        func value(_ name: String, _ inline: String?) -> Result<String, UsageError> {
            if let inline { return .success(inline) }
            i += 1
            guard i < args.count, !args[i].hasPrefix("-") || args[i] == "-" else { return .failure(UsageError(message: "argument \(name): expected one argument")) }
            return .success(args[i])
        }
        while i < args.count {
            var arg = args[i]
            var inline: String?
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                inline = String(arg[arg.index(after: eq)...])
                arg = String(arg[..<eq])
            } else if arg.count > 2, arg.hasPrefix("-"), !arg.hasPrefix("--"), ["-i", "-l", "-e"].contains(String(arg.prefix(2))) {
                inline = String(arg.dropFirst(2))
                arg = String(arg.prefix(2))
            }
            switch arg {
            case "-h", "--help": return .failure(UsageError(message: "help"))
            case "-i", "--inventory", "--inventory-file":
                guard case .success(let v) = value("-i/--inventory/--inventory-file", inline) else { return .failure(UsageError(message: "argument -i/--inventory/--inventory-file: expected one argument")) }
                o.inventory.append(v)
            case "-l", "--limit":
                guard case .success(let v) = value("-l/--limit", inline) else { return .failure(UsageError(message: "argument -l/--limit: expected one argument")) }
                o.limit = v
            case "--playbook-dir":
                guard case .success(let v) = value("--playbook-dir", inline) else { return .failure(UsageError(message: "argument --playbook-dir: expected one argument")) }
                o.playbookDir = v
            case "--host":
                guard case .success(let v) = value("--host", inline) else { return .failure(UsageError(message: "argument --host: expected one argument")) }
                o.host = v
            case "--output":
                guard case .success(let v) = value("--output", inline) else { return .failure(UsageError(message: "argument --output: expected one argument")) }
                o.output = v
            case "-e", "--extra-vars", "--vault-id", "--vault-password-file", "--vault-pass-file":
                guard case .success = value(arg, inline) else { return .failure(UsageError(message: "argument \(arg): expected one argument")) }
            case "--list": o.list = true
            case "--graph": o.graph = true
            case "-y", "--yaml": o.yaml = true
            case "--toml": o.toml = true
            case "--vars": o.showVars = true
            case "--export": o.export = true
            case "--flush-cache", "-J", "--ask-vault-password", "--ask-vault-pass": break
            default:
                if arg.hasPrefix("-v") && arg.dropFirst().allSatisfy({ $0 == "v" }) || arg == "--verbose" { break }
                if arg.hasPrefix("-") && arg != "-" { unknown.append(args[i]) } else if o.group == nil { o.group = arg } else { unknown.append(arg) }
            }
            i += 1
        }
        if !unknown.isEmpty { return .failure(UsageError(message: "unrecognized arguments: " + unknown.joined(separator: " "))) }
        return .success(o)
    }
}

extension InventoryCommand {
    /// Runs the chosen action; returns the text to print (nil prints nothing, exit 1) and warnings.
    static func execute(_ o: Options, environment: [String: String]) throws -> (String?, [Diagnostic]) {
        let actions = [o.list, o.host != nil, o.graph].filter { $0 }.count
        if actions == 0 {
            throw Diagnostic(.error, kind: .options, "No action selected, at least one of --host, --graph or --list needs to be specified.")
        }
        if actions > 1 {
            throw Diagnostic(.error, kind: .options, "Conflicting options used, only one of --host, --graph or --list can be used at the same time.")
        }
        if o.toml {
            throw Diagnostic(.error, kind: .general, "TOML output (--toml) is not implemented in this version of runner",
                             hint: "Use the default JSON output or --yaml.")
        }
        let cwd = FileManager.default.currentDirectoryPath
        var settings = InventorySettings.fromEnvironment(environment)
        settings.workingDirectory = cwd
        let sources = o.inventory.isEmpty ? defaultSources(environment) : o.inventory
        let inventory = try InventoryLoader.load(sources: sources, playbookDirectory: o.playbookDir ?? cwd, settings: settings)
        var warnings = inventory.warnings
        let report = InventoryReport(inventory: inventory, playbookDirGiven: o.playbookDir != nil, export: o.export)
        if let host = o.host {
            let match = try inventory.hosts(matching: host)
            warnings += match.warnings
            guard match.hosts.count == 1 else {
                for w in warnings { StandardStream.error.write(DiagnosticRenderer().render(w) + "\n") }
                throw Diagnostic(.error, kind: .options, "You must pass a single valid host to --host parameter")
            }
            let vars = Value.dict(try report.hostVariables(match.hosts[0]))
            return (o.yaml ? YAMLDump.dump(vars) : PythonJSON.encode(vars), warnings)
        }
        let limit = try o.limit.map { l throws(Diagnostic) in try Inventory.limitTerms([l], workingDirectory: cwd) } ?? nil
        if o.graph {
            return (try report.graph(from: o.group ?? "all", showVars: o.showVars).joined(separator: "\n"), warnings)
        }
        let (doc, more) = try o.yaml ? report.yamlDocument(limit: limit) : report.listDocument(limit: limit)
        warnings += more
        return (o.yaml ? YAMLDump.dump(doc) : InventoryReport.json(doc), warnings)
    }

    /// `-i` default: `ANSIBLE_INVENTORY`, else ansible.cfg's `[defaults] inventory`, else /etc/ansible/hosts.
    static func defaultSources(_ env: [String: String]) -> [String] {
        let settings = AnsibleConfig.load(environment: env).settings
        if let v = settings["ANSIBLE_INVENTORY"], !v.isEmpty { return pathList(v) }
        return ["/etc/ansible/hosts"]
    }

    static func pathList(_ v: String) -> [String] {
        v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
