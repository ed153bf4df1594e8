import Foundation

/// Turns the command line's vault options into the run's secrets, as ansible-core's
/// `setup_vault_secrets` does: `ANSIBLE_VAULT_IDENTITY_LIST` and `--vault-id` first, then each
/// `--vault-password-file` (and `ANSIBLE_VAULT_PASSWORD_FILE`) as `default@FILE`, then a prompt
/// for `-J`. A source that fails is a warning while another source works, else the error.
public struct VaultPasswordLoader {
    public var vaultIDs: [String]
    public var passwordFiles: [String]
    public var askVaultPassword: Bool
    public var environment: [String: String]
    public var workingDirectory: String
    /// Prompt without any other source (ansible-vault does; ansible-playbook does not).
    public var autoPrompt = false
    /// Ask twice, as ansible-vault does for a new password (encrypt, encrypt_string).
    public var confirmNewPassword = false
    /// Reads a password from the terminal; nil when there is none (end of input).
    public var prompt: (String) -> String? = VaultPasswordLoader.terminalPrompt

    public init(vaultIDs: [String], passwordFiles: [String], askVaultPassword: Bool,
                environment: [String: String], workingDirectory: String) {
        self.vaultIDs = vaultIDs
        self.passwordFiles = passwordFiles
        self.askVaultPassword = askVaultPassword
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// The secrets, with the warnings to print for sources that failed.
    public func load() throws(VaultError) -> (secrets: VaultSecrets, warnings: [String]) {
        var slugs = (environment["ANSIBLE_VAULT_IDENTITY_LIST"] ?? "").split(separator: ",")
            .map { String($0).trimmingASCIIWhitespace() }.filter { !$0.isEmpty } + vaultIDs
        var files = passwordFiles
        if let file = environment["ANSIBLE_VAULT_PASSWORD_FILE"], !file.isEmpty { files.append(file) }
        slugs += files.map { "\(VaultSecret.defaultIdentity)@\($0)" }
        if askVaultPassword || (slugs.isEmpty && autoPrompt) {
            slugs.append("\(VaultSecret.defaultIdentity)@prompt_ask_vault_pass")
        }
        var secrets: [VaultSecret] = []
        var warnings: [String] = []
        var lastError: VaultError?
        for slug in slugs {
            let (name, source) = Self.split(slug)
            if source == "prompt" || source == "prompt_ask_vault_pass" {
                let id = name ?? VaultSecret.defaultIdentity
                do {
                    secrets.append(VaultSecret(id: id, password: try ask(id: id, oldFormat: source == "prompt_ask_vault_pass")))
                } catch {
                    warnings.append("Error in vault password prompt (\(name ?? "None")): \(error.message)")
                    throw error
                }
                continue
            }
            do {
                let password = try readPasswordSource(source, vaultID: name)
                secrets.append(VaultSecret(id: name ?? VaultSecret.defaultIdentity, password: password))
            } catch {
                let stage = error.kind == .password ? "Error in vault password file loading" : "Error getting vault password file"
                warnings.append("\(stage) (\(name ?? "None")): \(error.message)")
                lastError = error
            }
        }
        if let lastError, secrets.isEmpty { throw lastError }
        return (VaultSecrets(secrets), warnings)
    }

    /// `name@source`, or just a source.
    static func split(_ slug: String) -> (String?, String) {
        guard let at = slug.firstIndex(of: "@") else { return (nil, slug) }
        return (String(slug[..<at]), String(slug[slug.index(after: at)...]))
    }

    func ask(id: String, oldFormat: Bool) throws(VaultError) -> [UInt8] {
        let prompts: [String]
        switch (oldFormat, confirmNewPassword) {
        case (true, false): prompts = ["Vault password: "]
        case (true, true): prompts = ["New Vault password: ", "Confirm New Vault password: "]
        case (false, false): prompts = ["Vault password (\(id)): "]
        case (false, true): prompts = ["New vault password (\(id)): ", "Confirm new vault password (\(id)): "]
        }
        var answers: [[UInt8]] = []
        for text in prompts {
            guard let answer = prompt(text) else { throw VaultError(.password, "EOFError (ctrl-d) on prompt for (\(id))") }
            guard !answer.isEmpty else { throw VaultError(.password, "Invalid vault password was provided") }
            answers.append(Array(answer.trimmingASCIIWhitespace().utf8))
        }
        if answers.contains(where: { $0 != answers[0] }) { throw VaultError(.password, "Passwords do not match") }
        return answers[0]
    }

    /// A password file's content, or an executable's output (a `*-client` script gets
    /// `--vault-id NAME`), stripped as ansible-core strips them.
    func readPasswordSource(_ source: String, vaultID: String?) throws(VaultError) -> [UInt8] {
        let expanded = (source as NSString).expandingTildeInPath
        let path = ((expanded.hasPrefix("/") ? expanded : (workingDirectory as NSString).appendingPathComponent(expanded)) as NSString)
            .standardizingPath
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw VaultError(.other, "The vault password file \(path) was not found")
        }
        if isDir.boolValue { throw VaultError(.other, "The vault password file provided '\(path)' can not be a directory") }
        if FileManager.default.isExecutableFile(atPath: path) {
            let client = ((source as NSString).deletingPathExtension).hasSuffix("-client")
            let output = try VaultPasswordScript(path: path, vaultID: client ? (vaultID ?? VaultSecret.defaultIdentity) : nil).run()
            let password = Self.strip(output, Set([0x0D, 0x0A]))
            guard !password.isEmpty else { throw VaultError(.password, "Invalid vault password was provided from script (\(path))") }
            return password
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VaultError(.other, "Could not read vault password file '\(path)'.")
        }
        let password = Self.strip(Self.strip(Array(data), Set([0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C])), Set([0x0D, 0x0A]))
        guard !password.isEmpty else { throw VaultError(.password, "Invalid vault password was provided from file (\(path))") }
        return password
    }

    public static func strip(_ bytes: [UInt8], _ set: Set<UInt8>) -> [UInt8] {
        guard let first = bytes.firstIndex(where: { !set.contains($0) }),
              let last = bytes.lastIndex(where: { !set.contains($0) }) else { return [] }
        return Array(bytes[first...last])
    }

    /// Prompts on the controlling terminal with echo off; nil when there is no terminal.
    public static func terminalPrompt(_ text: String) -> String? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var saved = termios()
        let haveTermios = tcgetattr(fd, &saved) == 0
        if haveTermios {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        defer { if haveTermios { var s = saved; tcsetattr(fd, TCSAFLUSH, &s) } }
        _ = text.withCString { write(fd, $0, strlen($0)) }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        var sawEOF = true
        while read(fd, &byte, 1) == 1 {
            sawEOF = false
            if byte == 0x0A { break }
            line.append(byte)
        }
        _ = write(fd, "\n", 1)
        if sawEOF && line.isEmpty { return nil }
        return String(decoding: line, as: UTF8.self)
    }
}
