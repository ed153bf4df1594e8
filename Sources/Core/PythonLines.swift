extension String {
    /// Python's `str.splitlines(keepends)`: breaks after `\n`, `\r\n`, `\r`, `\v`, `\f`,
    /// `\x1c`-`\x1e`, `\x85`, `\u2028` and `\u2029`; no empty last line for a final break.
    public func pythonSplitLines(keepEnds: Bool) -> [String] {
        var out: [String] = []
        var line = String.UnicodeScalarView()
        var scalars = unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let c = pending {
            pending = scalars.next()
            switch c.value {
            case 0x0A, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029, 0x0D:
                if keepEnds { line.append(c) }
                if c.value == 0x0D, pending?.value == 0x0A {
                    if keepEnds { line.append(pending!) }
                    pending = scalars.next()
                }
                out.append(String(line))
                line = String.UnicodeScalarView()
            default:
                line.append(c)
            }
        }
        if !line.isEmpty { out.append(String(line)) }
        return out
    }
}
