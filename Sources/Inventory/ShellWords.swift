/// Python's `shlex.split(line, comments=True)` in POSIX mode, as the INI plugin splits host lines.
public enum ShellWords {
    public struct Failure: Error { public var message: String }

    /// Splits like shlex: quotes group, a backslash escapes (inside double quotes only `"` and
    /// `\`), and `#` outside quotes ends the line even in the middle of a word.
    public static func split(_ line: String) throws(Failure) -> [String] {
        var out: [String] = []
        var token = ""
        var quoted = false
        var inWord = false
        var chars = Array(line)[...]
        func emit() {
            if inWord || quoted { out.append(token) }
            token = ""; quoted = false; inWord = false
        }
        while let c = chars.popFirst() {
            switch c {
            case " ", "\t", "\r", "\n":
                emit()
            case "#":
                emit()
                return out
            case "'":
                quoted = true; inWord = true
                guard let end = chars.firstIndex(of: "'") else { throw Failure(message: "No closing quotation") }
                token += String(chars[chars.startIndex..<end])
                chars = chars[(end + 1)...]
            case "\"":
                quoted = true; inWord = true
                var closed = false
                while let d = chars.popFirst() {
                    if d == "\"" { closed = true; break }
                    if d == "\\" {
                        guard let e = chars.popFirst() else { throw Failure(message: "No escaped character") }
                        if e != "\"" && e != "\\" { token.append("\\") }
                        token.append(e)
                    } else {
                        token.append(d)
                    }
                }
                if !closed { throw Failure(message: "No closing quotation") }
            case "\\":
                guard let e = chars.popFirst() else { throw Failure(message: "No escaped character") }
                token.append(e); inWord = true
            default:
                token.append(c); inWord = true
            }
        }
        emit()
        return out
    }
}
