import Crypto
import CryptoExtras
import Foundation

/// The `AES256` vault cipher: PBKDF2-HMAC-SHA256 (10,000 rounds) over the password and a salt
/// gives 80 bytes: the AES-256 key, the HMAC-SHA256 key and the 16-byte initial CTR counter.
/// The plaintext is PKCS#7 padded to 16 bytes and encrypted in CTR mode; the HMAC covers the
/// ciphertext. The payload is `hex(hex(salt) \n hex(hmac) \n hex(ciphertext))`.
public enum VaultAES256 {
    static let rounds = 10_000
    static let keyLength = 32
    static let ivLength = 16

    struct DerivedKeys {
        var cipherKey: SymmetricKey
        var hmacKey: SymmetricKey
        var counter: [UInt8]
    }

    static func deriveKeys(password: [UInt8], salt: [UInt8]) throws(VaultError) -> DerivedKeys {
        let derived: SymmetricKey
        do {
            derived = try KDF.Insecure.PBKDF2.deriveKey(from: password, salt: salt, using: .sha256,
                                                        outputByteCount: 2 * keyLength + ivLength,
                                                        unsafeUncheckedRounds: rounds)
        } catch {
            throw VaultError(.other, "PBKDF2 key derivation failed: \(error)")
        }
        let bytes = derived.withUnsafeBytes { Array($0) }
        return DerivedKeys(cipherKey: SymmetricKey(data: bytes[0..<keyLength]),
                           hmacKey: SymmetricKey(data: bytes[keyLength..<2 * keyLength]),
                           counter: Array(bytes[2 * keyLength..<2 * keyLength + ivLength]))
    }

    /// The hex payload for plaintext (without the envelope). `salt` defaults to 32 random bytes;
    /// a fixed one (`ANSIBLE_VAULT_ENCRYPT_SALT`) makes the output reproducible.
    public static func encrypt(_ plaintext: [UInt8], password: [UInt8], salt: [UInt8]? = nil) throws(VaultError) -> [UInt8] {
        let salt = salt ?? randomSalt()
        guard !salt.isEmpty else { throw VaultError(.other, "Empty or invalid salt passed to encrypt()") }
        let keys = try deriveKeys(password: password, salt: salt)
        let padLength = 16 - plaintext.count % 16
        let padded = plaintext + [UInt8](repeating: UInt8(padLength), count: padLength)
        let ciphertext = try ctr(padded, keys)
        let mac = HMAC<SHA256>.authenticationCode(for: ciphertext, using: keys.hmacKey)
        let inner = Hex.encode(salt) + [0x0A] + Hex.encode(mac) + [0x0A] + Hex.encode(ciphertext)
        return Hex.encode(inner)
    }

    /// The plaintext of a hex payload, or nil when the password does not verify the HMAC.
    public static func decrypt(payload: [UInt8], password: [UInt8]) throws(VaultError) -> [UInt8]? {
        let inner = try Hex.decode(payload)
        let parts = inner.split(separator: 0x0A, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw VaultError(.format, "Vault vaulttext format error.") }
        let salt = try Hex.decode(parts[0])
        let ciphertext = try Hex.decode(parts[2])
        let expected = try Hex.decode(parts[1])
        let keys = try deriveKeys(password: password, salt: salt)
        guard HMAC<SHA256>.isValidAuthenticationCode(expected, authenticating: ciphertext, using: keys.hmacKey) else {
            return nil
        }
        let padded = try ctr(ciphertext, keys)
        guard let pad = padded.last, pad >= 1, pad <= 16, Int(pad) <= padded.count,
              padded.suffix(Int(pad)).allSatisfy({ $0 == pad }) else {
            throw VaultError(.format, "Invalid padding bytes.")
        }
        return Array(padded.dropLast(Int(pad)))
    }

    static func ctr(_ data: [UInt8], _ keys: DerivedKeys) throws(VaultError) -> [UInt8] {
        do {
            let nonce = try AES._CTR.Nonce(nonceBytes: keys.counter)
            return Array(try AES._CTR.encrypt(data, using: keys.cipherKey, nonce: nonce))
        } catch {
            throw VaultError(.other, "AES-CTR failed: \(error)")
        }
    }

    static func randomSalt() -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
    }
}
