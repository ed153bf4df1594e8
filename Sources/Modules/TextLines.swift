/// Line handling for the text modules, on bytes so that `\r\n` is two characters as in Python.
enum TextLines {
    /// Python's `readlines()` (`universal: false`: split after `\n`) or
    /// `splitlines(keepends=True)` (`universal: true`: after `\n`, `\r` or `\r\n`).
    static func split(_ bytes: [UInt8], universal: Bool = false) -> [String] {
        var lines: [String] = []
        var start = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 10 || (universal && b == 13) {
                var end = i + 1
                if universal, b == 13, end < bytes.count, bytes[end] == 10 { end += 1 }
                lines.append(String(decoding: bytes[start..<end], as: UTF8.self))
                start = end
                i = end
                continue
            }
            i += 1
        }
        if start < bytes.count { lines.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return lines
    }

    /// `s.rstrip('\r\n')`.
    static func stripEnd(_ s: String) -> String {
        var scalars = Substring(s).unicodeScalars
        while let last = scalars.last, last == "\n" || last == "\r" { scalars.removeLast() }
        return String(scalars)
    }

    /// True when the text ends with `\n` or `\r`.
    static func endsWithNewline(_ s: String) -> Bool {
        guard let last = s.unicodeScalars.last else { return false }
        return last == "\n" || last == "\r"
    }
}
