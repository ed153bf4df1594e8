/// POSIX sh single-quoting, as Python's `shlex.quote` (Ansible's `quote` filter) does it.
public enum ShellQuote {
    public static func quote(_ s: String) -> String {
        if s.isEmpty { return "''" }
        let safe = s.unicodeScalars.allSatisfy { c in
            (c.value < 128) && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "@%+=:,./-_".unicodeScalars.contains(c))
        }
        if safe { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
    }
}
