/// Why vaulted data could not be read or written. The messages are ansible-core's, so a user
/// who searches for one finds the same advice.
public struct VaultError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No secret at all was given (`Attempting to decrypt but no vault secrets found.`).
        case noSecrets
        /// Every secret was tried and none verified the HMAC.
        case noSecretDecrypts
        /// The envelope or the hex body is malformed.
        case format
        /// The envelope names a cipher other than AES256.
        case unknownCipher
        /// A password file or script could not give a password.
        case password
        /// Anything else (already-encrypted input, bad options).
        case other
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static let noSecrets = VaultError(.noSecrets, "Attempting to decrypt but no vault secrets found.")
    static let noSecretDecrypts = VaultError(.noSecretDecrypts, "Decryption failed (no vault secrets were found that could decrypt).")
}
