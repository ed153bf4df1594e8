import Foundation

/// A seeded generator of broken inputs for the parsers' fuzz smoke tests: each case starts from
/// a real corpus document and applies a few byte-level and token-level mutations (flip, delete,
/// duplicate, truncate, insert a syntax token of the language). The seed fixes every case, so
/// a failure names the case that reproduces it.
public struct Mutator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    /// SplitMix64.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }

    /// `input` with 1-6 mutations; `tokens` are the language's syntax pieces to splice in.
    public mutating func mutate(_ input: [UInt8], tokens: [String]) -> [UInt8] {
        var bytes = input
        for _ in 0...below(6) {
            let at = below(bytes.count + 1)
            switch below(7) {
            case 0 where !bytes.isEmpty:
                bytes[min(at, bytes.count - 1)] ^= UInt8(1 << below(8))
            case 1 where !bytes.isEmpty:
                let end = min(bytes.count, at + 1 + below(16))
                bytes.removeSubrange(min(at, bytes.count)..<end)
            case 2 where !bytes.isEmpty:
                let start = min(at, bytes.count - 1)
                let end = min(bytes.count, start + 1 + below(32))
                bytes.insert(contentsOf: bytes[start..<end], at: start)
            case 3:
                bytes = Array(bytes.prefix(at))
            case 4:
                bytes.insert(UInt8(below(256)), at: at)
            default:
                bytes.insert(contentsOf: Array(tokens[below(tokens.count)].utf8), at: at)
            }
        }
        return bytes
    }
}
