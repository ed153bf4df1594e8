import Core
import Foundation

/// Base64, hashing and UUID filters.
enum EncodingFilters {
    static func register(_ t: inout [String: FilterFunction]) {
        t["b64encode"] = plugin { r, v, _ throws(TemplateError) in
            let x = try r.concrete(v)
            let bytes: [UInt8]
            if case .bytes(let b) = x { bytes = b } else { bytes = Array(Renderer.pyStr(x).utf8) }
            return .value(.string(Data(bytes).base64EncodedString()))
        }
        t["b64decode"] = plugin { r, v, _ throws(TemplateError) in
            let s = try r.str(v)
            let clean = s.filter { !$0.isWhitespace }
            let n = clean.filter { $0 != "=" }.count
            if n % 4 == 1 { throw .plugin("Invalid base64-encoded string: number of data characters (\(n)) cannot be 1 more than a multiple of 4") }
            var padded = clean.replacingOccurrences(of: "=", with: "")
            while padded.count % 4 != 0 { padded += "=" }
            guard let d = Data(base64Encoded: padded) else { throw .plugin("Incorrect padding") }
            return .value(.string(String(decoding: d, as: UTF8.self)))
        }
        t["md5"] = plugin { r, v, _ throws(TemplateError) in .value(.string(Digest.hex(Digest.md5(Array((try r.str(v)).utf8))))) }
        t["sha1"] = plugin { r, v, _ throws(TemplateError) in .value(.string(Digest.hex(Digest.sha1(Array((try r.str(v)).utf8))))) }
        t["checksum"] = t["sha1"]
        t["hash"] = plugin { r, v, a throws(TemplateError) in
            let algo = try r.strArg(a, 0, "hashtype", "sha1")
            let bytes = Array((try r.str(v)).utf8)
            switch algo {
            case "md5": return .value(.string(Digest.hex(Digest.md5(bytes))))
            case "sha1": return .value(.string(Digest.hex(Digest.sha1(bytes))))
            case "sha256": return .value(.string(Digest.hex(Digest.sha256(bytes))))
            case "sha224": return .value(.string(Digest.hex(Digest.sha256(bytes, is224: true))))
            case "sha384": return .value(.string(Digest.hex(Digest.sha512(bytes, is384: true))))
            case "sha512": return .value(.string(Digest.hex(Digest.sha512(bytes))))
            default: throw .plugin("unsupported hash type \(algo)")
            }
        }
        t["to_uuid"] = plugin { r, v, a throws(TemplateError) in
            let ns = try r.strArg(a, 0, "namespace", "361E6D51-FAEC-444A-9079-341386DA8E2E")
            // Python's uuid.UUID(): braces and a urn:uuid: prefix allowed, then 32 hex digits.
            var text = ns.replacingOccurrences(of: "urn:", with: "").replacingOccurrences(of: "uuid:", with: "")
            text = text.trimmingCharacters(in: CharacterSet(charactersIn: "{}")).replacingOccurrences(of: "-", with: "")
            let digits = Array(text.utf8)
            guard digits.count == 32, digits.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) }) else {
                throw .plugin("badly formed hexadecimal UUID string")
            }
            var nsBytes: [UInt8] = []
            for i in stride(from: 0, to: 32, by: 2) {
                nsBytes.append(UInt8(String(decoding: digits[i..<(i + 2)], as: UTF8.self), radix: 16) ?? 0)
            }
            var h = Array(Digest.sha1(nsBytes + Array((try r.str(v)).utf8)).prefix(16))
            h[6] = (h[6] & 0x0F) | 0x50
            h[8] = (h[8] & 0x3F) | 0x80
            let hex = Digest.hex(h)
            let c = Array(hex)
            return .value(.string(String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])))
        }
    }
}
