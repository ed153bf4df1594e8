import ArgumentParser
import Connection
import Core
import Foundation

/// The front door: picks the subcommand (`runner inventory ...`, `runner vault ...`) or the playbook command
/// (everything else, as `ansible-playbook`), runs it, and maps the outcome to an exit code.
public enum RunnerMain {
    public static func run(_ arguments: [String]) -> Int32 {
        // Started by ssh as its askpass program (password logins): print the password, nothing else.
        if let status = SSHAskPass.answer(arguments: arguments, environment: ProcessInfo.processInfo.environment) {
            return status
        }
        if let first = arguments.first, first == "inventory" {
            return InventoryCommand.run(Array(arguments.dropFirst()))
        }
        if let first = arguments.first, first == "vault" {
            return VaultCommand.run(Array(arguments.dropFirst()))
        }
        return runParsable(PlaybookCommand.self, arguments)
    }

    static func runParsable<C: ParsableCommand>(_ type: C.Type, _ arguments: [String]) -> Int32 {
        do {
            var command = try type.parseAsRoot(arguments)
            try command.run()
            return ExitCode.ok
        } catch let exit as RunnerExit {
            return exit.code
        } catch let d as Diagnostic {
            StandardStream.error.write(DiagnosticRenderer().render(d) + "\n")
            return ExitCode.for(d)
        } catch {
            let code = type.exitCode(for: error)
            let message = type.fullMessage(for: error)
            if code == .success {
                StandardStream.output.write(message + "\n")
                return ExitCode.ok
            }
            // A bad option: one-line reason, then usage, as ansible-playbook (argparse) does.
            let usage = type.usageString()
            StandardStream.error.write("usage: \(usage)\nrunner: error: \(firstLine(of: message))\n")
            return ExitCode.badOptions
        }
    }

    static func firstLine(of message: String) -> String {
        let line = message.split(separator: "\n").first.map(String.init) ?? message
        return line.hasPrefix("Error: ") ? String(line.dropFirst(7)) : line
    }
}

/// Thrown by a command to end with a given exit code after it printed what it had to say.
struct RunnerExit: Error {
    var code: Int32
}
