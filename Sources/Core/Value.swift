import BigInt

/// A Python-like value: what YAML loads, what variables hold and what Jinja computes.
///
/// Semantics follow Python 3 (truthiness, `==`, ordering, `str()`, `repr()`), because the
/// Jinja expressions in playbooks are written against Python's data model.
public enum Value: Sendable {
    case none
    case bool(Bool)
    /// An int that fits in 64 bits. Arithmetic that overflows promotes to `.bigInt`.
    case int(Int)
    /// An int outside 64 bits; always normalised back to `.int` when it fits.
    case bigInt(BigInt)
    case float(Double)
    case string(String)
    /// A string that must never be templated (YAML `!unsafe`, Ansible's `AnsibleUnsafeText`).
    case unsafe(String)
    /// An `!vault` value: the encrypted text, decrypted on demand by the vault layer.
    case vault(VaultText)
    case list([Value])
    /// A Python tuple (from Jinja `(a, b)` literals, `dict.items()`, YAML `!!omap` pairs).
    case tuple([Value])
    case dict(PyDict)
    /// A YAML timestamp with a time part (Python `datetime.datetime`) or without (`datetime.date`).
    case timestamp(PyTimestamp)
    /// YAML `!!binary` (Python `bytes`).
    case bytes([UInt8])

    /// Builds an int value from a BigInt, normalising to `.int` when it fits.
    public static func integer(_ big: BigInt) -> Value {
        if let small = Int(exactly: big) { return .int(small) }
        return .bigInt(big)
    }

    /// The text of a string-like value (`str`, unsafe, vault ciphertext), else nil.
    public var stringValue: String? {
        switch self {
        case .string(let s), .unsafe(let s): return s
        default: return nil
        }
    }

    public var isNone: Bool { if case .none = self { return true } else { return false } }

    public var listValue: [Value]? {
        switch self {
        case .list(let items), .tuple(let items): return items
        default: return nil
        }
    }

    public var dictValue: PyDict? { if case .dict(let d) = self { return d } else { return nil } }

    /// Python's type name, as `type(v).__name__` prints it (Ansible's `type_debug`).
    public var pythonTypeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .unsafe: return "_AnsibleTaggedStr"
        case .vault: return "EncryptedString"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .timestamp(let t): return t.hasTime ? "datetime" : "date"
        case .bytes: return "bytes"
        }
    }
}

/// The ciphertext of an `!vault` value, kept verbatim as it appeared in the YAML.
public struct VaultText: Sendable, Hashable {
    public var ciphertext: String
    public init(_ ciphertext: String) { self.ciphertext = ciphertext }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (Value, Value)...) {
        var d = PyDict()
        for (k, v) in elements { d[k] = v }
        self = .dict(d)
    }
    public init(nilLiteral: ()) { self = .none }
}

extension Value {
    /// Parses a decimal integer of any size (`"-12"`, `"10000000000000000000000"`).
    public static func integer(decimal text: String) -> Value? {
        if let i = Int(text) { return .int(i) }
        return BigInt(text, radix: 10).map(Value.integer)
    }
}
