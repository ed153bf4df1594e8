import Foundation
import BigInt

/// Python's `==` and `hash()`: numbers compare by value across bool/int/float (`True == 1 == 1.0`),
/// unsafe strings equal plain strings, lists never equal tuples, dicts ignore order.
extension Value: Equatable, Hashable {
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.none, .none): return true
        case (.string(let a), .string(let b)), (.unsafe(let a), .unsafe(let b)),
             (.string(let a), .unsafe(let b)), (.unsafe(let a), .string(let b)):
            return a == b
        case (.vault(let a), .vault(let b)): return a == b
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)): return a == b
        case (.dict(let a), .dict(let b)):
            guard a.count == b.count else { return false }
            for (k, v) in a.items { guard let other = b[k], other == v else { return false } }
            return true
        case (.timestamp(let a), .timestamp(let b)): return a == b
        case (.bytes(let a), .bytes(let b)): return a == b
        default:
            if let a = lhs.numeric, let b = rhs.numeric { return a.isEqual(to: b) }
            return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .none: hasher.combine(0)
        case .string(let s), .unsafe(let s): hasher.combine(s)
        case .vault(let v): hasher.combine(v)
        case .list(let items), .tuple(let items): hasher.combine(items)
        case .dict(let d): hasher.combine(d.count)
        case .timestamp(let t): hasher.combine(t)
        case .bytes(let b): hasher.combine(b)
        case .bool, .int, .bigInt, .float:
            switch numeric! {
            case .int(let i): hasher.combine(i)
            case .big(let b): hasher.combine(b)
            case .float(let f):
                if f.isFinite, f == f.rounded() {
                    if let i = Int(exactly: f) { hasher.combine(i) } else { hasher.combine(BigInt(f)) }
                } else {
                    hasher.combine(f)
                }
            }
        }
    }
}

/// A number as Python sees it for arithmetic and comparison (bools are ints).
public enum PyNumber: Sendable {
    case int(Int)
    case big(BigInt)
    case float(Double)

    public var asDouble: Double {
        switch self {
        case .int(let i): return Double(i)
        case .big(let b): return Double(b)
        case .float(let f): return f
        }
    }

    public var asBigInt: BigInt? {
        switch self {
        case .int(let i): return BigInt(i)
        case .big(let b): return b
        case .float: return nil
        }
    }

    public var value: Value {
        switch self {
        case .int(let i): return .int(i)
        case .big(let b): return .integer(b)
        case .float(let f): return .float(f)
        }
    }

    func isEqual(to other: PyNumber) -> Bool { compare(other) == .orderedSame }

    /// Exact comparison, as Python compares ints with floats (no rounding through Double).
    public func compare(_ other: PyNumber) -> ComparisonResult? {
        switch (self, other) {
        case (.int(let a), .int(let b)): return a < b ? .orderedAscending : (a == b ? .orderedSame : .orderedDescending)
        case (.float(let a), .float(let b)):
            if a.isNaN || b.isNaN { return nil }
            return a < b ? .orderedAscending : (a == b ? .orderedSame : .orderedDescending)
        case (.float(let f), _):
            guard let r = other.compare(.float(f)) else { return nil }
            return r == .orderedAscending ? .orderedDescending : (r == .orderedSame ? .orderedSame : .orderedAscending)
        case (_, .float(let f)):
            if f.isNaN { return nil }
            if f.isInfinite { return f > 0 ? .orderedAscending : .orderedDescending }
            let a = asBigInt!
            let fl = f.rounded(.down)
            let b = BigInt(fl)
            if a < b { return .orderedAscending }
            if a > b { return .orderedDescending }
            return fl == f ? .orderedSame : .orderedAscending
        default:
            let a = asBigInt!, b = other.asBigInt!
            return a < b ? .orderedAscending : (a == b ? .orderedSame : .orderedDescending)
        }
    }
}

extension Value {
    /// The value as a Python number, for bool, int and float; nil otherwise.
    public var numeric: PyNumber? {
        switch self {
        case .bool(let b): return .int(b ? 1 : 0)
        case .int(let i): return .int(i)
        case .bigInt(let b): return .big(b)
        case .float(let f): return .float(f)
        default: return nil
        }
    }
}
