import Foundation

/// Renders diagnostics for people: the one place where errors become text.
///
/// ```
/// [ERROR]: site.yml:3:9: mapping values are not allowed in this context
///    3 | - hosts: all: x
///      |         ^
/// Fix the YAML syntax at the marked column.
/// ```
public struct DiagnosticRenderer: Sendable {
    /// Source texts already read, by path; filled lazily when a diagnostic points into a file.
    public var sources: [String: String] = [:]

    public init() {}

    public func render(_ d: Diagnostic) -> String {
        var out = d.severity == .error ? "[ERROR]: " : "[WARNING]: "
        if let loc = d.location, !loc.file.isEmpty {
            out += "\(loc): "
        }
        out += d.message
        for key in d.context.keys.sorted() { out += "\n  \(key): \(d.context[key]!)" }
        if let loc = d.location, loc.line > 0, let excerpt = excerpt(at: loc) {
            out += "\n" + excerpt
        }
        if let (label, loc) = d.related, loc.line > 0, let excerpt = excerpt(at: loc) {
            out += "\n\(label) at \(loc):\n" + excerpt
        }
        if let hint = d.hint { out += "\n" + hint }
        return out
    }

    /// The offending line with a caret under the column, like Ansible's "The offending line
    /// appears to be" block, in two lines.
    func excerpt(at loc: SourceLocation) -> String? {
        let text = sources[loc.file] ?? (try? String(contentsOfFile: loc.file, encoding: .utf8))
        guard let text else { return nil }
        // Only the lines up to the wanted one are split off: a file may be tens of megabytes.
        guard loc.line > 0 else { return nil }
        for (index, line) in text.split(separator: "\n", maxSplits: loc.line, omittingEmptySubsequences: false).enumerated() {
            guard index + 1 == loc.line else { continue }
            let shown = line.hasSuffix("\r") ? line.dropLast() : line
            if shown.count > 200 { return nil }
            let gutter = String(loc.line)
            let pad = String(repeating: " ", count: max(0, 4 - gutter.count))
            var s = "\(pad)\(gutter) | \(shown.replacingOccurrences(of: "\t", with: " "))"
            if loc.column > 0 {
                let blank = String(repeating: " ", count: max(4, gutter.count))
                s += "\n\(blank) | " + String(repeating: " ", count: loc.column - 1) + "^"
            }
            return s
        }
        return nil
    }
}
