import Foundation
import GoldenSupport
import Testing
@testable import Vault

/// Vault decryption and encryption against ciphertexts the real ansible-vault 2.21 made
/// (`Fixtures/vault_expected.json`, recorded by `Fixtures/record.py`).
struct VaultCipherTests {
    static let fixtures = Golden.fixtures()
    nonisolated(unsafe) static let recorded: [String: [[String: Any]]] = {
        (try? Golden.json(fixtures.appendingPathComponent("vault_expected.json")) as? [String: [[String: Any]]]) ?? [:]
    }()

    static func cases(_ section: String) -> [String] { (recorded[section] ?? []).compactMap { $0["name"] as? String } }

    static func entry(_ section: String, _ name: String) throws -> [String: Any] {
        try #require(recorded[section]?.first { $0["name"] as? String == name })
    }

    /// The secret a recorded case was made with, read the way the command line reads it.
    static func secret(_ entry: [String: Any]) throws -> VaultSecret {
        let file = try #require(entry["password_file"] as? String)
        let loader = VaultPasswordLoader(vaultIDs: [], passwordFiles: [], askVaultPassword: false, environment: [:],
                                         workingDirectory: fixtures.path)
        let password = try loader.readPasswordSource(file, vaultID: nil)
        return VaultSecret(id: entry["vault_id"] as? String ?? VaultSecret.defaultIdentity, password: password)
    }

    static func bytes(_ v: Any?) -> [UInt8] { (v as? [Int] ?? []).map { UInt8($0) } }

    @Test func recordingsPresent() {
        #expect(Self.cases("decrypt").count >= 18)
        #expect(Self.cases("fixed_salt").count >= 36)
    }

    @Test("runner decrypts what ansible-vault encrypted", arguments: cases("decrypt"))
    func decrypt(_ name: String) throws {
        let e = try Self.entry("decrypt", name)
        let ciphertext = Array(try #require(e["ciphertext"] as? String).utf8)
        let secret = try Self.secret(e)
        #expect(try VaultSecrets([secret]).decrypt(ciphertext) == Self.bytes(e["plaintext"]))
        // A wrong password first, the right one second: the right one still wins.
        let decoy = VaultSecret(id: "other", password: "not it")
        #expect(try VaultSecrets([decoy, secret]).decryptWithID(ciphertext).vaultID == secret.id)
        // Only a wrong password: ansible's error.
        #expect(throws: VaultError.noSecretDecrypts) { try VaultSecrets([decoy]).decrypt(ciphertext) }
        #expect(throws: VaultError.noSecrets) { try VaultSecrets([]).decrypt(ciphertext) }
    }

    @Test("runner's encryption equals ansible-vault's byte for byte with the same salt", arguments: cases("fixed_salt"))
    func encryptFixedSalt(_ name: String) throws {
        let e = try Self.entry("fixed_salt", name)
        let salt = Array(try #require(e["salt"] as? String).utf8)
        let produced = try VaultSecrets.encrypt(Self.bytes(e["plaintext"]), with: try Self.secret(e), salt: salt)
        #expect(String(decoding: produced, as: UTF8.self) == e["ciphertext"] as? String)
    }

    @Test("runner's random-salt ciphertexts, which ansible-vault decrypted when recorded", arguments: cases("runner_roundtrip"))
    func runnerRoundTrip(_ name: String) throws {
        let e = try Self.entry("runner_roundtrip", name)
        let ciphertext = Array(try #require(e["ciphertext"] as? String).utf8)
        #expect(try VaultSecrets([try Self.secret(e)]).decrypt(ciphertext) == Self.bytes(e["ansible_vault_plaintext"]))
    }

    @Test func randomSaltRoundTripAndFormat() throws {
        let secret = VaultSecret(id: "prod", password: "pw")
        let a = try VaultSecrets.encrypt(Array("hello\n".utf8), with: secret)
        let b = try VaultSecrets.encrypt(Array("hello\n".utf8), with: secret)
        #expect(a != b, "a fresh salt each time")
        let text = String(decoding: a, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "$ANSIBLE_VAULT;1.2;AES256;prod")
        #expect(lines.last == "")
        #expect(lines.dropFirst().dropLast().dropLast().allSatisfy { $0.count == 80 })
        #expect(try VaultSecrets([secret]).decrypt(a) == Array("hello\n".utf8))
        let plain = VaultSecret(password: "pw")
        #expect(String(decoding: try VaultSecrets.encrypt([1], with: plain), as: UTF8.self).hasPrefix("$ANSIBLE_VAULT;1.1;AES256\n"))
    }

    @Test func tamperedCiphertextIsRefused() throws {
        let e = try Self.entry("decrypt", try #require(Self.cases("decrypt").first))
        var text = Array(try #require(e["ciphertext"] as? String).utf8)
        // Flip one hex digit of the last payload line (inside the ciphertext part).
        let i = text.count - 3
        text[i] = text[i] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        #expect(throws: VaultError.self) { try VaultSecrets([try Self.secret(e)]).decrypt(text) }
    }

    @Test func alreadyEncryptedInputIsRefused() throws {
        let e = try Self.entry("decrypt", try #require(Self.cases("decrypt").first))
        let text = Array(try #require(e["ciphertext"] as? String).utf8)
        #expect(throws: VaultError(.other, "input is already encrypted")) { try VaultSecrets.encrypt(text, with: VaultSecret(password: "x")) }
    }

    @Test func passwordFilesAreStrippedAsAnsibleDoes() throws {
        let loader = VaultPasswordLoader(vaultIDs: [], passwordFiles: [], askVaultPassword: false, environment: [:],
                                         workingDirectory: Self.fixtures.path)
        #expect(try loader.readPasswordSource("passwords/padded.txt", vaultID: nil) == Array("spaced out pass".utf8))
        #expect(throws: VaultError.self) { try loader.readPasswordSource("passwords/missing.txt", vaultID: nil) }
    }
}
