import Core

/// A `mode:` argument as Ansible's file-common arguments read it: an int is taken as the
/// permission bits themselves (YAML `0644` is already 420), a string of octal digits is
/// octal (`"0644"`, `"644"`), anything else is a chmod-style symbolic mode
/// (`u=rw,g+r,o-rwx`, `a+X`), applied to the file's current bits.
public enum FileMode: Sendable, Equatable {
    case bits(Int)
    case symbolic(String)
    /// `preserve`: copy and template keep the mode of `src` on the controller.
    case preserve

    /// Reads the argument; nil for an absent or null value.
    public init?(_ value: Value?) {
        guard let value, !value.isNone else { return nil }
        switch value {
        case .int(let i): self = .bits(i)
        case .bool(let b): self = .bits(b ? 1 : 0)
        default:
            let text = value.pythonString
            if text == "preserve" {
                self = .preserve
            } else if !text.isEmpty, text.allSatisfy({ ("0"..."7").contains($0) }), let n = Int(text, radix: 8) {
                self = .bits(n)
            } else {
                self = .symbolic(text)
            }
        }
    }

    /// The permission bits after applying this mode to `current` (the file's present bits).
    /// Symbolic modes with no `who` honour the umask, as chmod does. Nil for a malformed mode.
    public func resolve(current: Int, isDirectory: Bool, umask: Int = 0o022) -> Int? {
        switch self {
        case .bits(let b): return b & 0o7777
        case .preserve: return current & 0o7777
        case .symbolic(let spec): return Self.applySymbolic(spec, current: current & 0o7777, isDirectory: isDirectory, umask: umask)
        }
    }

    /// `spec` applied to `current`; nil when `malformedClause` finds a clause it cannot read.
    static func applySymbolic(_ spec: String, current: Int, isDirectory: Bool, umask: Int) -> Int? {
        guard malformedClause(spec) == nil else { return nil }
        var mode = current
        for clause in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let (who, steps) = clauseParts(clause)
            let useUmask = who.isEmpty
            let users = who.isEmpty || who == "a" ? "ugo" : who
            for (op, perms) in steps {
                for user in users {
                    var bits = permissionBits(perms, for: user, mode: mode, isDirectory: isDirectory)
                    if useUmask { bits &= ~umask }
                    mode = apply(op, user: user, bits: bits, to: mode)
                }
            }
        }
        return mode
    }

    /// The first comma-separated clause of a symbolic mode Ansible rejects, as it reads one:
    /// the text before the first operator (`+`, `-`, `=`) must be empty, `a`, or only `u`,
    /// `g`, `o`; the text after each operator only `rwxXstugo`. A clause without an operator
    /// (`u`, or an empty one) is accepted and changes nothing. Nil when all clauses read.
    public static func malformedClause(_ spec: String) -> String? {
        for clause in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let (who, steps) = clauseParts(clause)
            let whoValid = who.isEmpty || who == "a" || who.allSatisfy { "ugo".contains($0) }
            if !whoValid || steps.contains(where: { !$0.perms.allSatisfy { "rwxXstugo".contains($0) } }) {
                return String(clause)
            }
        }
        return nil
    }

    /// A clause split into who (the text before the first operator) and operator/perms steps.
    static func clauseParts(_ clause: Substring) -> (who: String, steps: [(op: Character, perms: String)]) {
        guard let first = clause.firstIndex(where: { "+-=".contains($0) }) else { return (String(clause), []) }
        var steps: [(op: Character, perms: String)] = []
        for c in clause[first...] {
            if "+-=".contains(c) { steps.append((c, "")) } else { steps[steps.count - 1].perms.append(c) }
        }
        return (String(clause[..<first]), steps)
    }

    /// The bits `perms` stand for in `user`'s position (`u`, `g` or `o`).
    static func permissionBits(_ perms: String, for user: Character, mode: Int, isDirectory: Bool) -> Int {
        let shift: Int = user == "u" ? 6 : (user == "g" ? 3 : 0)
        var bits = 0
        for p in perms {
            switch p {
            case "r": bits |= 4 << shift
            case "w": bits |= 2 << shift
            case "x": bits |= 1 << shift
            case "X": if isDirectory || mode & 0o111 != 0 { bits |= 1 << shift }
            case "s": if user == "u" { bits |= 0o4000 } else if user == "g" { bits |= 0o2000 }
            case "t": if user == "o" { bits |= 0o1000 }
            case "u": bits |= ((mode >> 6) & 7) << shift
            case "g": bits |= ((mode >> 3) & 7) << shift
            case "o": bits |= (mode & 7) << shift
            default: break
            }
        }
        return bits
    }

    static func apply(_ op: Character, user: Character, bits: Int, to mode: Int) -> Int {
        switch op {
        case "=":
            let mask: Int = user == "u" ? 0o4700 : (user == "g" ? 0o2070 : 0o1007)
            return (mode & ~mask) | bits
        case "+": return mode | bits
        default: return mode & ~bits
        }
    }

    /// Ansible's way of printing a mode in results: `0` followed by at least three octal digits.
    public static func text(_ bits: Int) -> String {
        let octal = String(bits & 0o7777, radix: 8)
        return "0" + String(repeating: "0", count: max(0, 3 - octal.count)) + octal
    }
}
