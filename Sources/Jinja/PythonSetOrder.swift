import Core

/// CPython's set iteration order for sets of ints, so that `union`, `intersect`,
/// `difference` and `symmetric_difference` list their results as ansible-core does (it builds
/// them with Python sets). Other element types hash differently in every Python process, so
/// their order is not reproducible and the filters keep first-seen order for them.
struct PythonIntSet {
    private enum Slot { case empty, dummy, active(Int) }
    private var table: [Slot] = Array(repeating: .empty, count: 8)
    private var fill = 0
    private(set) var used = 0
    private static let linearProbes = 9
    private static let perturbShift = 5

    /// The int hash CPython uses for the values these sets hold (`hash(-1)` is -2).
    static func hash(_ n: Int) -> Int { n == -1 ? -2 : n }

    /// Ints for the elements, or nil when some element is not an int.
    static func ints(_ values: [Value]) -> [Int]? {
        var out: [Int] = []
        for v in values {
            switch v {
            case .int(let i): out.append(i)
            default: return nil
            }
        }
        return out
    }

    init() {}

    init(_ items: [Int]) {
        for i in items { add(i) }
    }

    var mask: Int { table.count - 1 }

    /// Elements in table order (what `list(s)` gives).
    var elements: [Int] {
        table.compactMap { if case .active(let v) = $0 { return v } else { return nil } }
    }

    func contains(_ key: Int) -> Bool {
        let h = Self.hash(key)
        var perturb = UInt(bitPattern: h)
        var i = UInt(bitPattern: h) & UInt(mask)
        while true {
            var probes = Int(i) + Self.linearProbes <= mask ? Self.linearProbes : 0
            var j = Int(i)
            while true {
                switch table[j] {
                case .empty: return false
                case .active(let v) where v == key: return true
                default: break
                }
                if probes == 0 { break }
                probes -= 1
                j += 1
            }
            perturb >>= UInt(Self.perturbShift)
            i = (i &* 5 &+ 1 &+ perturb) & UInt(mask)
        }
    }

    mutating func add(_ key: Int) {
        let h = Self.hash(key)
        var perturb = UInt(bitPattern: h)
        var i = UInt(bitPattern: h) & UInt(mask)
        var freeSlot: Int? = nil
        while true {
            var probes = Int(i) + Self.linearProbes <= mask ? Self.linearProbes : 0
            var j = Int(i)
            while true {
                switch table[j] {
                case .empty:
                    if let f = freeSlot {
                        table[f] = .active(key)
                        used += 1
                        return
                    }
                    table[j] = .active(key)
                    fill += 1
                    used += 1
                    if fill * 5 >= mask * 3 { resize(used > 50000 ? used * 2 : used * 4) }
                    return
                case .active(let v) where v == key:
                    return
                case .dummy:
                    if freeSlot == nil { freeSlot = j }
                default:
                    break
                }
                if probes == 0 { break }
                probes -= 1
                j += 1
            }
            perturb >>= UInt(Self.perturbShift)
            i = (i &* 5 &+ 1 &+ perturb) & UInt(mask)
        }
    }

    mutating func discard(_ key: Int) {
        for j in table.indices {
            if case .active(let v) = table[j], v == key {
                table[j] = .dummy
                used -= 1
                return
            }
        }
    }

    private mutating func resize(_ minUsed: Int) {
        var size = 8
        while size <= minUsed { size <<= 1 }
        let old = elements
        table = Array(repeating: .empty, count: size)
        for v in old { insertClean(v) }
        fill = old.count
        used = old.count
    }

    /// CPython's `set_insert_clean`: into a table known to hold no equal key and no dummies.
    private mutating func insertClean(_ key: Int) {
        let h = Self.hash(key)
        var perturb = UInt(bitPattern: h)
        var i = UInt(bitPattern: h) & UInt(mask)
        while true {
            if case .empty = table[Int(i)] { table[Int(i)] = .active(key); return }
            if Int(i) + Self.linearProbes <= mask {
                for k in 1...Self.linearProbes {
                    if case .empty = table[Int(i) + k] { table[Int(i) + k] = .active(key); return }
                }
            }
            perturb >>= UInt(Self.perturbShift)
            i = (i &* 5 &+ 1 &+ perturb) & UInt(mask)
        }
    }

    /// `set_merge`: adds another set's elements as CPython copies them.
    mutating func merge(_ other: PythonIntSet) {
        guard other.used > 0 else { return }
        if (fill + other.used) * 5 >= mask * 3 { resize((used + other.used) * 2) }
        if fill == 0 && mask == other.mask && other.fill == other.used {
            table = other.table
            fill = other.fill
            used = other.used
            return
        }
        if fill == 0 {
            for v in other.elements { insertClean(v) }
            fill = other.used
            used = other.used
            return
        }
        for v in other.elements { add(v) }
    }

    static func copy(_ s: PythonIntSet) -> PythonIntSet {
        var out = PythonIntSet()
        out.merge(s)
        return out
    }

    static func union(_ a: PythonIntSet, _ b: PythonIntSet) -> PythonIntSet {
        var out = copy(a)
        out.merge(b)
        return out
    }

    static func intersection(_ a: PythonIntSet, _ b: PythonIntSet) -> PythonIntSet {
        let (small, large) = b.used > a.used ? (a, b) : (b, a)
        var out = PythonIntSet()
        for v in small.elements where large.contains(v) { out.add(v) }
        return out
    }

    static func difference(_ a: PythonIntSet, _ b: PythonIntSet) -> PythonIntSet {
        if (a.used >> 2) > b.used {
            var out = copy(a)
            for v in b.elements { out.discard(v) }
            return out
        }
        var out = PythonIntSet()
        for v in a.elements where !b.contains(v) { out.add(v) }
        return out
    }

    static func symmetricDifference(_ a: PythonIntSet, _ b: PythonIntSet) -> PythonIntSet {
        var out = copy(a)
        for v in b.elements {
            if out.contains(v) { out.discard(v) } else { out.add(v) }
        }
        return out
    }
}
