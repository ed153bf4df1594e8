/// An insertion-ordered dictionary with Python's key semantics: any hashable value is a key,
/// and keys that compare equal in Python (`1`, `1.0`, `True`) are the same key.
public struct PyDict: Sendable {
    public private(set) var keys: [Value] = []
    public private(set) var values: [Value] = []
    private var index: [Value: Int] = [:]

    public init() {}

    public init(_ pairs: [(Value, Value)]) {
        for (k, v) in pairs { self[k] = v }
    }

    public var count: Int { keys.count }

    /// Room for `n` keys without rehashing (a vars file may hold hundreds of thousands).
    public mutating func reserveCapacity(_ n: Int) {
        keys.reserveCapacity(n)
        values.reserveCapacity(n)
        index.reserveCapacity(n)
    }
    public var isEmpty: Bool { keys.isEmpty }

    /// Looks up or sets a key. Setting an existing key keeps its position and its original key
    /// object (as Python does: `{1: 'a', 1.0: 'b'}` is `{1: 'b'}`); setting nil removes it.
    public subscript(key: Value) -> Value? {
        get { index[key].map { values[$0] } }
        set {
            if let newValue {
                if let i = index[key] {
                    values[i] = newValue
                } else {
                    index[key] = keys.count
                    keys.append(key)
                    values.append(newValue)
                }
            } else if let i = index.removeValue(forKey: key) {
                keys.remove(at: i)
                values.remove(at: i)
                for j in i..<keys.count { index[keys[j]] = j }
            }
        }
    }

    public subscript(key: String) -> Value? {
        get { self[.string(key)] }
        set { self[.string(key)] = newValue }
    }

    public func contains(_ key: Value) -> Bool { index[key] != nil }

    /// Key-value pairs in insertion order.
    public var items: [(key: Value, value: Value)] {
        (0..<keys.count).map { (keys[$0], values[$0]) }
    }

    /// Python's `dict.update`: existing keys keep their place, new keys go last.
    public mutating func merge(_ other: PyDict) {
        for i in 0..<other.keys.count { self[other.keys[i]] = other.values[i] }
    }
}
