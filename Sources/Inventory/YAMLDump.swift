import Core
import Foundation
import YAML

/// `yaml.dump(data, default_flow_style=False, allow_unicode=True)` with Ansible's dumper, for
/// `ansible-inventory --yaml`: block style, keys sorted, empty collections as `{}` / `[]`,
/// strings quoted only when PyYAML would quote them.
public enum YAMLDump {
    public static func dump(_ v: Value) -> String {
        var out = ""
        switch v {
        case .dict(let d) where !d.isEmpty: mapping(d, indent: 0, into: &out)
        case .list(let l) where !l.isEmpty: sequence(l, indent: 0, into: &out)
        default: out = scalar(v) + "\n"
        }
        return out.hasSuffix("\n") ? String(out.dropLast()) : out
    }

    static func mapping(_ d: PyDict, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        let entries = d.items.map { (PythonJSON.keyText($0.key), $0.key, $0.value) }.sorted { PythonText.less($0.0, $1.0) }
        for (_, key, value) in entries {
            out += pad + scalar(key) + ":"
            switch value {
            case .dict(let inner) where !inner.isEmpty:
                out += "\n"
                mapping(inner, indent: indent + 2, into: &out)
            case .list(let items) where !items.isEmpty, .tuple(let items) where !items.isEmpty:
                out += "\n"
                sequence(items, indent: indent, into: &out)
            default:
                out += " " + scalar(value, indent: indent + 2) + "\n"
            }
        }
    }

    static func sequence(_ items: [Value], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            switch item {
            case .dict(let d) where !d.isEmpty:
                var inner = ""
                mapping(d, indent: indent + 2, into: &inner)
                out += pad + "- " + inner.dropFirst(indent + 2)
            case .list(let l) where !l.isEmpty:
                var inner = ""
                sequence(l, indent: indent + 2, into: &inner)
                out += pad + "- " + inner.dropFirst(indent + 2)
            default:
                out += pad + "- " + scalar(item, indent: indent + 2) + "\n"
            }
        }
    }

    static func scalar(_ v: Value, indent: Int = 0) -> String {
        switch v {
        case .none: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int, .bigInt: return v.pythonRepr
        case .float(let f):
            if f.isNaN { return ".nan" }
            if f.isInfinite { return f < 0 ? "-.inf" : ".inf" }
            var r = PyFloatFormat.repr(f)
            if !r.contains(".") && !r.contains("e") { r += ".0" }
            return r
        case .string(let s), .unsafe(let s): return string(s, indent: indent)
        case .vault(let t): return "!vault |\n" + t.ciphertext
        case .dict: return "{}"
        case .list, .tuple: return "[]"
        case .timestamp(let t): return t.pythonString
        case .bytes(let b): return binary(b, indent: indent)
        }
    }

    /// PyYAML's bytes: `!!binary` with the base64 text (76-character lines) as a literal block.
    static func binary(_ bytes: [UInt8], indent: Int) -> String {
        if bytes.isEmpty { return "!!binary \"\"" }
        let text = Array(Data(bytes).base64EncodedString())
        let pad = String(repeating: " ", count: indent)
        let lines = stride(from: 0, to: text.count, by: 76).map { String(text[$0..<min($0 + 76, text.count)]) }
        return "!!binary |" + lines.map { "\n" + pad + $0 }.joined()
    }

    /// A string plain when it reads back as the same string, else single-quoted, else double-quoted.
    static func string(_ s: String, indent: Int = 0) -> String {
        if s.isEmpty { return "''" }
        if s.contains("\n") && !s.contains(" \n") && !s.contains("\n ") { return multilineSingleQuoted(s, indent: indent) }
        // libyaml's emitter (Ansible dumps with it) counts only BMP characters as printable.
        let needsDouble = s.unicodeScalars.contains {
            ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0 == "\u{FEFF}" || $0.value > 0xFFFD
        }
        if needsDouble || s.contains("\n") { return doubleQuoted(s) }
        if canBePlain(s) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// libyaml's single-quoted style across lines: a run of n line breaks is written as n+1
    /// newlines, the text going on at the value's indentation.
    static func multilineSingleQuoted(_ s: String, indent: Int) -> String {
        let needsDouble = s.unicodeScalars.contains {
            ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0 == "\u{FEFF}" || $0.value > 0xFFFD
        }
        if needsDouble { return doubleQuoted(s) }
        let pad = String(repeating: " ", count: indent)
        var out = "'"
        var breaks = 0
        for c in s.replacingOccurrences(of: "'", with: "''") {
            if c == "\n" { breaks += 1; continue }
            if breaks > 0 { out += String(repeating: "\n", count: breaks + 1) + pad; breaks = 0 }
            out.append(c)
        }
        if breaks > 0 { out += String(repeating: "\n", count: breaks + 1) + pad }
        return out + "'"
    }

    static func canBePlain(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last else { return false }
        if first == " " || last == " " { return false }
        if "#,[]{}&*!|>'\"%@`".unicodeScalars.contains(first) { return false }
        let scalars = Array(s.unicodeScalars)
        if first == "-" || first == "?" || first == ":" {
            if scalars.count == 1 || scalars[1] == " " { return false }
            if first != "-" { return false }
        }
        if s.hasPrefix("---") || s.hasPrefix("...") { return false }
        if s.contains(": ") || s.contains(" #") || s.hasSuffix(":") { return false }
        if s.contains("\t") { return false }
        if case .string(let back)? = try? YAMLScalarResolver.resolvePlain(s), back == s { return true }
        return false
    }

    static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{0}": out += "\\0"
            default:
                if u.value > 0xFFFF {
                    let h = String(u.value, radix: 16, uppercase: true)
                    out += "\\U" + String(repeating: "0", count: 8 - h.count) + h
                } else if u.value < 0x20 || (0x7F...0x9F).contains(u.value) || u == "\u{FEFF}" {
                    let h = String(u.value, radix: 16, uppercase: true)
                    out += "\\x" + String(repeating: "0", count: 2 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
