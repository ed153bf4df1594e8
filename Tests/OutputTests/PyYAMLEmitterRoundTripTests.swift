import Core
import GoldenSupport
@testable import Output
import Testing
import YAML

/// The YAML emitter behind `callback_result_format = yaml`, checked the way PyYAML promises its
/// output: whatever it writes (without the callback's lossy multi-line clean-up) reads back as
/// the same value. 3,000 seeded random values: strings full of YAML's indicators, quotes,
/// line breaks, leading and trailing spaces, non-ASCII and control characters, numbers-like
/// and boolean-like text, long text to fold, nested and empty mappings and lists. (NEL, U+0085,
/// is left out: PyYAML writes it raw inside a `|` block and reads it back as `\n` itself.)
struct PyYAMLEmitterRoundTripTests {
    static let pieces = [
        "a", "b c", "yes", "No", "null", "~", "123", "0x1F", "1.5e3", ".inf", "2001-12-14", "- x", "? q", ": v", "#c", " # c",
        "x: y", "'", "\"", "\\", "{", "}", "[", "]", ",", "&a", "*b", "!t", "|", ">", "%", "@", "`", "\n", "\n\n", " ", "\t",
        "é", "日本", "\u{2028}", "\u{7}", "\u{1B}", "\u{FEFF}", "---", "...", "<<", "=", "word ",
    ]

    static func string(_ random: inout Mutator) -> String {
        var s = ""
        for _ in 0..<random.below(12) {
            s += random.below(10) == 0 ? String(repeating: "long words ", count: 1 + random.below(12)) : pieces[random.below(pieces.count)]
        }
        return s
    }

    static func value(_ random: inout Mutator, depth: Int = 0) -> Value {
        switch depth > 3 ? random.below(4) : random.below(7) {
        case 0: return .string(string(&random))
        case 1: return .int(random.below(2000) - 1000)
        case 2: return random.below(2) == 0 ? .bool(random.below(2) == 0) : .none
        case 3: return .float(Double(random.below(10000)) / 8)
        case 4, 5:
            var d = PyDict()
            for _ in 0..<random.below(4) { d[.string(string(&random))] = value(&random, depth: depth + 1) }
            return .dict(d)
        default:
            return .list((0..<random.below(4)).map { _ in value(&random, depth: depth + 1) })
        }
    }

    @Test func whatItWritesReadsBack() throws {
        var random = Mutator(seed: 2026_11_29)
        for index in 0..<3000 {
            let original = Self.value(&random)
            for (indent, width) in [(2, nil), (4, nil), (4, 20)] as [(Int, Int?)] {
                let text = PyYAMLEmitter.dump(original, indent: indent, width: width, lossy: false)
                let loaded = try YAMLLoader.load(text, file: "case-\(index).yml", ansibleTags: false).value
                #expect(loaded == original, "case \(index), indent \(indent), width \(width ?? 80):\n\(text)")
                if loaded != original { return }
            }
            // The callback's lossy form changes multi-line text on purpose; it must still be YAML.
            let lossy = PyYAMLEmitter.dump(original, indent: 4, lossy: true)
            #expect(throws: Never.self, "case \(index) lossy:\n\(lossy)") { _ = try YAMLLoader.load(lossy, file: "lossy.yml", ansibleTags: false) }
        }
    }
}
