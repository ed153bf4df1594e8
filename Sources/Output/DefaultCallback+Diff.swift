import Core

extension DefaultCallback {
    /// ansible's diff colours (`COLOR_DIFF_ADD`, `COLOR_DIFF_REMOVE`, `COLOR_DIFF_LINES`).
    enum DiffPalette {
        static let add = "0;32", remove = "0;31", lines = "0;36"
    }

    /// `v2_on_file_diff`: a changed result's `diff` printed before its result line.
    func fileDiff(_ result: PyDict) {
        guard let diff = result["diff"], diff.isTruthy, result["changed"]?.isTruthy == true else { return }
        let text = diffText(diff)
        guard !text.isEmpty else { return }
        write(text.hasSuffix("\n") ? text : text + "\n")
    }

    /// The callback's `_get_diff`: each entry of a diff list as skip notes, a unified diff of
    /// its `before` and `after` (mappings as sorted, indented JSON), and its `prepared` text.
    func diffText(_ diff: Value) -> String {
        var out = ""
        for entry in diff.listValue ?? [diff] {
            guard let d = entry.dictValue else { continue }
            if d["dst_binary"] != nil { out += "diff skipped: destination file appears to be binary\n" }
            if d["src_binary"] != nil { out += "diff skipped: source file appears to be binary\n" }
            if let n = d["dst_larger"] { out += "diff skipped: destination file size is greater than \(n.pythonString)\n" }
            if let n = d["src_larger"] { out += "diff skipped: source file size is greater than \(n.pythonString)\n" }
            if let before = d["before"], let after = d["after"] {
                let fromFile = d["before_header"].map { "before: \($0.pythonString)" } ?? "before"
                let toFile = d["after_header"].map { "after: \($0.pythonString)" } ?? "after"
                let lines = UnifiedDiff.lines(diffLines(before), diffLines(after), fromFile: fromFile, toFile: toFile,
                                              context: diffContext)
                for line in lines {
                    if line.hasPrefix("+") {
                        out += stringc(line, DiffPalette.add)
                    } else if line.hasPrefix("-") {
                        out += stringc(line, DiffPalette.remove)
                    } else if line.hasPrefix("@@") {
                        out += stringc(line, DiffPalette.lines)
                    } else {
                        out += line
                    }
                }
                if !lines.isEmpty { out += "\n" }
            }
            if let prepared = d["prepared"] { out += prepared.pythonString }
        }
        return out
    }

    /// One side of a diff as lines with their endings; a last line without one gets ansible's
    /// "\ No newline at end of file" marker. Mappings are written as `_serialize_diff` does:
    /// sorted JSON, or indented YAML when results are YAML.
    func diffLines(_ side: Value) -> [String] {
        let text: String
        switch side {
        case .none: text = ""
        case .dict(let d) where resultFormat.kind == .yaml:
            let yaml = PyYAMLEmitter.dump(.dict(d), indent: 4, lossy: resultFormat.pretty != false)
            text = ResultFormat.textwrapIndent(yaml, "    ") + "\n"
        case .dict(let d):
            text = JSONText.encode(ResultFormat.sortedKeys(.dict(d)), indent: 4) + "\n"
        default: text = side.pythonString
        }
        var lines = text.pythonSplitLines(keepEnds: true)
        if let last = lines.last, last.unicodeScalars.last != "\n" {
            lines[lines.count - 1] = last + "\n\\ No newline at end of file\n"
        }
        return lines
    }

    /// ansible's `stringc`: every `\n`-separated part of `text` (the empty one after a final
    /// newline included) wrapped in the colour, when colours are on.
    func stringc(_ text: String, _ code: String) -> String {
        guard color else { return text }
        return text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "\u{1b}[\(code)m\(String($0))\u{1b}[0m" }.joined(separator: "\n")
    }
}
