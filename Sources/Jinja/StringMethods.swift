import Core
import Foundation

/// Python `str` methods.
enum StringMethods {
    static func arg(_ a: [Value], _ kw: [(String, Value)], _ i: Int, _ name: String) -> Value? {
        if i < a.count { return a[i] }
        return kw.first { $0.0 == name }?.1
    }

    static func call(_ s: String, _ name: String, _ a: [Value], _ kw: [(String, Value)]) throws(TemplateError) -> Value {
        switch name {
        case "split", "rsplit":
            let sepV = arg(a, kw, 0, "sep")
            if let sv = sepV, !sv.isNone, sv.stringValue == nil { throw .runtime("must be str or None, not \(sv.pythonTypeName)") }
            var maxsplit = -1
            if case .int(let m)? = arg(a, kw, 1, "maxsplit") { maxsplit = m }
            let parts = pySplit(s, sep: sepV?.stringValue, maxsplit: maxsplit, fromRight: name == "rsplit")
            return .list(parts.map(Value.string))
        case "strip", "lstrip", "rstrip":
            let chars = arg(a, kw, 0, "chars")?.stringValue
            return .string(pyStrip(s, chars, left: name != "rstrip", right: name != "lstrip"))
        case "startswith", "endswith":
            let candidates = a.first?.listValue ?? [a.first ?? .string("")]
            let test: (String) -> Bool = name == "startswith" ? { s.hasPrefix($0) } : { s.hasSuffix($0) }
            return .bool(candidates.contains { $0.stringValue.map(test) ?? false })
        case "replace":
            guard let old = a.first?.stringValue, let new = a.dropFirst().first?.stringValue else { throw .runtime("replace() takes at least 2 arguments") }
            var count = -1
            if a.count > 2, case .int(let c) = a[2] { count = c }
            return .string(pyReplace(s, old, new, count: count))
        case "lower": return .string(s.lowercased())
        case "upper": return .string(s.uppercased())
        case "casefold": return .string(s.lowercased())
        case "title": return .string(title(s))
        case "capitalize": return .string(s.prefix(1).uppercased() + s.dropFirst().lowercased())
        case "swapcase": return .string(String(s.map { c in c.isUppercase ? Character(c.lowercased()) : Character(c.uppercased()) }))
        case "format": return .string(try PyFormat.format(s, a, kw))
        case "join":
            guard let items = a.first?.listValue ?? a.first?.dictValue?.keys ?? a.first?.stringValue.map({ $0.map { Value.string(String($0)) } }) else { throw .runtime("can only join an iterable") }
            var parts: [String] = []
            for (i, x) in items.enumerated() {
                guard let t = x.stringValue else { throw .runtime("sequence item \(i): expected str instance, \(x.pythonTypeName) found") }
                parts.append(t)
            }
            return .string(parts.joined(separator: s))
        case "count":
            guard let sub = a.first?.stringValue else { throw .runtime("must be str") }
            if sub.isEmpty { return .int(s.count + 1) }
            return .int(s.components(separatedBy: sub).count - 1)
        case "find", "index", "rfind", "rindex":
            guard let sub = a.first?.stringValue else { throw .runtime("must be str") }
            let range = name.hasPrefix("r") ? s.range(of: sub, options: .backwards) : s.range(of: sub)
            guard let r = range else {
                if name.hasSuffix("index") { throw .runtime("substring not found") }
                return .int(-1)
            }
            return .int(s.distance(from: s.startIndex, to: r.lowerBound))
        case "isdigit", "isnumeric", "isdecimal": return .bool(!s.isEmpty && s.allSatisfy { $0.isNumber })
        case "isalpha": return .bool(!s.isEmpty && s.allSatisfy { $0.isLetter })
        case "isalnum": return .bool(!s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber })
        case "isspace": return .bool(!s.isEmpty && s.allSatisfy { $0.isWhitespace })
        case "islower": return .bool(s.contains { $0.isLetter } && !s.contains { $0.isUppercase })
        case "isupper": return .bool(s.contains { $0.isLetter } && !s.contains { $0.isLowercase })
        case "istitle": return .bool(s == title(s) && s.contains { $0.isLetter })
        case "isidentifier": return .bool(!s.isEmpty && !(s.first!.isNumber) && s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" })
        case "splitlines":
            let keep = a.first?.isTruthy ?? (kw.first { $0.0 == "keepends" }?.1.isTruthy ?? false)
            return .list(splitlines(s, keepends: keep).map(Value.string))
        case "zfill":
            guard case .int(let w)? = a.first else { return .string(s) }
            guard s.count < w else { return .string(s) }
            let pad = String(repeating: "0", count: w - s.count)
            if let f = s.first, f == "-" || f == "+" { return .string(String(f) + pad + s.dropFirst()) }
            return .string(pad + s)
        case "ljust", "rjust", "center":
            guard case .int(let w)? = a.first else { return .string(s) }
            let fill = a.dropFirst().first?.stringValue ?? " "
            return .string(pad(s, width: w, fill: fill, mode: name))
        case "partition", "rpartition":
            guard let sep = a.first?.stringValue else { throw .runtime("must be str") }
            let r = name == "partition" ? s.range(of: sep) : s.range(of: sep, options: .backwards)
            guard let r else { return name == "partition" ? .tuple([.string(s), "", ""]) : .tuple(["", "", .string(s)]) }
            return .tuple([.string(String(s[..<r.lowerBound])), .string(sep), .string(String(s[r.upperBound...]))])
        case "encode": return .bytes(Array(s.utf8))
        case "removeprefix":
            let p = a.first?.stringValue ?? ""
            return .string(s.hasPrefix(p) ? String(s.dropFirst(p.count)) : s)
        case "removesuffix":
            let p = a.first?.stringValue ?? ""
            return .string(s.hasSuffix(p) && !p.isEmpty ? String(s.dropLast(p.count)) : s)
        case "expandtabs":
            var size = 8
            if case .int(let t)? = a.first { size = t }
            var out = "", col = 0
            for c in s {
                if c == "\t" { let n = size > 0 ? size - col % size : 0; out += String(repeating: " ", count: n); col += n } else if c == "\n" { out.append(c); col = 0 } else { out.append(c); col += 1 }
            }
            return .string(out)
        default: throw .undefined("object of type 'str' has no attribute '\(name)'")
        }
    }

    static func pad(_ s: String, width: Int, fill: String, mode: String) -> String {
        let n = width - s.count
        guard n > 0 else { return s }
        switch mode {
        case "ljust": return s + String(repeating: fill, count: n)
        case "rjust": return String(repeating: fill, count: n) + s
        default:
            let left = n / 2 + (n & width & 1)
            return String(repeating: fill, count: left) + s + String(repeating: fill, count: n - left)
        }
    }

    static func title(_ s: String) -> String {
        var out = ""
        var prevCased = false
        for c in s {
            if c.isLetter {
                out += prevCased ? c.lowercased() : c.uppercased()
                prevCased = true
            } else {
                out.append(c)
                prevCased = false
            }
        }
        return out
    }

    static func isPySpace(_ c: Character) -> Bool { c.isWhitespace }

    static func pySplit(_ s: String, sep: String?, maxsplit: Int, fromRight: Bool) -> [String] {
        if let sep, !sep.isEmpty {
            var parts = s.components(separatedBy: sep)
            if maxsplit >= 0, parts.count > maxsplit + 1 {
                if fromRight {
                    let head = parts[0..<(parts.count - maxsplit)].joined(separator: sep)
                    parts = [head] + parts[(parts.count - maxsplit)...]
                } else {
                    let tail = parts[maxsplit...].joined(separator: sep)
                    parts = Array(parts[0..<maxsplit]) + [tail]
                }
            }
            return parts
        }
        // whitespace split
        let chars = fromRight ? Array(s.reversed()) : Array(s)
        var parts: [String] = []
        var i = 0
        while i < chars.count {
            while i < chars.count, isPySpace(chars[i]) { i += 1 }
            guard i < chars.count else { break }
            if maxsplit >= 0, parts.count == maxsplit {
                var rest = Array(chars[i...])
                while let l = rest.last, isPySpace(l) { rest.removeLast() }
                parts.append(String(rest))
                break
            }
            let st = i
            while i < chars.count, !isPySpace(chars[i]) { i += 1 }
            parts.append(String(chars[st..<i]))
        }
        if fromRight { parts = parts.reversed().map { String($0.reversed()) } }
        return parts
    }

    static func pyStrip(_ s: String, _ chars: String?, left: Bool, right: Bool) -> String {
        let set: (Character) -> Bool = chars.map { cs in { cs.contains($0) } } ?? { $0.isWhitespace }
        var sub = Substring(s)
        if left { while let f = sub.first, set(f) { sub = sub.dropFirst() } }
        if right { while let l = sub.last, set(l) { sub = sub.dropLast() } }
        return String(sub)
    }

    static func pyReplace(_ s: String, _ old: String, _ new: String, count: Int) -> String {
        if count < 0 { return old.isEmpty ? new + s.map { String($0) + new }.joined() : s.replacingOccurrences(of: old, with: new) }
        var out = "", rest = Substring(s), n = 0
        while n < count, let r = rest.range(of: old), !old.isEmpty {
            out += rest[..<r.lowerBound] + new
            rest = rest[r.upperBound...]
            n += 1
        }
        return out + rest
    }

    static func splitlines(_ s: String, keepends: Bool) -> [String] { s.pythonSplitLines(keepEnds: keepends) }
}
