import Core
import Foundation
import Vault

/// Loads YAML files and strings into `Value`s the way Ansible's loader does.
public enum YAMLLoader {
    public struct Loaded: Sendable {
        public var value: Value
        public var root: YAMLNode?
        public var warnings: [Diagnostic]
    }

    /// Loads one document (PyYAML `safe_load` semantics: an empty stream is `None`).
    public static func load(_ bytes: [UInt8], file: String, ansibleTags: Bool = true) throws(Diagnostic) -> Loaded {
        let root = try YAMLParser(file: file).parseSingleDocument(bytes)
        var constructor = YAMLConstructor(ansibleTags: ansibleTags)
        guard let root else { return Loaded(value: .none, root: nil, warnings: []) }
        let value = try constructor.construct(root)
        return Loaded(value: value, root: root, warnings: constructor.warnings)
    }

    public static func load(_ text: String, file: String, ansibleTags: Bool = true) throws(Diagnostic) -> Loaded {
        try load(Array(text.utf8), file: file, ansibleTags: ansibleTags)
    }

    /// Reads and loads a file; an unreadable file is an error naming it.
    public static func loadFile(_ path: String, ansibleTags: Bool = true) throws(Diagnostic) -> Loaded {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDir: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
            let why = !exists ? "the file does not exist" : isDir.boolValue ? "it is a directory" : "it cannot be read (permissions?)"
            throw Diagnostic.error("could not read \(path): \(why)", at: SourceLocation(file: path))
        }
        return try load(try decryptedIfVaulted([UInt8](data), file: path), file: path, ansibleTags: ansibleTags)
    }

    /// Whether a file starts with a vault header.
    public static func isVaulted(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: VaultEnvelope.header.utf8.count)) ?? Data()
        return VaultEnvelope.isEncrypted([UInt8](head))
    }

    /// A whole-file vault (`ansible-vault encrypt`) is decrypted with the run's secrets before
    /// parsing, wherever a file is read: vars files, inventories, group/host vars, `-e @file`.
    public static func decryptedIfVaulted(_ data: [UInt8], file: String) throws(Diagnostic) -> [UInt8] {
        guard VaultEnvelope.isEncrypted(data) else { return data }
        do {
            return try VaultSecrets.current.decrypt(data)
        } catch {
            throw Diagnostic.error(error.message, at: SourceLocation(file: file),
                                   hint: "Give the vault password with --vault-password-file, --vault-id or -J (--ask-vault-password).")
        }
    }
}
