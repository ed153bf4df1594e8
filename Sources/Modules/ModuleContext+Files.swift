import Connection
import Core
import Foundation

extension ModuleContext {
    /// Runs sh on the host; a connection error ends the module as `unreachable` (or failed, when
    /// privilege escalation failed).
    func remote(_ script: String, input: Data? = nil) throws(ModuleFailure) -> CommandOutcome {
        do {
            return try connection.run(script: script, input: input, environment: environment)
        } catch {
            throw ModuleFailure(TaskResult(connectionError: error))
        }
    }

    /// Runs a probe script and reads its tagged lines.
    func probe(_ script: String) throws(ModuleFailure) -> ProbeOutput {
        let outcome = try remote(script)
        return ProbeOutput(outcome.stdout)
    }

    /// A controller file named by a module's `src`: absolute as given, else the first of
    /// `<dir>/<subdirectory>/<name>` and `<dir>/<name>` over the search paths.
    func findLocalFile(_ name: String, subdirectory: String) -> String? {
        let fm = FileManager.default
        if name.hasPrefix("/") { return fm.fileExists(atPath: name) ? name : nil }
        if name.hasPrefix("~") {
            let expanded = (name as NSString).expandingTildeInPath
            return fm.fileExists(atPath: expanded) ? expanded : nil
        }
        var candidates: [String] = []
        for dir in searchPaths {
            candidates.append(((dir as NSString).appendingPathComponent(subdirectory) as NSString).appendingPathComponent(name))
            candidates.append((dir as NSString).appendingPathComponent(name))
        }
        if searchPaths.isEmpty { candidates.append(name) }
        return candidates.first { fm.fileExists(atPath: $0) }
    }

    /// A required string argument, or Ansible's "missing required arguments" failure.
    func required(_ key: String, aliases: [String] = []) throws(ModuleFailure) -> String {
        for k in [key] + aliases {
            if let v = string(k) { return v }
        }
        throw ModuleFailure(.failed("missing required arguments: \(key)"))
    }

    /// The first given of several alias names.
    func string(anyOf keys: [String]) -> String? {
        for k in keys { if let v = string(k) { return v } }
        return nil
    }

    /// Runs a module body that may end early with a `ModuleFailure`.
    static func outcome(_ body: () throws(ModuleFailure) -> TaskResult) -> TaskResult {
        do {
            return try body()
        } catch {
            return error.result
        }
    }
}

/// Ansible's name for a temporary file on the target: it says `ansible-tmp-` so readers can
/// tell it apart, and is unique per write.
enum RemoteTemp {
    static func name(in directory: String, base: String) -> String {
        let nonce = UInt64.random(in: 0..<UInt64.max)
        let dir = directory.isEmpty ? "." : directory
        return (dir as NSString).appendingPathComponent(".ansible-tmp-\(String(nonce, radix: 36))-\(base)")
    }
}
