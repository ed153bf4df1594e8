import Foundation

/// A small JSON reader for goldens. Foundation's JSONSerialization refuses documents nested
/// deeper than 512 levels, and the YAML corpus pins a 200-level document (400 levels once
/// encoded), so goldens are read with this instead.
enum GoldenJSON {
    struct Failure: Error, CustomStringConvertible {
        var offset: Int
        var description: String { "invalid JSON at byte \(offset)" }
    }

    static func parse(_ data: Data) throws -> Any {
        var reader = Reader(bytes: [UInt8](data))
        let value = try reader.value()
        reader.skipSpace()
        guard reader.i == reader.bytes.count else { throw Failure(offset: reader.i) }
        return value
    }

    struct Reader {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func skipSpace() {
            while i < bytes.count, [32, 9, 10, 13].contains(bytes[i]) { i += 1 }
        }

        mutating func value() throws -> Any {
            skipSpace()
            guard i < bytes.count else { throw Failure(offset: i) }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var object: [String: Any] = [:]
                skipSpace()
                if bytes[i] == UInt8(ascii: "}") { i += 1; return object }
                while true {
                    skipSpace()
                    guard let key = try value() as? String else { throw Failure(offset: i) }
                    skipSpace()
                    guard bytes[i] == UInt8(ascii: ":") else { throw Failure(offset: i) }
                    i += 1
                    object[key] = try value()
                    skipSpace()
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    guard bytes[i] == UInt8(ascii: "}") else { throw Failure(offset: i) }
                    i += 1
                    return object
                }
            case UInt8(ascii: "["):
                i += 1
                var array: [Any] = []
                skipSpace()
                if bytes[i] == UInt8(ascii: "]") { i += 1; return array }
                while true {
                    array.append(try value())
                    skipSpace()
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    guard bytes[i] == UInt8(ascii: "]") else { throw Failure(offset: i) }
                    i += 1
                    return array
                }
            case UInt8(ascii: "\""):
                return try string()
            case UInt8(ascii: "t"): i += 4; return true
            case UInt8(ascii: "f"): i += 5; return false
            case UInt8(ascii: "n"): i += 4; return NSNull()
            default:
                let start = i
                while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
                let text = String(decoding: bytes[start..<i], as: UTF8.self)
                if let n = Int(text) { return n }
                guard let d = Double(text) else { throw Failure(offset: start) }
                return d
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else {
                throw Failure(offset: i)
            }
            i += 4
            return v
        }

        mutating func string() throws -> String {
            i += 1
            var out = [UInt8]()
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
                if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
                i += 1
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if code >= 0xD800 && code < 0xDC00, i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                        i += 2
                        let low = try hex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: out.append(e)
                }
            }
            throw Failure(offset: i)
        }
    }
}
