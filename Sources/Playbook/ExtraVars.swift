import Core
import Foundation
import YAML

/// `-e`/`--extra-vars` as ansible-playbook reads them: each option is `@file` (YAML or JSON),
/// an inline YAML/JSON document starting with `{` or `[`, or `key=value` pairs split by
/// `parse_kv` (values stay strings). Later options win key by key (a shallow merge, as with
/// the default `hash_behaviour = replace`).
public struct ExtraVars: Sendable {
    public var values: PyDict
    public var warnings: [Diagnostic]

    public static func load(_ options: [String], workingDirectory: String) throws(Diagnostic) -> ExtraVars {
        var merged = PyDict()
        var warnings: [Diagnostic] = []
        for (n, option) in options.enumerated() {
            if option.isEmpty { continue }
            let origin = "<extra-vars #\(n + 1)>"
            let data: Value
            if option.hasPrefix("@") {
                let raw = String(option.dropFirst())
                let path = raw.hasPrefix("/") ? raw : URL(fileURLWithPath: workingDirectory).appendingPathComponent(raw).path
                guard FileManager.default.fileExists(atPath: path) else {
                    throw Diagnostic(.error, kind: .general, "Unable to retrieve file contents: could not find or access '\(raw)' (from -e \(option))",
                                     hint: "Check the path after `@`; it is relative to the current directory.")
                }
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                    // ansible-playbook reads the file while loading the play: a parse-time error (4).
                    throw Diagnostic(.error, kind: .parse, "An error occurred while trying to read the file '\(path)': [Errno 21] Is a directory: '\(path)'",
                                     hint: "`-e @FILE` needs a YAML or JSON file, not a directory.")
                }
                let loaded = try YAMLLoader.loadFile(path)
                warnings += loaded.warnings
                data = loaded.value
            } else if option.hasPrefix("/") || option.hasPrefix(".") {
                throw Diagnostic(.error, kind: .options, "Please prepend extra_vars filename '\(option)' with '@'",
                                 hint: "Write `-e @\(option)` to load variables from that file.")
            } else if option.hasPrefix("{") || option.hasPrefix("[") {
                let loaded = try YAMLLoader.load(option, file: origin)
                warnings += loaded.warnings
                data = loaded.value
            } else {
                do {
                    data = .dict(try KeyValueArguments.parse(option))
                } catch {
                    // Found while the play loads in ansible-playbook: a parse-time error (4).
                    throw Diagnostic(.error, kind: .parse, "\(error.description)",
                                     at: SourceLocation(file: origin),
                                     hint: "Balance the quotes and Jinja braces in the -e value.")
                }
            }
            guard case .dict(let dict) = data else {
                throw Diagnostic(.error, kind: .options,
                                 "Invalid extra vars data supplied. '\(option)' could not be made into a dictionary",
                                 hint: "Give key=value pairs, a YAML/JSON mapping, or @file holding a mapping.")
            }
            merged.merge(dict)
        }
        return ExtraVars(values: merged, warnings: warnings)
    }
}
