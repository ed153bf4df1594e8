import Core

/// A JSON parser keeping key order (Python's `json.loads` into dicts); strings come out unsafe
/// when the input text was unsafe (trust is inherited).
struct JSONReader {
    let b: [UInt8]
    var i = 0
    let unsafe: Bool

    init(_ bytes: [UInt8], unsafe: Bool) { b = bytes; self.unsafe = unsafe }

    mutating func fail(_ what: String = "Expecting value") -> TemplateError {
        .plugin("\(what): line 1 column \(i + 1) (char \(i))")
    }

    mutating func ws() { while i < b.count, [32, 9, 10, 13].contains(b[i]) { i += 1 } }

    mutating func parseDocument() throws(TemplateError) -> Value {
        let v = try value()
        ws()
        guard i == b.count else { throw fail("Extra data") }
        return v
    }

    mutating func lit(_ s: String, _ v: Value) throws(TemplateError) -> Value {
        let u = Array(s.utf8)
        guard i + u.count <= b.count, Array(b[i..<(i + u.count)]) == u else { throw fail() }
        i += u.count
        return v
    }

    mutating func value() throws(TemplateError) -> Value {
        ws()
        guard i < b.count else { throw fail() }
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1
            var d = PyDict()
            ws()
            if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .dict(d) }
            while true {
                ws()
                guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw fail("Expecting property name enclosed in double quotes") }
                let k = try string()
                ws()
                guard i < b.count, b[i] == UInt8(ascii: ":") else { throw fail("Expecting ':' delimiter") }
                i += 1
                d[.string(k)] = try value()
                ws()
                guard i < b.count else { throw fail() }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; return .dict(d) }
                throw fail("Expecting ',' delimiter")
            }
        case UInt8(ascii: "["):
            i += 1
            var l: [Value] = []
            ws()
            if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .list(l) }
            while true {
                l.append(try value())
                ws()
                guard i < b.count else { throw fail() }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return .list(l) }
                throw fail("Expecting ',' delimiter")
            }
        case UInt8(ascii: "\""):
            let s = try string()
            return unsafe ? .unsafe(s) : .string(s)
        case UInt8(ascii: "t"): return try lit("true", .bool(true))
        case UInt8(ascii: "f"): return try lit("false", .bool(false))
        case UInt8(ascii: "n"): return try lit("null", .none)
        case UInt8(ascii: "N"): return try lit("NaN", .float(.nan))
        case UInt8(ascii: "I"): return try lit("Infinity", .float(.infinity))
        default:
            let s = i
            if b[i] == UInt8(ascii: "-"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "I") { i += 1; return try lit("Infinity", .float(-.infinity)) }
            while i < b.count, "+-0123456789.eE".utf8.contains(b[i]) { i += 1 }
            let text = String(decoding: b[s..<i], as: UTF8.self)
            if text.isEmpty { throw fail() }
            if text.contains(where: { ".eE".contains($0) }) {
                guard let d = Double(text) else { throw fail() }
                return .float(d)
            }
            guard let v = Value.integer(decimal: text) else { throw fail() }
            return v
        }
    }

    mutating func string() throws(TemplateError) -> String {
        i += 1
        var out: [UInt8] = []
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard i < b.count else { break }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "u"):
                guard i + 4 <= b.count, var code = UInt32(String(decoding: b[i..<(i + 4)], as: UTF8.self), radix: 16) else { throw fail("Invalid \\uXXXX escape") }
                i += 4
                if code >= 0xD800, code < 0xDC00, i + 6 <= b.count, b[i] == 92, b[i + 1] == UInt8(ascii: "u"),
                   let low = UInt32(String(decoding: b[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16) {
                    i += 6
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8))
            default: out.append(e)
            }
        }
        throw fail("Unterminated string starting at")
    }
}
