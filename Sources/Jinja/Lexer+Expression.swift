import Core
import BigInt

extension Lexer {
    static let operators3: [String] = []
    static let operators2: Set<String> = ["//", "**", "==", "!=", "<=", ">="]
    static let operators1: Set<UInt8> = Set("+-/*%~[](){}<>=.:|,;".utf8)

    /// Tokenizes the inside of `{{ }}` or `{% %}` up to and including its end delimiter.
    mutating func lexTag(end: [UInt8], isBlock: Bool) throws(TemplateError) {
        var balance: [UInt8] = []
        let verbatim = !isBlock && options.verbatimStringsInExpressions
        while true {
            while pos < src.count, isSpace(src[pos]) {
                if src[pos] == 10 { line += 1 }
                pos += 1
            }
            guard pos < src.count else {
                throw .syntax("unexpected end of template, expected '\(isBlock ? "end of statement block" : "end of print statement")'.")
            }
            if balance.isEmpty {
                if src[pos] == UInt8(ascii: "-"), starts(end, at: pos + 1) {
                    pos += 1 + end.count
                    stripNext = true
                    emit(isBlock ? .blockEnd : .varEnd)
                    return
                }
                if isBlock, src[pos] == UInt8(ascii: "+"), starts(end, at: pos + 1) {
                    pos += 1 + end.count
                    emit(.blockEnd)
                    return
                }
                if starts(end, at: pos) {
                    pos += end.count
                    if isBlock && options.trimBlocks { trimNext = true }
                    emit(isBlock ? .blockEnd : .varEnd)
                    return
                }
            }
            let c = src[pos]
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                try lexString(quote: c, verbatim: verbatim)
            } else if isDigit(c) {
                try lexNumber()
            } else if isNameStart(c) {
                let s = pos
                while pos < src.count, isNameChar(src[pos]) { pos += 1 }
                emit(.name(String(decoding: src[s..<pos], as: UTF8.self)))
            } else if pos + 1 < src.count, Self.operators2.contains(String(decoding: src[pos..<(pos + 2)], as: UTF8.self)) {
                emit(.op(String(decoding: src[pos..<(pos + 2)], as: UTF8.self)))
                pos += 2
            } else if Self.operators1.contains(c) {
                switch c {
                case UInt8(ascii: "("): balance.append(UInt8(ascii: ")"))
                case UInt8(ascii: "["): balance.append(UInt8(ascii: "]"))
                case UInt8(ascii: "{"): balance.append(UInt8(ascii: "}"))
                case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                    guard let expected = balance.popLast() else { throw .syntax("unexpected '\(Character(UnicodeScalar(c)))'") }
                    if expected != c {
                        throw .syntax("unexpected '\(Character(UnicodeScalar(c)))', expected '\(Character(UnicodeScalar(expected)))'")
                    }
                default: break
                }
                emit(.op(String(UnicodeScalar(c))))
                pos += 1
            } else {
                throw .syntax("unexpected char \(PyStringReprLite.repr(String(decoding: src[pos..<min(pos + 1, src.count)], as: UTF8.self))) at \(pos)")
            }
        }
    }

    func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    func isNameStart(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c >= 0x80 }
    func isNameChar(_ c: UInt8) -> Bool { isNameStart(c) || isDigit(c) }

    mutating func lexString(quote: UInt8, verbatim: Bool) throws(TemplateError) {
        let start = pos
        var i = pos + 1
        while i < src.count, src[i] != quote {
            if src[i] == UInt8(ascii: "\\") { i += 1 }
            i += 1
        }
        guard i < src.count else {
            throw .syntax("unexpected char \(quote == 39 ? "\"'\"" : "'\"'") at \(start)")
        }
        let raw = String(decoding: src[(start + 1)..<i], as: UTF8.self)
        for k in start..<i where src[k] == 10 { line += 1 }
        pos = i + 1
        emit(.string(verbatim ? raw : PythonEscapes.unescape(raw)))
    }

    mutating func lexNumber() throws(TemplateError) {
        let s = pos
        let afterDot = tokens.last == .op(".")
        if src[pos] == UInt8(ascii: "0"), pos + 1 < src.count, let radix = [UInt8(ascii: "x"): 16, UInt8(ascii: "X"): 16, UInt8(ascii: "o"): 8, UInt8(ascii: "O"): 8, UInt8(ascii: "b"): 2, UInt8(ascii: "B"): 2][src[pos + 1]] {
            pos += 2
            let ds = pos
            while pos < src.count, isNameChar(src[pos]) { pos += 1 }
            let digits = String(decoding: src[ds..<pos], as: UTF8.self).replacingOccurrences(of: "_", with: "")
            guard let big = BigInt(digits, radix: radix) else { throw .syntax("invalid number literal") }
            emit(.integer(.integer(big)))
            return
        }
        func digits() { while pos < src.count, isDigit(src[pos]) || (src[pos] == 95 && pos + 1 < src.count && isDigit(src[pos + 1])) { pos += 1 } }
        digits()
        var isFloat = false
        if !afterDot, pos + 1 < src.count, src[pos] == UInt8(ascii: "."), isDigit(src[pos + 1]) {
            isFloat = true
            pos += 1
            digits()
        }
        if !afterDot, pos < src.count, src[pos] == UInt8(ascii: "e") || src[pos] == UInt8(ascii: "E") {
            var j = pos + 1
            if j < src.count, src[j] == UInt8(ascii: "+") || src[j] == UInt8(ascii: "-") { j += 1 }
            if j < src.count, isDigit(src[j]) {
                isFloat = true
                pos = j
                digits()
            }
        }
        let text = String(decoding: src[s..<pos], as: UTF8.self).replacingOccurrences(of: "_", with: "")
        if isFloat {
            emit(.float(Double(text) ?? .nan))
        } else {
            emit(.integer(Value.integer(decimal: text) ?? .int(0)))
        }
    }
}

/// Python string-literal escape processing (`\n`, `\t`, `\xNN`, `\uNNNN`, `\N{...}` unsupported),
/// as Jinja applies to string literals; unknown escapes keep their backslash.
enum PythonEscapes {
    static func unescape(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        var out = String.UnicodeScalarView()
        let u = Array(s.unicodeScalars)
        var i = 0
        while i < u.count {
            let c = u[i]
            guard c == "\\", i + 1 < u.count else { out.append(c); i += 1; continue }
            let e = u[i + 1]
            i += 2
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "\\": out.append("\\")
            case "'": out.append("'")
            case "\"": out.append("\"")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "v": out.append("\u{0B}")
            case "0"..."7":
                var v = e.value - 48
                var n = 1
                while n < 3, i < u.count, ("0"..."7").contains(u[i]) { v = v * 8 + u[i].value - 48; i += 1; n += 1 }
                out.append(Unicode.Scalar(v) ?? "?")
            case "x", "u", "U":
                let len = e == "x" ? 2 : (e == "u" ? 4 : 8)
                if i + len <= u.count, let v = UInt32(String(String.UnicodeScalarView(u[i..<(i + len)])), radix: 16), let sc = Unicode.Scalar(v) {
                    out.append(sc)
                    i += len
                } else {
                    out.append("\\"); out.append(e)
                }
            case "\n": break
            default: out.append("\\"); out.append(e)
            }
        }
        return String(out)
    }
}

/// Minimal Python `repr()` of a str, for error messages.
enum PyStringReprLite {
    static func repr(_ s: String) -> String { Value.string(s).pythonRepr }
}
