import Core

/// Turns template source into tokens, applying Jinja's whitespace rules (`-`/`+` modifiers,
/// trim_blocks, lstrip_blocks), comments and `{% raw %}` blocks.
struct Lexer {
    let src: [UInt8]
    let options: LexerOptions
    var pos = 0
    var tokens: [Token] = []
    var lines: [Int] = []
    var line = 1
    /// Strip leading whitespace of the next data chunk (a `-` on the previous end tag).
    var stripNext = false
    /// Remove one newline at the start of the next data chunk (trim_blocks after a block tag).
    var trimNext = false

    init(_ source: String, options: LexerOptions) {
        var s = source
        if s.contains("\r") { s = s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") }
        if s.hasSuffix("\n") { s.removeLast() }
        src = Array(s.utf8)
        self.options = options
    }

    static func tokenize(_ source: String, options: LexerOptions) throws(TemplateError) -> [Token] {
        var lexer = Lexer(source, options: options)
        try lexer.run()
        return lexer.tokens
    }

    func starts(_ pattern: [UInt8], at i: Int) -> Bool {
        guard i + pattern.count <= src.count else { return false }
        for k in 0..<pattern.count where src[i + k] != pattern[k] { return false }
        return true
    }

    func find(_ pattern: [UInt8], from: Int) -> Int? {
        guard !pattern.isEmpty, from < src.count else { return nil }
        let first = pattern[0]
        var i = from
        while i + pattern.count <= src.count {
            if src[i] == first, starts(pattern, at: i) { return i }
            i += 1
        }
        return nil
    }

    mutating func emit(_ t: Token) {
        tokens.append(t)
        lines.append(line)
    }

    enum TagKind { case variable, block, comment }

    mutating func run() throws(TemplateError) {
        let vs = Array(options.variableStart.utf8), bs = Array(options.blockStart.utf8), cs = Array(options.commentStart.utf8)
        while pos < src.count {
            var next: (Int, TagKind, Int)? = nil
            var i = pos
            while i < src.count {
                if starts(cs, at: i) { next = (i, .comment, cs.count); break }
                if starts(bs, at: i) { next = (i, .block, bs.count); break }
                if starts(vs, at: i) { next = (i, .variable, vs.count); break }
                i += 1
            }
            guard let (start, kind, len) = next else {
                emitData(pos, src.count, stripRight: false, lstrip: false)
                pos = src.count
                break
            }
            let modifier = start + len < src.count ? src[start + len] : 0
            let minus = modifier == UInt8(ascii: "-")
            let plus = modifier == UInt8(ascii: "+")
            let lstrip = options.lstripBlocks && kind != .variable && !plus && !minus
            emitData(pos, start, stripRight: minus, lstrip: lstrip)
            pos = start + len + ((minus || plus) ? 1 : 0)
            switch kind {
            case .comment: try lexComment()
            case .block:
                if try lexRaw() { continue }
                emit(.blockBegin)
                try lexTag(end: Array(options.blockEnd.utf8), isBlock: true)
            case .variable:
                emit(.varBegin)
                try lexTag(end: Array(options.variableEnd.utf8), isBlock: false)
            }
        }
        emit(.eof)
    }

    mutating func emitData(_ from: Int, _ to: Int, stripRight: Bool, lstrip: Bool) {
        var a = from, b = to
        if stripNext {
            while a < b, isSpace(src[a]) { a += 1 }
        } else if trimNext, a < b, src[a] == 10 {
            a += 1
        }
        stripNext = false
        trimNext = false
        if stripRight {
            while b > a, isSpace(src[b - 1]) { b -= 1 }
        } else if lstrip {
            var k = b
            while k > a, src[k - 1] == 32 || src[k - 1] == 9 { k -= 1 }
            let atLineStart = (k == a) ? (a == 0 || src[a - 1] == 10) : src[k - 1] == 10
            if atLineStart { b = k }
        }
        for k in from..<to where src[k] == 10 { line += 1 }
        guard b > a else { return }
        var text = String(decoding: src[a..<b], as: UTF8.self)
        if options.newlineSequence != "\n" { text = text.replacingOccurrences(of: "\n", with: options.newlineSequence) }
        emit(.data(text))
    }

    func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 || c == 12 || c == 11 }

    mutating func lexComment() throws(TemplateError) {
        let end = Array(options.commentEnd.utf8)
        guard let e = find(end, from: pos) else { throw .syntax("Missing end of comment tag") }
        for k in pos..<e where src[k] == 10 { line += 1 }
        let minus = e > pos && src[e - 1] == UInt8(ascii: "-")
        let plus = e > pos && src[e - 1] == UInt8(ascii: "+")
        pos = e + end.count
        if minus { stripNext = true } else if options.trimBlocks && !plus { trimNext = true }
    }

    /// `{% raw %}...{% endraw %}`: the content is data, not template syntax.
    mutating func lexRaw() throws(TemplateError) -> Bool {
        var i = pos
        while i < src.count, isSpace(src[i]) { i += 1 }
        guard starts(Array("raw".utf8), at: i) else { return false }
        i += 3
        while i < src.count, isSpace(src[i]) { i += 1 }
        let be = Array(options.blockEnd.utf8)
        var minusAfter = false
        if i < src.count, src[i] == UInt8(ascii: "-") || src[i] == UInt8(ascii: "+") { minusAfter = src[i] == UInt8(ascii: "-"); i += 1 }
        guard starts(be, at: i) else { return false }
        let contentStart = i + be.count
        // find {% [-+]? endraw [-+]? %}
        let bs = Array(options.blockStart.utf8)
        var search = contentStart
        while let s = find(bs, from: search) {
            var j = s + bs.count
            var minusBefore = false
            if j < src.count, src[j] == UInt8(ascii: "-") || src[j] == UInt8(ascii: "+") { minusBefore = src[j] == UInt8(ascii: "-"); j += 1 }
            while j < src.count, isSpace(src[j]) { j += 1 }
            if starts(Array("endraw".utf8), at: j) {
                j += 6
                while j < src.count, isSpace(src[j]) { j += 1 }
                var minusEnd = false, plusEnd = false
                if j < src.count, src[j] == UInt8(ascii: "-") { minusEnd = true; j += 1 } else if j < src.count, src[j] == UInt8(ascii: "+") { plusEnd = true; j += 1 }
                if starts(be, at: j) {
                    var a = contentStart, b = s
                    if minusAfter { while a < b, isSpace(src[a]) { a += 1 } } else if options.trimBlocks, a < b, src[a] == 10 { a += 1 }
                    if minusBefore { while b > a, isSpace(src[b - 1]) { b -= 1 } } else if options.lstripBlocks {
                        var k = b
                        while k > a, src[k - 1] == 32 || src[k - 1] == 9 { k -= 1 }
                        if k > a, src[k - 1] == 10 { b = k }
                    }
                    for k in pos..<(j + be.count) where src[k] == 10 { line += 1 }
                    if b > a {
                        var text = String(decoding: src[a..<b], as: UTF8.self)
                        if options.newlineSequence != "\n" { text = text.replacingOccurrences(of: "\n", with: options.newlineSequence) }
                        emit(.data(text))
                    }
                    pos = j + be.count
                    if minusEnd { stripNext = true } else if options.trimBlocks && !plusEnd { trimNext = true }
                    return true
                }
            }
            search = s + 1
        }
        throw .syntax("Missing end of raw directive")
    }
}
