import Foundation
import Core
import YAML

/// `yaml.dump(value, default_flow_style=False, allow_unicode=True, indent=N, width=W)` as
/// PyYAML's emitter writes it (block collections, empty ones as `{}`/`[]`, keys sorted, each
/// scalar in the first style `analyze_scalar` allows, long scalars folded at the width), with
/// ansible's callback dumper: multi-line strings as `|` blocks, made block-safe first when
/// `lossy` (trailing spaces, tabs and special characters dropped, as `_munge_data_for_lossy_yaml`).
struct PyYAMLEmitter {
    let bestIndent: Int
    let bestWidth: Int
    let lossy: Bool

    private var out = ""
    private var column = 0
    private var whitespace = true
    private var indention = true
    private var indent: Int?
    private var indents: [Int?] = []

    init(indent: Int = 2, width: Int? = nil, lossy: Bool = false) {
        let best = indent > 1 && indent < 10 ? indent : 2
        bestIndent = best
        bestWidth = width.map { $0 > best * 2 ? $0 : 80 } ?? 80
        self.lossy = lossy
    }

    static func dump(_ value: Value, indent: Int = 2, width: Int? = nil, lossy: Bool = false) -> String {
        var emitter = PyYAMLEmitter(indent: indent, width: width, lossy: lossy)
        emitter.node(value, root: true)
        emitter.writeIndent()
        return emitter.out
    }

    // MARK: Nodes

    private enum Context { case root, sequence, mapping, key }

    private mutating func node(_ value: Value, root: Bool = false, context: Context = .root) {
        switch value {
        case .dict(let d) where !d.isEmpty: blockMapping(d)
        case .list(let items) where !items.isEmpty, .tuple(let items) where !items.isEmpty:
            blockSequence(items, indentless: context == .mapping && !indention)
        case .dict: flowEmpty("{", "}")
        case .list, .tuple: flowEmpty("[", "]")
        default: scalarNode(value, simpleKey: context == .key)
        }
    }

    private mutating func increaseIndent(flow: Bool = false, indentless: Bool = false) {
        indents.append(indent)
        if let current = indent {
            if !indentless { indent = current + bestIndent }
        } else {
            indent = flow ? bestIndent : 0
        }
    }

    private mutating func popIndent() { indent = indents.removeLast() }

    private mutating func flowEmpty(_ open: String, _ close: String) {
        writeIndicator(open, needWhitespace: true, whitespace: true)
        increaseIndent(flow: true)
        popIndent()
        writeIndicator(close, needWhitespace: false)
    }

    private mutating func blockSequence(_ items: [Value], indentless: Bool) {
        increaseIndent(indentless: indentless)
        for item in items {
            writeIndent()
            writeIndicator("-", needWhitespace: true, indention: true)
            node(item, context: .sequence)
        }
        popIndent()
    }

    private mutating func blockMapping(_ d: PyDict) {
        increaseIndent()
        let entries = d.items.sorted { Self.less($0.key, $1.key) }
        for (key, value) in entries {
            writeIndent()
            let keyScalar = scalar(key)
            if isSimpleKey(keyScalar) {
                node(key, context: .key)
                writeIndicator(":", needWhitespace: false)
            } else {
                writeIndicator("?", needWhitespace: true, indention: true)
                node(key, context: .mapping)
                writeIndent()
                writeIndicator(":", needWhitespace: true, indention: true)
            }
            node(value, context: .mapping)
        }
        popIndent()
    }

    /// Python's order for sorting keys: numbers by value, strings by code point.
    static func less(_ a: Value, _ b: Value) -> Bool {
        if let x = a.numeric, let y = b.numeric { return x.compare(y) == .orderedAscending }
        return Array(a.pythonString.unicodeScalars.map(\.value)).lexicographicallyPrecedes(b.pythonString.unicodeScalars.map(\.value))
    }

    // MARK: Scalars

    /// A scalar as the representer hands it over: its text, whether it reads back as the same
    /// type when plain (`implicit[0]`), and the style asked for (`|` for multi-line strings).
    private struct Scalar {
        var text: String
        var plainImplicit: Bool
        var requestedStyle: Character?
    }

    private func scalar(_ value: Value) -> Scalar {
        switch value {
        case .none: return Scalar(text: "null", plainImplicit: true)
        case .bool(let b): return Scalar(text: b ? "true" : "false", plainImplicit: true)
        case .int, .bigInt: return Scalar(text: value.pythonRepr, plainImplicit: true)
        case .float(let f):
            if f.isNaN { return Scalar(text: ".nan", plainImplicit: true) }
            if f.isInfinite { return Scalar(text: f < 0 ? "-.inf" : ".inf", plainImplicit: true) }
            var text = PyFloatFormat.repr(f).lowercased()
            if !text.contains("."), let e = text.firstIndex(of: "e") { text.replaceSubrange(e...e, with: ".0e") }
            return Scalar(text: text, plainImplicit: true)
        default:
            var text = value.pythonString
            var style: Character? = nil
            if text.unicodeScalars.contains(where: { Self.breaks.contains($0) }) {
                style = "|"
                if lossy { text = Self.lossyBlockText(text) }
            }
            // Plain only when it reads back as this text: not a number, bool, null, timestamp,
            // nor PyYAML's merge (`<<`) and value (`=`) keys.
            let implicit: Bool
            if text == "<<" || text == "=" {
                implicit = false
            } else if case .string(let back)? = try? YAMLScalarResolver.resolvePlain(text) {
                implicit = back == text
            } else {
                implicit = false
            }
            return Scalar(text: text, plainImplicit: implicit, requestedStyle: style)
        }
    }

    static let breaks: Set<Unicode.Scalar> = ["\n", "\u{85}", "\u{2028}", "\u{2029}"]

    /// `_munge_data_for_lossy_yaml`: rstrip, tabs expanded, PyYAML's special characters
    /// dropped, spaces before a line break dropped.
    static func lossyBlockText(_ s: String) -> String {
        var text = String(String.UnicodeScalarView(s.unicodeScalars.reversed().drop { $0.properties.isWhitespace }.reversed()))
        text = expandTabs(text)
        text = String(String.UnicodeScalarView(text.unicodeScalars.filter { isPrintable($0, allowUnicode: true) || $0 == "\n" }))
        var out = String.UnicodeScalarView()
        var spaces = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            if u == " " { spaces.append(u); continue }
            if !breaks.contains(u) { out.append(contentsOf: spaces) }
            spaces = String.UnicodeScalarView()
            out.append(u)
        }
        out.append(contentsOf: spaces)
        return String(out)
    }

    /// `str.expandtabs()` with tab stops every 8 columns, restarting after each line break.
    static func expandTabs(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var col = 0
        for u in s.unicodeScalars {
            if u == "\t" {
                let n = 8 - col % 8
                out.append(contentsOf: String(repeating: " ", count: n).unicodeScalars)
                col += n
            } else {
                out.append(u)
                col = u == "\n" || u == "\r" ? 0 : col + 1
            }
        }
        return String(out)
    }

    static func isPrintable(_ u: Unicode.Scalar, allowUnicode: Bool) -> Bool {
        let v = u.value
        if v == 0x0A || (0x20...0x7E).contains(v) { return true }
        guard allowUnicode else { return false }
        return (v == 0x85 || (0xA0...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || (0x10000..<0x10FFFF).contains(v)) && v != 0xFEFF
    }

    private struct Analysis {
        var empty = false, multiline = false
        var allowFlowPlain = true, allowBlockPlain = true, allowSingleQuoted = true, allowBlock = true
    }

    /// PyYAML's `analyze_scalar`.
    private static func analyze(_ text: String) -> Analysis {
        let s = Array(text.unicodeScalars)
        if s.isEmpty {
            return Analysis(empty: true, multiline: false, allowFlowPlain: false, allowBlockPlain: true, allowSingleQuoted: true, allowBlock: false)
        }
        let space: Set<Unicode.Scalar> = ["\0", " ", "\t", "\r", "\n", "\u{85}", "\u{2028}", "\u{2029}"]
        var blockIndicators = false, flowIndicators = false, lineBreaks = false, special = false
        var leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false
        var breakSpace = false, spaceBreak = false
        if text.hasPrefix("---") || text.hasPrefix("...") { blockIndicators = true; flowIndicators = true }
        var precededByWhitespace = true
        var followedByWhitespace = s.count == 1 || space.contains(s[1])
        var previousSpace = false, previousBreak = false
        for (index, ch) in s.enumerated() {
            if index == 0 {
                if "#,[]{}&*!|>'\"%@`".unicodeScalars.contains(ch) { flowIndicators = true; blockIndicators = true }
                if ch == "?" || ch == ":" {
                    flowIndicators = true
                    if followedByWhitespace { blockIndicators = true }
                }
                if ch == "-" && followedByWhitespace { flowIndicators = true; blockIndicators = true }
            } else {
                if ",?[]{}".unicodeScalars.contains(ch) { flowIndicators = true }
                if ch == ":" {
                    flowIndicators = true
                    if followedByWhitespace { blockIndicators = true }
                }
                if ch == "#" && precededByWhitespace { flowIndicators = true; blockIndicators = true }
            }
            if breaks.contains(ch) { lineBreaks = true }
            if !isPrintable(ch, allowUnicode: true) { special = true }
            if ch == " " {
                if index == 0 { leadingSpace = true }
                if index == s.count - 1 { trailingSpace = true }
                if previousBreak { breakSpace = true }
                previousSpace = true
                previousBreak = false
            } else if breaks.contains(ch) {
                if index == 0 { leadingBreak = true }
                if index == s.count - 1 { trailingBreak = true }
                if previousSpace { spaceBreak = true }
                previousSpace = false
                previousBreak = true
            } else {
                previousSpace = false
                previousBreak = false
            }
            precededByWhitespace = space.contains(ch)
            followedByWhitespace = index + 2 >= s.count || space.contains(s[index + 2])
        }
        var a = Analysis(multiline: lineBreaks)
        if leadingSpace || leadingBreak || trailingSpace || trailingBreak { a.allowFlowPlain = false; a.allowBlockPlain = false }
        if trailingSpace { a.allowBlock = false }
        if breakSpace { a.allowFlowPlain = false; a.allowBlockPlain = false; a.allowSingleQuoted = false }
        if spaceBreak || special { a.allowFlowPlain = false; a.allowBlockPlain = false; a.allowSingleQuoted = false; a.allowBlock = false }
        if lineBreaks { a.allowFlowPlain = false; a.allowBlockPlain = false }
        if flowIndicators { a.allowFlowPlain = false }
        if blockIndicators { a.allowBlockPlain = false }
        return a
    }

    /// `check_simple_key`: a key written as `key:` (short, on one line), else as `? key`.
    private func isSimpleKey(_ s: Scalar) -> Bool {
        let a = Self.analyze(s.text)
        return s.text.unicodeScalars.count + 5 < 128 && !a.empty && !a.multiline
    }

    private mutating func scalarNode(_ value: Value, simpleKey: Bool) {
        let s = scalar(value)
        let a = Self.analyze(s.text)
        increaseIndent(flow: true)
        // choose_scalar_style
        var style: Character = "\""
        if s.requestedStyle == nil && s.plainImplicit && !(simpleKey && (a.empty || a.multiline)) && a.allowBlockPlain {
            style = " "
        } else if s.requestedStyle == "|" && !simpleKey && a.allowBlock {
            style = "|"
        } else if s.requestedStyle == nil && a.allowSingleQuoted && !(simpleKey && a.multiline) {
            style = "'"
        }
        let text = Array(s.text.unicodeScalars)
        switch style {
        case " ": writePlain(text, split: !simpleKey)
        case "|": writeLiteral(text)
        case "'": writeSingleQuoted(text, split: !simpleKey)
        default: writeDoubleQuoted(text, split: !simpleKey)
        }
        popIndent()
    }

    // MARK: Writers

    private mutating func write(_ s: String) {
        out += s
        column += s.unicodeScalars.count
    }

    private mutating func write(_ scalars: ArraySlice<Unicode.Scalar>) {
        out.unicodeScalars.append(contentsOf: scalars)
        column += scalars.count
    }

    private mutating func writeIndicator(_ indicator: String, needWhitespace: Bool, whitespace ws: Bool = false, indention ind: Bool = false) {
        write(whitespace || !needWhitespace ? indicator : " " + indicator)
        whitespace = ws
        indention = indention && ind
    }

    private mutating func writeIndent() {
        let target = indent ?? 0
        if !indention || column > target || (column == target && !whitespace) { writeLineBreak() }
        if column < target {
            whitespace = true
            write(String(repeating: " ", count: target - column))
        }
    }

    private mutating func writeLineBreak(_ br: Unicode.Scalar? = nil) {
        out.unicodeScalars.append(br ?? "\n")
        whitespace = true
        indention = true
        column = 0
    }

    private mutating func writeBreaks(_ slice: ArraySlice<Unicode.Scalar>) {
        for br in slice { writeLineBreak(br == "\n" ? nil : br) }
    }

    private mutating func writePlain(_ text: [Unicode.Scalar], split: Bool) {
        if text.isEmpty { return }
        if !whitespace { write(" ") }
        whitespace = false
        indention = false
        var spaces = false, breaksSeen = false
        var start = 0, end = 0
        while end <= text.count {
            let ch: Unicode.Scalar? = end < text.count ? text[end] : nil
            if spaces {
                if ch != " " {
                    if start + 1 == end && column > bestWidth && split {
                        writeIndent()
                        whitespace = false
                        indention = false
                    } else {
                        write(text[start..<end])
                    }
                    start = end
                }
            } else if breaksSeen {
                if ch == nil || !Self.breaks.contains(ch!) {
                    if text[start] == "\n" { writeLineBreak() }
                    writeBreaks(text[start..<end])
                    writeIndent()
                    whitespace = false
                    indention = false
                    start = end
                }
            } else if ch == nil || ch == " " || Self.breaks.contains(ch!) {
                write(text[start..<end])
                start = end
            }
            if let ch {
                spaces = ch == " "
                breaksSeen = Self.breaks.contains(ch)
            }
            end += 1
        }
    }

    private mutating func writeSingleQuoted(_ text: [Unicode.Scalar], split: Bool) {
        writeIndicator("'", needWhitespace: true)
        var spaces = false, breaksSeen = false
        var start = 0, end = 0
        while end <= text.count {
            let ch: Unicode.Scalar? = end < text.count ? text[end] : nil
            if spaces {
                if ch == nil || ch != " " {
                    if start + 1 == end && column > bestWidth && split && start != 0 && end != text.count {
                        writeIndent()
                    } else {
                        write(text[start..<end])
                    }
                    start = end
                }
            } else if breaksSeen {
                if ch == nil || !Self.breaks.contains(ch!) {
                    if text[start] == "\n" { writeLineBreak() }
                    writeBreaks(text[start..<end])
                    writeIndent()
                    start = end
                }
            } else if ch == nil || ch == " " || Self.breaks.contains(ch!) || ch == "'" {
                if start < end {
                    write(text[start..<end])
                    start = end
                }
            }
            if ch == "'" {
                write("''")
                start = end + 1
            }
            if let ch {
                spaces = ch == " "
                breaksSeen = Self.breaks.contains(ch)
            }
            end += 1
        }
        writeIndicator("'", needWhitespace: false)
    }

    static let escapes: [Unicode.Scalar: String] = [
        "\0": "0", "\u{07}": "a", "\u{08}": "b", "\t": "t", "\n": "n", "\u{0B}": "v", "\u{0C}": "f", "\r": "r",
        "\u{1B}": "e", "\"": "\"", "\\": "\\", "\u{85}": "N", "\u{A0}": "_", "\u{2028}": "L", "\u{2029}": "P",
    ]

    private mutating func writeDoubleQuoted(_ text: [Unicode.Scalar], split: Bool) {
        writeIndicator("\"", needWhitespace: true)
        var start = 0, end = 0
        while end <= text.count {
            let ch: Unicode.Scalar? = end < text.count ? text[end] : nil
            let plainChar: Bool = ch.map { c in
                !"\"\\\u{85}\u{2028}\u{2029}\u{FEFF}".unicodeScalars.contains(c)
                    && ((0x20...0x7E).contains(c.value) || (0xA0...0xD7FF).contains(c.value) || (0xE000...0xFFFD).contains(c.value))
            } ?? false
            if ch == nil || !plainChar {
                if start < end {
                    write(text[start..<end])
                    start = end
                }
                if let ch {
                    if let e = Self.escapes[ch] {
                        write("\\" + e)
                    } else if ch.value <= 0xFF {
                        write("\\x" + Self.hex(ch.value, 2))
                    } else if ch.value <= 0xFFFF {
                        write("\\u" + Self.hex(ch.value, 4))
                    } else {
                        write("\\U" + Self.hex(ch.value, 8))
                    }
                    start = end + 1
                }
            }
            if end > 0 && end < text.count - 1 && (ch == " " || start >= end) && column + (end - start) > bestWidth && split {
                // Python's text[start:end] is empty when an escape has moved start past end.
                if start < end { write(text[start..<end]) }
                write("\\")
                if start < end { start = end }
                writeIndent()
                whitespace = false
                indention = false
                if text[start] == " " { write("\\") }
            }
            end += 1
        }
        writeIndicator("\"", needWhitespace: false)
    }

    static func hex(_ v: UInt32, _ width: Int) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private mutating func writeLiteral(_ text: [Unicode.Scalar]) {
        var hints = ""
        if let first = text.first, first == " " || Self.breaks.contains(first) { hints += String(bestIndent) }
        if let last = text.last {
            if !Self.breaks.contains(last) {
                hints += "-"
            } else if text.count == 1 || Self.breaks.contains(text[text.count - 2]) {
                hints += "+"
            }
        }
        writeIndicator("|" + hints, needWhitespace: true)
        writeLineBreak()
        var breaksSeen = true
        var start = 0, end = 0
        while end <= text.count {
            let ch: Unicode.Scalar? = end < text.count ? text[end] : nil
            if breaksSeen {
                if ch == nil || !Self.breaks.contains(ch!) {
                    writeBreaks(text[start..<end])
                    if ch != nil { writeIndent() }
                    start = end
                }
            } else if ch == nil || Self.breaks.contains(ch!) {
                out.unicodeScalars.append(contentsOf: text[start..<end])
                if ch == nil { writeLineBreak() }
                start = end
            }
            if let ch { breaksSeen = Self.breaks.contains(ch) }
            end += 1
        }
    }
}
