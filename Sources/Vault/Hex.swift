/// Lowercase hex encoding and Python `binascii.unhexlify` decoding (either case, even length).
enum Hex {
    static let digits = Array("0123456789abcdef".utf8)

    static func encode<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return out
    }

    static func decode<Bytes: Collection<UInt8>>(_ hex: Bytes) throws(VaultError) -> [UInt8] {
        guard hex.count % 2 == 0 else { throw VaultError(.format, "Vault format unhexlify error.") }
        var out: [UInt8] = []
        out.reserveCapacity(hex.count / 2)
        var high: UInt8? = nil
        for c in hex {
            guard let v = value(c) else { throw VaultError(.format, "Vault format unhexlify error.") }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }
}
