import BigInt
import Core
import Foundation

extension PythonLiteral {
    /// A recursive-descent reader for the subset of Python expressions `literal_eval` accepts.
    /// Any other expression, or invalid syntax, gives nil.
    struct Parser {
        let scalars: [Unicode.Scalar]
        var i = 0
        /// Open brackets: inside them newlines are insignificant.
        var depth = 0

        init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var peek: Unicode.Scalar? { i < scalars.count ? scalars[i] : nil }
        func peek(_ offset: Int) -> Unicode.Scalar? { i + offset < scalars.count ? scalars[i + offset] : nil }

        mutating func skipSpace() {
            while let c = peek {
                if c == " " || c == "\t" || c == "\u{0C}" || (depth > 0 && (c == "\n" || c == "\r")) {
                    i += 1
                } else if c == "\\" && (peek(1) == "\n" || peek(1) == "\r") {
                    i += 2
                } else if c == "#" {
                    while let d = peek, d != "\n", d != "\r" { i += 1 }
                } else {
                    return
                }
            }
        }

        mutating func eat(_ c: Unicode.Scalar) -> Bool {
            skipSpace()
            if peek == c { i += 1; return true }
            return false
        }

        /// The whole input: an expression or a bare tuple, then only space, comments or newlines.
        mutating func parseTop() -> Literal? {
            guard let first = parseTestList(closing: nil) else { return nil }
            skipSpace()
            while let c = peek, c == "\n" || c == "\r" {
                i += 1
                skipSpace()
            }
            return i == scalars.count ? first : nil
        }

        /// `a` or `a, b,` (a tuple), up to a closing bracket or the end.
        mutating func parseTestList(closing: Unicode.Scalar?) -> Literal? {
            guard let first = parseExpr() else { return nil }
            skipSpace()
            guard peek == "," else { return first }
            var items = [first]
            while eat(",") {
                skipSpace()
                if peek == closing || peek == nil || peek == "\n" { break }
                guard let next = parseExpr() else { return nil }
                items.append(next)
            }
            return .tuple(items)
        }

        /// A signed number, an addition/subtraction of a complex, or an atom.
        mutating func parseExpr() -> Literal? {
            guard var left = parseUnary() else { return nil }
            skipSpace()
            while let op = peek, op == "+" || op == "-" {
                i += 1
                guard let right = parseUnary() else { return nil }
                guard let l = Self.complexSum(left, right, negate: op == "-") else { return nil }
                left = l
                skipSpace()
            }
            return left
        }

        /// `left ± right` is a literal only when left is a (signed) real and right an imaginary number.
        static func complexSum(_ left: Literal, _ right: Literal, negate: Bool) -> Literal? {
            guard case .complex(let rre, let rim) = right, rre == 0 else { return nil }
            let re: Double
            switch left {
            case .value(.int(let n)): re = Double(n)
            case .value(.bigInt(let b)): re = Double(b)
            case .value(.float(let f)): re = f
            default: return nil
            }
            return .complex(re, negate ? -rim : rim)
        }

        mutating func parseUnary() -> Literal? {
            skipSpace()
            guard let c = peek, c == "-" || c == "+" else { return parseAtom() }
            i += 1
            skipSpace()
            guard let operand = parseAtom(), operand.number != nil || { if case .complex = operand { return true }; return false }() else { return nil }
            if c == "+" { return operand }
            switch operand {
            case .value(.int(let n)): return n == Int.min ? .value(.integer(-BigInt(n))) : .value(.int(-n))
            case .value(.bigInt(let b)): return .value(.integer(-b))
            case .value(.float(let f)): return .value(.float(-f))
            case .complex(let re, let im): return .complex(-re, -im)
            default: return nil
            }
        }

        mutating func parseAtom() -> Literal? {
            skipSpace()
            guard let c = peek else { return nil }
            switch c {
            case "(": return parseParen()
            case "[":
                i += 1; depth += 1
                let items = parseItems(closing: "]")
                depth -= 1
                return items.map { .list($0) }
            case "{": return parseBrace()
            case ".":
                if peek(1) == ".", peek(2) == "." { i += 3; return .ellipsis }
                return parseNumber()
            case "0"..."9": return parseNumber()
            default:
                if c == "'" || c == "\"" || Self.isNameStart(c) { return parseNameOrString() }
                return nil
            }
        }

        mutating func parseParen() -> Literal? {
            i += 1; depth += 1
            defer { depth -= 1 }
            if eat(")") { return .tuple([]) }
            guard let inner = parseTestList(closing: ")"), eat(")") else { return nil }
            return inner
        }

        /// Comma-separated expressions up to `closing` (trailing comma allowed).
        mutating func parseItems(closing: Unicode.Scalar) -> [Literal]? {
            var items: [Literal] = []
            while true {
                if eat(closing) { return items }
                guard let e = parseExpr() else { return nil }
                items.append(e)
                if eat(",") { continue }
                return eat(closing) ? items : nil
            }
        }

        mutating func parseBrace() -> Literal? {
            i += 1; depth += 1
            defer { depth -= 1 }
            if eat("}") { return .dict([]) }
            guard let first = parseExpr() else { return nil }
            if eat(":") {
                guard let v = parseExpr() else { return nil }
                var pairs = [(first, v)]
                while eat(",") {
                    if eat("}") { return .dict(pairs) }
                    guard let k = parseExpr(), eat(":"), let v2 = parseExpr() else { return nil }
                    pairs.append((k, v2))
                }
                return eat("}") ? .dict(pairs) : nil
            }
            var items = [first]
            while eat(",") {
                if eat("}") { return .set(items) }
                guard let e = parseExpr() else { return nil }
                items.append(e)
            }
            return eat("}") ? .set(items) : nil
        }

        static func isNameStart(_ c: Unicode.Scalar) -> Bool {
            c == "_" || c.properties.isXIDStart
        }

        static func isNameContinue(_ c: Unicode.Scalar) -> Bool {
            c == "_" || c.properties.isXIDContinue
        }

        /// `True`, `False`, `None`, or a string literal with an optional prefix; strings that
        /// follow each other are concatenated.
        mutating func parseNameOrString() -> Literal? {
            var parts: [String] = []
            var bytesKind: Bool?
            while true {
                skipSpace()
                let start = i
                while let c = peek, Self.isNameContinue(c) { i += 1 }
                let word = String(String.UnicodeScalarView(scalars[start..<i]))
                guard let q = peek, q == "'" || q == "\"" else {
                    if !parts.isEmpty { i = start; break }
                    switch word {
                    case "True": return .value(.bool(true))
                    case "False": return .value(.bool(false))
                    case "None": return .value(.none)
                    default: return nil
                    }
                }
                let prefix = word.lowercased()
                guard ["", "r", "u", "b", "br", "rb"].contains(prefix) else { return nil }
                let isBytes = prefix.contains("b")
                if let k = bytesKind, k != isBytes { return nil }
                bytesKind = isBytes
                guard let s = parseStringBody(raw: prefix.contains("r"), bytes: isBytes) else { return nil }
                parts.append(s)
                skipSpace()
                guard let n = peek, n == "'" || n == "\"" || Self.isNameStart(n) else { break }
            }
            // A bytes literal is not a str: the INI plugin leaves it without template trust.
            return .value(bytesKind == true ? .unsafe(parts.joined()) : .string(parts.joined()))
        }
    }
}
