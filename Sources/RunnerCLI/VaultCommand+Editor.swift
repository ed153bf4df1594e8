import Core
import Foundation
import Inventory
import Vault

/// `runner vault create|edit|rekey`, as ansible-vault 2.21 does them: the plaintext is edited in
/// `$EDITOR` (default `vi`, split like a shell line, the file name appended) on a 0600 file in a
/// private 0700 directory that is overwritten and removed afterwards; an unchanged edit leaves
/// the vault file as it was; `create` refuses an existing file and wants a terminal on stdout
/// unless `--skip-tty-check`; `rekey` re-encrypts with `--new-vault-password-file` or
/// `--new-vault-id` (asked for on a terminal when neither is given) and keeps the file's mode.
extension VaultCommand {
    func create(secrets: VaultSecrets) throws {
        guard args.count == 1 else {
            throw Failure(code: ExitCode.optionsError, message: "ansible-vault create can take only one filename argument")
        }
        guard isatty(1) != 0 || skipTTYCheck else {
            throw Failure(code: ExitCode.optionsError, message: "not a tty, editor cannot be opened")
        }
        let file = args[0]
        if FileManager.default.fileExists(atPath: absolute(file)) {
            throw VaultError(.other, "\(file) exists, please use 'edit' instead")
        }
        let secret = try encryptionSecret(secrets)
        let edited = try editInTemporaryFile(original: [], suffixOf: file)
        try write(try VaultSecrets.encrypt(edited, with: secret, salt: salt), to: file)
    }

    func edit(secrets: VaultSecrets) throws {
        for file in args {
            let data = try read(file)
            let (plaintext, vaultID): ([UInt8], String)
            do { (plaintext, vaultID) = try secrets.decryptWithID(data) } catch {
                throw VaultError(error.kind, "Failed to edit '\(absolute(file))': \(error.message)")
            }
            let edited = try editInTemporaryFile(original: plaintext, suffixOf: file)
            if edited == plaintext { continue }
            let secret: VaultSecret
            if let used = secrets.secrets.first(where: { $0.id == vaultID }) { secret = used } else { secret = try encryptionSecret(secrets) }
            try write(try VaultSecrets.encrypt(edited, with: secret, salt: salt), to: file)
        }
    }

    func rekey(secrets: VaultSecrets, renderer: DiagnosticRenderer) throws {
        var loader = VaultPasswordLoader(vaultIDs: newVaultID.map { [$0] } ?? [], passwordFiles: newPasswordFile.map { [$0] } ?? [],
                                         askVaultPassword: newVaultID == nil && newPasswordFile == nil,
                                         environment: [:], workingDirectory: FileManager.default.currentDirectoryPath)
        loader.confirmNewPassword = true
        let (newSecrets, warnings) = try loader.load()
        for w in warnings { StandardStream.error.write(renderer.render(.warning(w)) + "\n") }
        guard let newSecret = newSecrets.secrets.first else {
            throw Failure(code: ExitCode.optionsError, message: "A new vault password is required to rekey")
        }
        for file in args {
            let path = absolute(file)
            let plaintext: [UInt8]
            do { plaintext = try secrets.decrypt(try read(file)) } catch let error as VaultError {
                throw VaultError(error.kind, "Failed to rekey '\(path)': \(error.message)")
            }
            var info = stat()
            let hadMode = stat(path, &info) == 0
            try write(try VaultSecrets.encrypt(plaintext, with: newSecret, salt: salt), to: file)
            if hadMode {
                chmod(path, info.st_mode & 0o7777)
                _ = chown(path, info.st_uid, info.st_gid)
            }
        }
        StandardStream.error.write("Rekey successful\n")
    }

    /// Puts `original` in a private temporary file, runs the editor on it and returns what the
    /// file holds afterwards; the file is overwritten with zeros and removed either way.
    private func editInTemporaryFile(original: [UInt8], suffixOf file: String) throws -> [UInt8] {
        let temporary = NSTemporaryDirectory().hasSuffix("/") ? String(NSTemporaryDirectory().dropLast()) : NSTemporaryDirectory()
        var template = Array((temporary + "/runner-vault-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw VaultError(.other, "Problem creating temporary vault file.") }
        let dir = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let suffix = (file as NSString).pathExtension
        let path = dir + "/tmp" + (suffix.isEmpty ? "" : "." + suffix)
        try write(original, to: path)
        defer { shred(path) }
        let command: [String]
        do { command = try ShellWords.split(environment["EDITOR"].flatMap { $0.isEmpty ? nil : $0 } ?? "vi") + [path] } catch {
            throw VaultError(.other, "EDITOR could not be split into words: \(error.message)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do { try process.run() } catch {
            throw VaultError(.other, "Unable to execute the command \"\(command.joined(separator: " "))\": \(error.localizedDescription)")
        }
        exited.wait()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw VaultError(.other, "Unable to execute the command \"\(command.joined(separator: " "))\": Command '[\(command.map { "'\($0)'" }.joined(separator: ", "))]' returned non-zero exit status \(process.terminationStatus).")
        }
        return [UInt8](FileManager.default.contents(atPath: path) ?? Data())
    }

    /// Overwrites a file with zeros before it is removed, as ansible-vault shreds its temporary file.
    private func shred(_ path: String) {
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > 0,
           let handle = FileHandle(forWritingAtPath: path) {
            try? handle.write(contentsOf: Data(count: size))
            try? handle.synchronize()
            try? handle.close()
        }
        try? FileManager.default.removeItem(atPath: path)
    }
}
