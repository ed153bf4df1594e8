import Core
import Foundation
import GoldenSupport
import Jinja
import Testing
import YAML

/// Runs every case of `Fixtures/expected.json` (recorded from ansible-core 2.21 by
/// `Fixtures/record.py`) in the recorder's fixed environment.
struct JinjaGoldenTests {
    /// Cases that cannot match, with the reason.
    static let knownDivergences: [String: String] = [
        "fc-random-seeded": "Python's Mersenne-Twister seeded random",
        "fc-random-int-seeded": "Python's Mersenne-Twister seeded random",
        "fc-random-start-step-seeded": "Python's Mersenne-Twister seeded random",
        "fa-shuffle-seeded-2": "Python's Mersenne-Twister seeded shuffle",
        "fa-shuffle-str-list-seeded": "Python's Mersenne-Twister seeded shuffle",
        "omit-in-dict-key": "the golden encodes the _OmitType object itself as a dict key",
    ]

    static let corpus = Corpus()

    final class Corpus: @unchecked Sendable {
        let cases: [String: PyDict]
        let expected: [String: Any]
        let ids: [String]
        let engine = TemplateEngine()


        init() {
            setenv("RUNNER_TEST_VAR", "hello world", 1)
            setenv("RUNNER_TEST_EMPTY", "", 1)
            setenv("RUNNER_TEST_NUM", "42", 1)
            unsetenv("RUNNER_TEST_UNSET")
            setenv("HOME", "/home/runner", 1)
            setenv("TZ", "UTC", 1)
            tzset()
            // The cases' play directories go when the test process ends.
            atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "runner-jinja-golden-\(getpid())") }
            let dir = Golden.fixtures().appendingPathComponent("cases")
            var cases: [String: PyDict] = [:]
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for f in files.sorted() where f.hasSuffix(".yaml") {
                let text = (try? String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)) ?? ""
                guard let loaded = try? YAMLLoader.load(text, file: f, ansibleTags: false).value, let list = loaded.listValue else { continue }
                for c in list {
                    if let d = c.dictValue, let id = d["id"]?.stringValue { cases[id] = d }
                }
            }
            self.cases = cases
            let exp = (try? Golden.json(Golden.fixtures().appendingPathComponent("expected.json"))) as? [String: Any] ?? [:]
            expected = exp
            ids = exp.keys.sorted()
        }
    }

    static func unsafeDeep(_ v: Value) -> Value {
        switch v {
        case .string(let s): return .unsafe(s)
        case .list(let l): return .list(l.map(unsafeDeep))
        case .dict(let d):
            var out = PyDict()
            for (k, x) in d.items { out[k] = unsafeDeep(x) }
            return .dict(out)
        default: return v
        }
    }

    /// The recorder encodes Ansible's unsafe strings as plain `str`; map runner's to match, and
    /// replace the per-case play dir with the recorder's `@PLAY@` placeholder.
    static func normalize(_ v: Value, play: String) -> Value {
        switch v {
        case .string(let s), .unsafe(let s): return .string(s.replacingOccurrences(of: play, with: "@PLAY@"))
        case .list(let l): return .list(l.map { normalize($0, play: play) })
        case .tuple(let l): return .tuple(l.map { normalize($0, play: play) })
        case .dict(let d):
            var out = PyDict()
            for (k, x) in d.items { out[normalize(k, play: play)] = normalize(x, play: play) }
            return .dict(out)
        default: return v
        }
    }

    static func preparePlayDir(_ id: String, _ c: PyDict) throws -> String {
        let root = NSTemporaryDirectory() + "runner-jinja-golden-\(getpid())/\(id)"
        let play = root + "/play"
        let fm = FileManager.default
        try? fm.removeItem(atPath: root)
        try fm.createDirectory(atPath: play, withIntermediateDirectories: true)
        for (k, v) in c["files"]?.dictValue?.items ?? [] {
            let rel = k.pythonString
            if rel.hasSuffix("/") {
                try fm.createDirectory(atPath: play + "/" + rel, withIntermediateDirectories: true)
                continue
            }
            if rel.hasSuffix("@") {
                let path = play + "/" + rel.dropLast()
                try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try fm.createSymbolicLink(atPath: path, withDestinationPath: v.pythonString)
                continue
            }
            let path = play + "/" + rel
            try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(v.pythonString.utf8).write(to: URL(fileURLWithPath: path))
        }
        return play
    }

    static func run(_ id: String, _ c: PyDict, engine: TemplateEngine) throws -> (Value?, TemplateError?, String) {
        let play = try preparePlayDir(id, c)
        var vars: [String: Value] = ["playbook_dir": .string(play), "ansible_search_path": .list([.string(play)])]
        for (k, v) in c["vars"]?.dictValue?.items ?? [] { vars[k.pythonString] = v }
        for (k, v) in c["unsafe_vars"]?.dictValue?.items ?? [] { vars[k.pythonString] = unsafeDeep(v) }
        let source = DictVariables(vars)
        let template = c["template"] ?? .none
        do {
            switch c["mode"]?.stringValue ?? "expr" {
            case "expr": return (try engine.template(template, vars: source), nil, play)
            case "text": return (.string(try engine.renderText(template, vars: source)), nil, play)
            case "cond": return (.bool(try engine.evaluateConditional(template, vars: source)), nil, play)
            default:
                var opts = TemplateFileOptions()
                let o = c["options"]?.dictValue ?? PyDict()
                if let b = o["trim_blocks"] { opts.lexer.trimBlocks = b.isTruthy }
                if let b = o["lstrip_blocks"] { opts.lexer.lstripBlocks = b.isTruthy }
                if let n = o["newline_sequence"]?.stringValue {
                    opts.lexer.newlineSequence = ["\\n": "\n", "\\r": "\r", "\\r\\n": "\r\n"][n] ?? n
                }
                if let s = o["block_start_string"]?.stringValue { opts.lexer.blockStart = s }
                if let s = o["block_end_string"]?.stringValue { opts.lexer.blockEnd = s }
                if let s = o["variable_start_string"]?.stringValue { opts.lexer.variableStart = s }
                if let s = o["variable_end_string"]?.stringValue { opts.lexer.variableEnd = s }
                if let s = o["comment_start_string"]?.stringValue { opts.lexer.commentStart = s }
                if let s = o["comment_end_string"]?.stringValue { opts.lexer.commentEnd = s }
                let path = play + "/templates/case.j2"
                try FileManager.default.createDirectory(atPath: play + "/templates", withIntermediateDirectories: true)
                try Data(template.pythonString.utf8).write(to: URL(fileURLWithPath: path))
                var search: [String] = []
                for p in [play, play, play + "/templates"] { search += [p + "/templates", p] }
                let extra: [String: Value] = [
                    "template_path": "case.j2", "template_fullpath": .string(path),
                    "template_destpath": "/tmp/dest/case.txt",
                    "template_mtime": .timestamp(PyTimestamp(year: 2023, month: 11, day: 14, hour: 22, minute: 13, second: 20, microsecond: 0, utcOffsetMinutes: nil)),
                    "ansible_managed": "Ansible managed",
                ]
                return (.string(try engine.renderTemplateFile(path: path, searchPath: search, vars: source, extraVars: extra, options: opts)), nil, play)
            }
        } catch let e as TemplateError {
            return (nil, e, play)
        }
    }

    @Test("Jinja golden case", arguments: corpus.ids)
    func golden(_ id: String) throws {
        if let reason = Self.knownDivergences[id] ?? JinjaPending.cases[id] {
            withKnownIssue(Comment(rawValue: reason)) { try check(id) }
            return
        }
        try check(id)
    }

    func check(_ id: String) throws {
        let corpus = Self.corpus
        let c = try #require(corpus.cases[id], "case \(id) missing from cases/*.yaml")
        let expected = try #require(corpus.expected[id] as? [String: Any])
        let (value, error, play) = try Self.run(id, c, engine: corpus.engine)
        if let err = expected["error"] as? [String: Any] {
            let type = err["type"] as? String ?? ""
            #expect(error?.typeName == type, "\(id): expected \(type): \(err["message"] ?? ""); got \(error.map { "\($0.typeName): \($0.message)" } ?? "value \(value?.pythonRepr ?? "")")")
            return
        }
        guard let value else {
            Issue.record("\(id): unexpected \(error!.typeName): \(error!.message)")
            return
        }
        let diffs = Golden.diff(expected["value"] as Any, Self.normalize(value, play: play))
        #expect(diffs.isEmpty, "\(id): \(diffs.joined(separator: "; "))")
    }
}
