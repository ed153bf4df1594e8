/// Ansible's `key=value` argument strings: `split_args` and `parse_kv`, used for `-e`
/// extra-vars and for free-form module arguments (`command: ls chdir=/tmp`).
///
/// Rules kept from ansible-core: splitting is on single spaces and newlines only (tabs stay
/// inside tokens); quotes and Jinja `{{ }}`, `{% %}`, `{# #}` blocks keep their spaces; values
/// lose one pair of matching outer quotes but are never otherwise typed (`x=5` is the string
/// `"5"`); backslash escapes such as `\n` and `\u00e9` are decoded before splitting on `=`.
public enum KeyValueArguments {
    /// Keys that stay options even in free-form mode (`check_raw`), as in ansible-core.
    static let freeFormOptionKeys: Set<String> = [
        "creates", "removes", "chdir", "executable", "warn", "stdin", "stdin_add_newline", "strip_empty_ends",
    ]

    public struct SplitError: Error, Sendable, CustomStringConvertible {
        public var input: String
        public var description: String {
            "failed at splitting arguments, either an unbalanced jinja2 block or quotes: \(input)"
        }
    }

    /// ansible-core's `parse_kv`: a dict of `key: value` strings. Words without `=` are joined
    /// into `_raw_params`; with `checkRaw` (free-form modules) so are `k=v` words whose key is
    /// not one of the command options (`chdir`, `creates`, ...).
    public static func parse(_ args: String, checkRaw: Bool = false) throws(SplitError) -> PyDict {
        var options = PyDict()
        var raw: [String] = []
        for original in try split(args) {
            let token = decodeEscapes(original)
            guard let eq = unescapedEquals(in: token) else {
                if token.contains("=") {
                    raw.append(token.replacingOccurrences(of: "\\=", with: "="))
                } else {
                    raw.append(original)
                }
                continue
            }
            let key = String(token[..<eq])
            let value = String(token[token.index(after: eq)...])
            if checkRaw && !freeFormOptionKeys.contains(key) {
                raw.append(original)
            } else {
                options[.string(pyStrip(key))] = .string(unquote(pyStrip(value)))
            }
        }
        if !raw.isEmpty { options["_raw_params"] = .string(join(raw)) }
        return options
    }

    /// The first `=` that is not at position 0 and not preceded by a backslash.
    static func unescapedEquals(in token: String) -> String.Index? {
        var previous: Character? = nil
        var i = token.startIndex
        var first = true
        while i < token.endIndex {
            let c = token[i]
            if c == "=" && !first && previous != "\\" { return i }
            previous = c
            first = false
            i = token.index(after: i)
        }
        return nil
    }

    /// ansible-core's `join_args`: tokens joined by spaces, except after a newline.
    public static func join(_ parts: [String]) -> String {
        var result = ""
        for p in parts {
            if result.isEmpty || result.hasSuffix("\n") { result += p } else { result += " " + p }
        }
        return result
    }

    /// ansible-core's `unquote`: strips one pair of matching outer quotes unless the closing
    /// quote is escaped.
    public static func unquote(_ s: String) -> String {
        let chars = Array(s)
        guard chars.count > 1, chars.first == chars.last, chars[0] == "\"" || chars[0] == "'",
              chars[chars.count - 2] != "\\" else { return s }
        return String(chars[1..<(chars.count - 1)])
    }

    /// Python's `str.strip()` with no argument: strips Unicode whitespace.
    static func pyStrip(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }

    /// ansible-core's `split_args`: whitespace splitting that reassembles quoted strings and
    /// Jinja blocks, keeping newlines.
    public static func split(_ args: String) throws(SplitError) -> [String] {
        if args.isEmpty { return [] }
        var params: [String] = []
        var quoteChar: Character? = nil
        var insideQuotes = false
        var printDepth = 0, blockDepth = 0, commentDepth = 0
        let lines = args.split(separator: "\n", omittingEmptySubsequences: false)
        for (lineIndex, line) in lines.enumerated() {
            var lineContinuation = false
            let tokens = line.split(separator: " ", omittingEmptySubsequences: false)
            for (idx, sub) in tokens.enumerated() {
                let token = String(sub)
                if token.isEmpty && idx != 0 {
                    if params.isEmpty { params.append("") }
                    params[params.count - 1] += " "
                    continue
                }
                if token == "\\" && !insideQuotes {
                    lineContinuation = true
                    continue
                }
                let wasInsideQuotes = insideQuotes
                quoteChar = quoteState(token, quoteChar)
                insideQuotes = quoteChar != nil
                var appended = false
                let inJinja = printDepth != 0 || blockDepth != 0 || commentDepth != 0
                if insideQuotes && !wasInsideQuotes && !inJinja {
                    params.append(token)
                    appended = true
                } else if inJinja || insideQuotes || wasInsideQuotes {
                    if idx == 0 && wasInsideQuotes {
                        params[params.count - 1] += token
                    } else {
                        params[params.count - 1] += (idx > 0 ? " " : "") + token
                    }
                    appended = true
                }
                for (depth, open, close) in [(\Depths.print, "{{", "}}"), (\Depths.block, "{%", "%}"), (\Depths.comment, "{#", "#}")] {
                    var d = Depths(print: printDepth, block: blockDepth, comment: commentDepth)
                    let before = d[keyPath: depth]
                    d[keyPath: depth] = countBlocks(token, before, open, close)
                    printDepth = d.print; blockDepth = d.block; commentDepth = d.comment
                    if d[keyPath: depth] != before && !appended {
                        params.append(token)
                        appended = true
                    }
                }
                if printDepth == 0 && blockDepth == 0 && commentDepth == 0 && !insideQuotes && !appended && !token.isEmpty {
                    params.append(token)
                }
            }
            if lines.count > 1 && lineIndex != lines.count - 1 && !lineContinuation {
                if params.isEmpty { params.append("") }
                params[params.count - 1] += "\n"
            }
        }
        if printDepth != 0 || blockDepth != 0 || commentDepth != 0 || insideQuotes {
            throw SplitError(input: args)
        }
        return params
    }

    private struct Depths { var print: Int; var block: Int; var comment: Int }

    static func quoteState(_ token: String, _ current: Character?) -> Character? {
        var quote = current
        var previous: Character? = nil
        for c in token {
            if (c == "\"" || c == "'") && previous != "\\" {
                if let q = quote {
                    if c == q { quote = nil }
                } else {
                    quote = c
                }
            }
            previous = c
        }
        return quote
    }

    static func countBlocks(_ token: String, _ depth: Int, _ open: String, _ close: String) -> Int {
        let opens = occurrences(of: open, in: token), closes = occurrences(of: close, in: token)
        guard opens != closes else { return depth }
        return max(0, depth + opens - closes)
    }

    /// Non-overlapping occurrences, as Python's `str.count`.
    static func occurrences(of needle: String, in haystack: String) -> Int {
        let h = Array(haystack.unicodeScalars), n = Array(needle.unicodeScalars)
        var count = 0, i = 0
        while i + n.count <= h.count {
            if Array(h[i..<(i + n.count)]) == n { count += 1; i += n.count } else { i += 1 }
        }
        return count
    }

    /// Decodes `\\ \' \" \a \b \f \n \r \t \v \xHH \uHHHH \UHHHHHHHH` as ansible-core's
    /// `_decode_escapes` does; anything else (including `\N{name}`) is left as written.
    static func decodeEscapes(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        let u = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        func hex(_ from: Int, _ count: Int) -> Unicode.Scalar? {
            guard from + count <= u.count else { return nil }
            var v: UInt32 = 0
            for k in from..<(from + count) {
                guard u[k].isASCII, let d = Int(String(u[k]), radix: 16) else { return nil }
                v = v * 16 + UInt32(d)
            }
            return Unicode.Scalar(v)
        }
        while i < u.count {
            if u[i] == "\\", i + 1 < u.count {
                let c = u[i + 1]
                let simple: [Unicode.Scalar: Unicode.Scalar] = [
                    "\\": "\\", "'": "'", "\"": "\"", "a": "\u{07}", "b": "\u{08}", "f": "\u{0C}",
                    "n": "\n", "r": "\r", "t": "\t", "v": "\u{0B}",
                ]
                if let r = simple[c] { out.append(r); i += 2; continue }
                let width: Int? = c == "x" ? 2 : c == "u" ? 4 : c == "U" ? 8 : nil
                if let width, let scalar = hex(i + 2, width) { out.append(scalar); i += 2 + width; continue }
            }
            out.append(u[i])
            i += 1
        }
        return String(out)
    }
}
