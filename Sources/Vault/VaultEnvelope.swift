/// The text form of vaulted data: a `$ANSIBLE_VAULT;1.1;AES256` (or `1.2;AES256;<vault id>`)
/// header line, then the hex payload wrapped at 80 columns, as ansible-vault writes it.
public struct VaultEnvelope: Sendable, Equatable {
    public static let header = "$ANSIBLE_VAULT"

    public var version: String
    public var cipher: String
    /// The vault id named by a 1.2 header, else nil.
    public var vaultID: String?
    /// The hex payload with the line breaks removed.
    public var payload: [UInt8]

    public init(version: String, cipher: String, vaultID: String?, payload: [UInt8]) {
        self.version = version
        self.cipher = cipher
        self.vaultID = vaultID
        self.payload = payload
    }

    /// Whether data is vaulted: ASCII that starts with `$ANSIBLE_VAULT` (ansible's `is_encrypted`).
    public static func isEncrypted<Bytes: Collection<UInt8>>(_ data: Bytes) -> Bool {
        guard data.starts(with: header.utf8) else { return false }
        return data.allSatisfy { $0 < 0x80 }
    }

    public static func isEncrypted(_ text: String) -> Bool { isEncrypted(Array(text.utf8)) }

    /// Splits the header from the payload. Header fields are stripped of surrounding whitespace
    /// and payload lines joined, as ansible-core's `parse_vaulttext_envelope` does.
    public init(parsing data: [UInt8]) throws(VaultError) {
        let lines = Self.splitLines(data)
        guard let first = lines.first else { throw VaultError(.format, "Vault envelope format error.") }
        let fields = String(decoding: first, as: UTF8.self).trimmingASCIIWhitespace().split(separator: ";", omittingEmptySubsequences: false)
            .map { String($0).trimmingASCIIWhitespace() }
        guard fields.count >= 3 else { throw VaultError(.format, "Vault envelope format error.") }
        version = fields[1]
        cipher = fields[2]
        vaultID = fields.count >= 4 ? fields[3] : nil
        payload = Array(lines.dropFirst().joined())
    }

    /// The envelope text: header, payload in 80-column lines, a final newline.
    /// A vault id other than `default` makes the format 1.2, as in ansible-core.
    public static func format(payload: [UInt8], cipher: String = "AES256", vaultID: String?) -> [UInt8] {
        var header = Self.header + ";"
        if let id = vaultID, !id.isEmpty, id != VaultSecret.defaultIdentity {
            header += "1.2;\(cipher);\(id)"
        } else {
            header += "1.1;\(cipher)"
        }
        var out = Array(header.utf8)
        var i = 0
        while i < payload.count {
            out.append(0x0A)
            out += payload[i..<min(i + 80, payload.count)]
            i += 80
        }
        out.append(0x0A)
        return out
    }

    /// Python's `bytes.splitlines()`: breaks at \n, \r and \r\n.
    static func splitLines(_ data: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0, i = 0
        while i < data.count {
            let c = data[i]
            if c == 0x0A || c == 0x0D {
                lines.append(data[start..<i])
                if c == 0x0D, i + 1 < data.count, data[i + 1] == 0x0A { i += 1 }
                start = i + 1
            }
            i += 1
        }
        if start < data.count { lines.append(data[start..<data.count]) }
        return lines
    }
}

extension String {
    /// Python's `str.strip()` for the ASCII whitespace that can appear in vault headers and passwords.
    func trimmingASCIIWhitespace() -> String {
        let ws: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C]
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { !ws.contains($0) }),
              let last = bytes.lastIndex(where: { !ws.contains($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
