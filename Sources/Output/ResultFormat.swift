import Core

/// How the default callback writes a result after `=>` (ansible's `result_format_callback`
/// options): `callback_result_format` json or yaml, `callback_result_indentation`,
/// `callback_format_pretty` and `callback_result_yaml_line_width`.
public struct ResultFormat: Sendable {
    public enum Kind: String, Sendable { case json, yaml }
    public var kind: Kind = .json
    public var indentation = 4
    /// `callback_format_pretty`: nil means "pretty for yaml, compact for json".
    public var pretty: Bool?
    /// The YAML line width (nil: PyYAML's 80).
    public var yamlWidth: Int?

    public init() {}

    /// Reads the `ANSIBLE_CALLBACK_*` settings; an unknown format is reported by the caller.
    public init(settings: [String: String]) throws(Diagnostic) {
        if let raw = settings["ANSIBLE_CALLBACK_RESULT_FORMAT"] {
            guard let kind = Kind(rawValue: raw.lowercased()) else {
                throw Diagnostic.error("Invalid value \"\(raw)\" for configuration option \"callback_result_format\", valid values are: json, yaml",
                                       hint: "Set ANSIBLE_CALLBACK_RESULT_FORMAT or callback_result_format in ansible.cfg to json or yaml.")
            }
            self.kind = kind
        }
        if let raw = settings["ANSIBLE_CALLBACK_RESULT_INDENTATION"], let n = Int(raw) { indentation = n }
        if let raw = settings["ANSIBLE_CALLBACK_FORMAT_PRETTY"]?.lowercased() {
            if ["1", "true", "yes", "on", "y", "t"].contains(raw) { pretty = true }
            if ["0", "false", "no", "off", "n", "f"].contains(raw) { pretty = false }
        }
        switch settings["ANSIBLE_CALLBACK_RESULT_YAML_LINE_WIDTH"]?.lowercased() {
        case "no-break": yamlWidth = 0x7FFF_FFFF
        case let raw?: yamlWidth = Int(raw)
        case nil: break
        }
    }

    /// ansible's `_dump_results` on a result already stripped of its internal keys: JSON
    /// (keys sorted, non-ASCII kept) or YAML after a newline, indented; `verboseAlways` and
    /// `verbosity` as the result's `_ansible_verbose_always` and `-v` count.
    public func dump(_ result: PyDict, indent requested: Int? = nil, verboseAlways: Bool = false, verbosity: Int = 0) -> String {
        var indent = requested
        if indent == nil && (verboseAlways || (pretty == nil && kind != .json) || pretty == true || verbosity > 2) {
            indent = indentation
        }
        if pretty == false { indent = nil }
        var body = result
        for key in ["exception", "warnings", "deprecations"] { body[.string(key)] = nil }
        if verbosity < 3 { body["diff"] = nil }
        switch kind {
        case .json:
            return JSONText.encode(Self.sortedKeys(.dict(body)), indent: indent, ensureASCII: false)
        case .yaml:
            let lossy = pretty != false
            if lossy {
                if body["stdout"] != nil && body["stdout_lines"] != nil { body["stdout_lines"] = "<omitted>" }
                if body["stderr"] != nil && body["stderr_lines"] != nil { body["stderr_lines"] = "<omitted>" }
            }
            let yaml = PyYAMLEmitter.dump(.dict(body), indent: indent ?? 2, width: yamlWidth, lossy: lossy)
            return "\n" + Self.textwrapIndent(yaml, String(repeating: " ", count: indent ?? 4))
        }
    }

    /// `textwrap.indent`: `prefix` before every line that is not blank.
    static func textwrapIndent(_ text: String, _ prefix: String) -> String {
        text.pythonSplitLines(keepEnds: true).map { line in
            line.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) ? line : prefix + line
        }.joined()
    }

    /// `sort_keys=True`: every mapping's keys sorted, at every depth.
    static func sortedKeys(_ value: Value) -> Value {
        switch value {
        case .dict(let d):
            return .dict(PyDict(d.items.sorted { PyYAMLEmitter.less($0.key, $1.key) }.map { ($0.key, sortedKeys($0.value)) }))
        case .list(let items): return .list(items.map(sortedKeys))
        case .tuple(let items): return .tuple(items.map(sortedKeys))
        default: return value
        }
    }
}
