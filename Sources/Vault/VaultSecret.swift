/// One vault password with the vault id it was given for (`default` when none was named).
public struct VaultSecret: Sendable, Equatable {
    /// The identity that picks this secret first for a 1.2 envelope naming it (`--vault-id dev@file`).
    public var id: String
    /// The password bytes, already stripped as ansible-core strips them.
    public var password: [UInt8]

    public init(id: String = VaultSecret.defaultIdentity, password: [UInt8]) {
        self.id = id
        self.password = password
    }

    public init(id: String = VaultSecret.defaultIdentity, password: String) {
        self.init(id: id, password: Array(password.utf8))
    }

    /// The vault identity used when none is given (`DEFAULT_VAULT_IDENTITY`).
    public static let defaultIdentity = "default"
}
