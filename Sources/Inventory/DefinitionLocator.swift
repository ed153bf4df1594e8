import Foundation

/// Finds the line that defines a variable in a file: a YAML key (`name:`), an INI
/// assignment (`name=` or ` name=` on a host line), optionally only after a line that starts
/// with a marker such as `[web:vars]` or a host's name. Comment lines are passed over.
public enum DefinitionLocator {
    public static func source(_ name: String, in file: String, after marker: String? = nil, from first: Int = 1) -> String {
        guard let line = line(name, in: file, after: marker, from: first) else { return file }
        return "\(file):\(line)"
    }

    public static func line(_ name: String, in file: String, after marker: String? = nil, from first: Int = 1) -> Int? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        let escaped = NSRegularExpression.escapedPattern(for: name)
        guard let re = try? NSRegularExpression(pattern: #"(^\s*["']?|\s)"# + escaped + #"["']?\s*[:=]"#) else { return nil }
        var armed = marker == nil
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index + 1 >= first {
            let s = String(line)
            let trimmed = s.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if !armed, let marker, trimmed.hasPrefix(marker) {
                armed = true
                if re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil { continue }
            }
            guard armed else { continue }
            if re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil { return index + 1 }
        }
        return nil
    }
}
