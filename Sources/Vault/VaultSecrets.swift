/// The vault passwords of a run, in the order they were given, and the decryption rule that
/// picks among them.
///
/// The run's secrets are reached through `VaultSecrets.current`, a task-local the command line
/// binds around the whole run, so every loader (vars files, inventories, `include_vars`,
/// templating of `!vault` values) sees them without threading them through each call.
public struct VaultSecrets: Sendable, Equatable {
    public var secrets: [VaultSecret]

    public init(_ secrets: [VaultSecret] = []) { self.secrets = secrets }

    public var isEmpty: Bool { secrets.isEmpty }

    /// The secrets of the running command (empty outside one).
    @TaskLocal public static var current = VaultSecrets()

    /// Decrypts vaulted data. A 1.2 envelope's vault id picks its secret first, then every other
    /// secret is tried in order, as ansible-core does with `vault_id_match` off (the id is a hint,
    /// not authenticated).
    public func decrypt(_ data: [UInt8]) throws(VaultError) -> [UInt8] {
        try decryptWithID(data).plaintext
    }

    /// Like `decrypt`, also naming the vault id of the secret that worked.
    public func decryptWithID(_ data: [UInt8]) throws(VaultError) -> (plaintext: [UInt8], vaultID: String) {
        guard VaultEnvelope.isEncrypted(data) else { throw VaultError(.other, "Input is not vault encrypted data.") }
        let envelope = try VaultEnvelope(parsing: data)
        guard envelope.cipher == "AES256" else {
            throw VaultError(.unknownCipher, "Cipher '\(envelope.cipher)' could not be found.")
        }
        guard !secrets.isEmpty else { throw VaultError.noSecrets }
        for secret in ordered(for: envelope.vaultID ?? VaultSecret.defaultIdentity) {
            if let plaintext = try VaultAES256.decrypt(payload: envelope.payload, password: secret.password) {
                return (plaintext, secret.id)
            }
        }
        throw VaultError.noSecretDecrypts
    }

    public func decrypt(_ text: String) throws(VaultError) -> String {
        String(decoding: try decrypt(Array(text.utf8)), as: UTF8.self)
    }

    /// The secrets whose id matches the envelope's first, then the others in order.
    func ordered(for vaultID: String) -> [VaultSecret] {
        secrets.filter { $0.id == vaultID } + secrets.filter { $0.id != vaultID }
    }

    /// The secret to encrypt with: the one named by `--encrypt-vault-id`, else the first.
    public func encryptionSecret(vaultID: String?) throws(VaultError) -> VaultSecret {
        if let vaultID {
            if let match = secrets.first(where: { $0.id == vaultID }) { return match }
            let known = "[" + secrets.map { "'\($0.id)'" }.joined(separator: ", ") + "]"
            throw VaultError(.other, "Did not find a match for --encrypt-vault-id=\(vaultID) in the known vault-ids \(known)")
        }
        guard let first = secrets.first else { throw VaultError(.noSecrets, "A vault password must be specified to encrypt data") }
        return first
    }

    /// The envelope text of plaintext encrypted with a secret (format 1.2 when its id is not `default`).
    public static func encrypt(_ plaintext: [UInt8], with secret: VaultSecret, salt: [UInt8]? = nil) throws(VaultError) -> [UInt8] {
        if VaultEnvelope.isEncrypted(plaintext) { throw VaultError(.other, "input is already encrypted") }
        let payload = try VaultAES256.encrypt(plaintext, password: secret.password, salt: salt)
        return VaultEnvelope.format(payload: payload, vaultID: secret.id)
    }
}
