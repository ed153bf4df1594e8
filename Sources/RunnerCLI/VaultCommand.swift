import Core
import Foundation
import Vault

/// `runner vault encrypt|decrypt|view|encrypt_string|create|edit|rekey ...`: ansible-vault's
/// command line (the editor actions are in `VaultCommand+Editor.swift`). Output is byte-compatible with ansible-vault (the same envelope,
/// 80-column hex lines, `!vault |` blocks indented by 10), and exit codes are its: 0 ok,
/// 1 an error, 2 a bad command line, 5 bad option values.
struct VaultCommand {
    static let actions = ["create", "decrypt", "edit", "view", "encrypt", "encrypt_string", "rekey"]
    static let usage = "usage: runner vault [-h] [--version] [-v]\n                    {create,decrypt,edit,view,encrypt,encrypt_string,rekey} ...\n"

    var action = ""
    var vaultIDs: [String] = []
    var passwordFiles: [String] = []
    var askVaultPassword = false
    var output: String?
    var encryptVaultID: String?
    var names: [String] = []
    var stdinName: String?
    var args: [String] = []
    /// `rekey`'s `--new-vault-id` and `--new-vault-password-file`.
    var newVaultID: String?
    var newPasswordFile: String?
    /// `create --skip-tty-check`.
    var skipTTYCheck = false
    var environment = ProcessInfo.processInfo.environment

    /// A usage error (argparse's exit 2) or an option-value error (AnsibleOptionsError, exit 5).
    struct Failure: Error {
        var code: Int32
        var message: String
    }

    static func run(_ arguments: [String]) -> Int32 {
        let renderer = DiagnosticRenderer()
        do {
            var command = try parse(arguments)
            try command.execute(renderer: renderer)
            return ExitCode.ok
        } catch let f as Failure {
            if f.code == ExitCode.badOptions {
                StandardStream.error.write(usage + "runner vault: error: \(f.message)\n")
            } else {
                StandardStream.error.write(renderer.render(.error(f.message)) + "\n")
            }
            return f.code
        } catch let e as VaultError {
            StandardStream.error.write(renderer.render(.error(e.message)) + "\n")
            return ExitCode.generalError
        } catch {
            StandardStream.error.write(renderer.render(.error("\(error)")) + "\n")
            return ExitCode.generalError
        }
    }

    static func parse(_ arguments: [String]) throws -> VaultCommand {
        var c = VaultCommand()
        var rest = arguments[...]
        guard let action = rest.popFirst() else {
            throw Failure(code: ExitCode.badOptions, message: "the following arguments are required: action")
        }
        guard actions.contains(action) else {
            let choices = actions.map { "'\($0)'" }.joined(separator: ", ")
            throw Failure(code: ExitCode.badOptions, message: "argument action: invalid choice: '\(action)' (choose from \(choices))")
        }
        c.action = action
        func value(_ option: String, _ inline: String?) throws -> String {
            if let inline { return inline }
            guard let v = rest.popFirst() else { throw Failure(code: ExitCode.badOptions, message: "argument \(option): expected one argument") }
            return v
        }
        var onlyArgs = false
        while let arg = rest.popFirst() {
            if onlyArgs || !arg.hasPrefix("-") || arg == "-" { c.args.append(arg); continue }
            if arg == "--" { onlyArgs = true; continue }
            let (name, inline): (String, String?) = {
                if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                    return (String(arg[..<eq]), String(arg[arg.index(after: eq)...]))
                }
                return (arg, nil)
            }()
            switch name {
            case "--vault-id": c.vaultIDs.append(try value(name, inline))
            case "--vault-password-file", "--vault-pass-file": c.passwordFiles.append(try value(name, inline))
            case "-J", "--ask-vault-password", "--ask-vault-pass": c.askVaultPassword = true
            case "--output" where ["decrypt", "encrypt", "encrypt_string"].contains(action): c.output = try value(name, inline)
            case "--encrypt-vault-id" where ["create", "edit", "encrypt", "encrypt_string", "rekey"].contains(action):
                c.encryptVaultID = try value(name, inline)
            case "-n", "--name" where action == "encrypt_string": c.names.append(try value(name, inline))
            case "--stdin-name" where action == "encrypt_string": c.stdinName = try value(name, inline)
            case "--show-input" where action == "encrypt_string": break
            case "--new-vault-id" where action == "rekey": c.newVaultID = try value(name, inline)
            case "--new-vault-password-file", "--new-vault-pass-file" where action == "rekey": c.newPasswordFile = try value(name, inline)
            case "--skip-tty-check" where action == "create": c.skipTTYCheck = true
            case "-p", "--prompt" where action == "encrypt_string":
                throw Failure(code: ExitCode.optionsError, message: "--prompt is not implemented in this version of runner vault yet")
            default:
                if arg.allSatisfy({ $0 == "-" || $0 == "v" }) && arg.hasPrefix("-v") { continue }
                throw Failure(code: ExitCode.badOptions, message: "unrecognized arguments: \(arg)")
            }
        }
        if c.askVaultPassword && !c.passwordFiles.isEmpty {
            throw Failure(code: ExitCode.badOptions,
                          message: "argument --vault-password-file/--vault-pass-file: not allowed with argument -J/--ask-vault-password/--ask-vault-pass")
        }
        for id in c.vaultIDs where id.contains(";") {
            throw Failure(code: ExitCode.optionsError, message: "'\(id)' is not a valid vault id. The character ';' is not allowed in vault ids")
        }
        if c.output != nil && c.args.count > 1 {
            throw Failure(code: ExitCode.optionsError, message: "At most one input file may be used with the --output option")
        }
        return c
    }

    mutating func execute(renderer: DiagnosticRenderer) throws {
        let encrypting = ["encrypt", "encrypt_string", "create"].contains(action)
        var loader = VaultPasswordLoader(vaultIDs: vaultIDs, passwordFiles: passwordFiles, askVaultPassword: askVaultPassword,
                                         environment: environment, workingDirectory: FileManager.default.currentDirectoryPath)
        loader.autoPrompt = true
        loader.confirmNewPassword = encrypting
        let (secrets, warnings) = try loader.load()
        for w in warnings { StandardStream.error.write(renderer.render(.warning(w)) + "\n") }
        guard !secrets.isEmpty else {
            throw Failure(code: ExitCode.optionsError, message: "A vault password is required to use Ansible's Vault")
        }
        switch action {
        case "create": try create(secrets: secrets)
        case "edit": try edit(secrets: secrets)
        case "rekey": try rekey(secrets: secrets, renderer: renderer)
        case "view":
            for file in args {
                let data = try read(file)
                do {
                    StandardStream.output.handle.write(Data(try secrets.decrypt(data)))
                } catch {
                    throw VaultError(error.kind, "Failed to view '\(file)': \(error.message)")
                }
            }
        case "decrypt":
            for file in args.isEmpty ? ["-"] : args {
                let data = try read(file)
                let plaintext: [UInt8]
                do { plaintext = try secrets.decrypt(data) } catch {
                    throw VaultError(error.kind, "Failed to decrypt '\(absolute(file))': \(error.message)")
                }
                try write(plaintext, to: output ?? file)
            }
            if isatty(1) != 0 { StandardStream.error.write("Decryption successful\n") }
        case "encrypt":
            let secret = try encryptionSecret(secrets)
            for file in args.isEmpty ? ["-"] : args {
                let ciphertext = try VaultSecrets.encrypt(try read(file), with: secret, salt: salt)
                try write(ciphertext, to: output ?? file)
            }
            if isatty(1) != 0 { StandardStream.error.write("Encryption successful\n") }
        default:
            try encryptString(with: try encryptionSecret(secrets))
        }
    }

    /// `--encrypt-vault-id` (or `ANSIBLE_VAULT_ENCRYPT_IDENTITY`), required when several secrets are known.
    func encryptionSecret(_ secrets: VaultSecrets) throws -> VaultSecret {
        let id = encryptVaultID ?? environment["ANSIBLE_VAULT_ENCRYPT_IDENTITY"].flatMap { $0.isEmpty ? nil : $0 }
        if secrets.secrets.count > 1 && id == nil {
            throw Failure(code: ExitCode.optionsError, message: "The vault-ids \(secrets.secrets.map(\.id).joined(separator: ",")) are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id")
        }
        return try secrets.encryptionSecret(vaultID: id)
    }

    /// `ANSIBLE_VAULT_ENCRYPT_SALT`: a fixed salt, for reproducible output.
    var salt: [UInt8]? {
        guard let s = environment["ANSIBLE_VAULT_ENCRYPT_SALT"], !s.isEmpty else { return nil }
        return Array(s.utf8)
    }

    func encryptString(with secret: VaultSecret) throws {
        let plainArgs = args.filter { $0 != "-" }
        let readStdin = args.contains("-") || stdinName != nil || args.isEmpty
        var items: [(plaintext: [UInt8], source: String, name: String?)] = []
        if readStdin {
            let data = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
            if data.isEmpty { throw Failure(code: ExitCode.optionsError, message: "stdin was empty, not encrypting") }
            items.append((data, "stdin", stdinName))
        }
        var named: [(String?, String)] = Array(zip(names.map { Optional($0) }, plainArgs))
        if !names.isEmpty && plainArgs.count > named.count {
            StandardStream.error.write("The number of --name options do not match the number of args.\n")
            StandardStream.error.write("The last named variable will be \"\(names.last!)\". The rest will not have names.\n")
        }
        named += plainArgs.dropFirst(named.count).map { (nil, $0) }
        for (name, text) in named {
            if text.isEmpty {
                throw Failure(code: ExitCode.optionsError, message: "The plaintext provided from the command line args was empty, not encrypting")
            }
            items.append((Array(text.utf8), "the command line args", name))
        }
        var blocks: [String] = []
        for (index, item) in items.enumerated() {
            let ciphertext = String(decoding: try VaultSecrets.encrypt(item.plaintext, with: secret, salt: salt), as: UTF8.self)
            var lines = [(item.name.map { "\($0): " } ?? "") + "!vault |"]
            lines += ciphertext.split(separator: "\n").map { String(repeating: " ", count: 10) + $0 }
            if items.count > 1 {
                let n = index + 1
                StandardStream.error.write(item.name.map { "# The encrypted version of variable (\"\($0)\", the string #\(n) from \(item.source)).\n" }
                                           ?? "# The encrypted version of the string #\(n) from \(item.source).)\n")
            }
            blocks.append(lines.joined(separator: "\n"))
        }
        try write(Array((blocks + [""]).joined(separator: "\n").utf8), to: output ?? "-")
        if isatty(1) != 0 { StandardStream.error.write("Encryption successful\n") }
    }

    func absolute(_ file: String) -> String {
        file.hasPrefix("/") ? file : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(file)
    }

    func read(_ file: String) throws -> [UInt8] {
        if file == "-" { return [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
        let path = absolute(file)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VaultError(.other, "Unable to read source file (\(path)): [Errno 2] No such file or directory: '\(path)'")
        }
        return [UInt8](data)
    }

    /// Writes to stdout for `-`, else replaces the file with a new one of mode 0600, as ansible-vault does.
    func write(_ bytes: [UInt8], to file: String) throws {
        if file == "-" {
            StandardStream.output.handle.write(Data(bytes))
            return
        }
        let path = absolute(file)
        if FileManager.default.fileExists(atPath: path) { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_TRUNC, 0o600)
        guard fd >= 0 else { throw VaultError(.other, "Problem creating temporary vault file.") }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw VaultError(.other, "Unable to write to temporary vault file: short write") }
    }
}
