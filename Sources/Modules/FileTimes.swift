import Connection
import Core
import Foundation

/// `file`'s `modification_time` and `access_time`: `now`, `preserve`, or a local time read with
/// `*_time_format` (strptime, default `%Y%m%d%H%M.%S`). Unset, they are `now` for `touch` and
/// `preserve` otherwise, as in ansible-core. A stamp is handed to `touch -t`, so the target's
/// own time zone turns it into seconds, as Python's `mktime` does there.
struct FileTimes {
    enum Setting: Equatable {
        case preserve, now
        /// `CCYYMMDDhhmm.ss`, as `touch -t` reads it.
        case at(String)
    }

    var modification: Setting
    var access: Setting

    init(modification: Setting = .preserve, access: Setting = .preserve) {
        self.modification = modification
        self.access = access
    }

    init(_ context: ModuleContext, state: String) throws(ModuleFailure) {
        let fallback: Setting = state == "touch" ? .now : .preserve
        modification = try Self.setting(context.string("modification_time"), format: context.string("modification_time_format"), fallback: fallback)
        access = try Self.setting(context.string("access_time"), format: context.string("access_time_format"), fallback: fallback)
    }

    static func setting(_ value: String?, format: String?, fallback: Setting) throws(ModuleFailure) -> Setting {
        guard let value else { return fallback }
        if value == "preserve" { return .preserve }
        if value == "now" { return .now }
        let format = format ?? "%Y%m%d%H%M.%S"
        switch Self.stamp(value, format: format) {
        case .success(let stamp): return .at(stamp)
        case .failure(let why):
            throw ModuleFailure(.failed("Error while obtaining timestamp for time \(value) using format \(format): \(why)"))
        }
    }

    /// `value` read with `format` as `CCYYMMDDhhmm.ss`, or Python's complaint about it. As
    /// Python's strptime does, the format becomes a regular expression matched from the start
    /// (`%Y %y %m %d %H %M %S %%`; whitespace matches any run of it); fields it lacks are those
    /// of 1900-01-01 00:00:00.
    static func stamp(_ value: String, format: String) -> Result<String, StampError> {
        var pattern = "", fields: [Character] = []
        var chars = Substring(format)
        while let c = chars.popFirst() {
            if c == "%", let d = chars.popFirst() {
                guard let part = Self.directives[d] else {
                    return .failure(StampError("'\(d)' is a bad directive in format \(Value.string(format).pythonRepr)"))
                }
                if d != "%" { fields.append(d) }
                pattern += part
            } else if c.isWhitespace {
                pattern += "\\s+"
            } else {
                pattern += NSRegularExpression.escapedPattern(for: String(c))
            }
        }
        let ns = value as NSString
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]),
              let found = regex.firstMatch(in: value, options: [.anchored], range: NSRange(location: 0, length: ns.length)) else {
            return .failure(StampError("time data \(Value.string(value).pythonRepr) does not match format \(Value.string(format).pythonRepr)"))
        }
        guard found.range.length == ns.length else {
            return .failure(StampError("unconverted data remains: \(ns.substring(from: found.range.length))"))
        }
        var year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0
        for (i, d) in fields.enumerated() {
            let n = Int(ns.substring(with: found.range(at: i + 1)).trimmingCharacters(in: .whitespaces)) ?? 0
            switch d {
            case "Y": year = n
            case "y": year = n < 69 ? 2000 + n : 1900 + n
            case "m": month = n
            case "d": day = n
            case "H": hour = n
            case "M": minute = n
            default: second = n
            }
        }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return .success("\(year)\(two(month))\(two(day))\(two(hour))\(two(minute)).\(two(second))")
    }

    /// The patterns Python's strptime reads these directives with.
    static let directives: [Character: String] = [
        "Y": "(\\d\\d\\d\\d)", "y": "(\\d\\d)", "m": "(1[0-2]|0[1-9]|[1-9])",
        "d": "(3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])", "H": "(2[0-3]|[0-1]\\d|\\d)", "M": "([0-5]\\d|\\d)",
        "S": "(6[0-1]|[0-5]\\d|\\d)", "%": "%",
    ]

    struct StampError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Neither time is to change.
    var preservesBoth: Bool { modification == .preserve && access == .preserve }

    /// sh printing, when a time is a stamp, `TREF|atime|mtime` of a scratch file given the
    /// stamps, and `TCUR|%X|%x|%Y|%y` of `path` (what it points to, with `follow`).
    func probeCommand(_ path: String, follow: Bool) -> String {
        let stamps = [("-a", access), ("-m", modification)].compactMap { flag, s -> String? in
            if case .at(let stamp) = s { return "touch -c \(flag) -t \(stamp) \"$t\"" }
            return nil
        }
        guard !stamps.isEmpty else { return "" }
        let p = ShellQuote.quote(path)
        return """
            t=$(mktemp) && { \(stamps.joined(separator: "; ")); printf 'TREF|%s\\n' "$(stat -c '%X|%Y' "$t")"; rm -f "$t"; }
            printf 'TCUR|%s\\n' "$(stat \(follow ? "-L " : "")-c '%X|%x|%Y|%y' \(p) 2>/dev/null)"
            """
    }

    /// Whether setting the times changes those of the path the probe read: `now` always
    /// does; a stamp unless the path has exactly that time, to the nanosecond.
    func changes(_ probe: ProbeOutput) -> Bool {
        if preservesBoth { return false }
        if modification == .now || access == .now { return true }
        let ref = (probe["TREF"] ?? "").split(separator: "|").map(String.init)
        let cur = (probe["TCUR"] ?? "").split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard ref.count == 2, cur.count == 4 else { return true }
        /// Whole seconds, and whether the human form's fraction is zero.
        func exact(_ seconds: String, _ text: String) -> String {
            let fraction = text.split(separator: " ").dropFirst().first?.split(separator: ".").dropFirst().first ?? ""
            return fraction.allSatisfy { $0 == "0" } ? seconds : "\(seconds)+"
        }
        if case .at = access, exact(cur[0], cur[1]) != ref[0] { return true }
        if case .at = modification, exact(cur[2], cur[3]) != ref[1] { return true }
        return false
    }

    /// sh giving `path` the times (`touch -c`: never creating it).
    func command(_ path: String) -> String {
        let p = ShellQuote.quote(path)
        if modification == .now && access == .now { return "touch -c \(p)" }
        return [("-m", modification), ("-a", access)].compactMap { flag, s -> String? in
            switch s {
            case .preserve: return nil
            case .now: return "touch -c \(flag) \(p)"
            case .at(let stamp): return "touch -c \(flag) -t \(stamp) \(p)"
            }
        }.joined(separator: " && ")
    }
}
