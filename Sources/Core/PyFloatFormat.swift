/// Python's `repr(float)`: the shortest digits that round-trip, in fixed notation when the
/// decimal exponent is in [-4, 16), else scientific with a signed two-digit exponent
/// (`1e+16`, `1e-05`, `0.0001`, `100.0`).
public enum PyFloatFormat {
    public static func repr(_ f: Double) -> String {
        if f.isNaN { return "nan" }
        if f.isInfinite { return f < 0 ? "-inf" : "inf" }
        if f == 0 { return f.sign == .minus ? "-0.0" : "0.0" }
        let (negative, digits, exponent) = shortestDigits(f)
        // value = 0.d1d2d3... * 10^exponent ; scientific exponent is exponent - 1
        let sci = exponent - 1
        var out = negative ? "-" : ""
        if sci < -4 || sci >= 16 {
            out += String(digits.first!)
            if digits.count > 1 { out += "." + digits.dropFirst() }
            let e = abs(sci)
            out += (sci < 0 ? "e-" : "e+") + (e < 10 ? "0" : "") + String(e)
        } else if exponent <= 0 {
            out += "0." + String(repeating: "0", count: -exponent) + digits
        } else if exponent >= digits.count {
            out += digits + String(repeating: "0", count: exponent - digits.count) + ".0"
        } else {
            let idx = digits.index(digits.startIndex, offsetBy: exponent)
            out += digits[..<idx] + "." + digits[idx...]
        }
        return out
    }

    /// Decomposes Swift's shortest round-trip description into sign, significant digits and a
    /// decimal exponent such that |f| = 0.DIGITS × 10^exponent.
    static func shortestDigits(_ f: Double) -> (Bool, String, Int) {
        var text = f.magnitude.description  // e.g. "1e-05", "123.25", "1.2345e+16"
        var exp10 = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exp10 = Int(text[text.index(after: e)...])!
            text = String(text[..<e])
        }
        var intPart = text, fracPart = ""
        if let dot = text.firstIndex(of: ".") {
            intPart = String(text[..<dot])
            fracPart = String(text[text.index(after: dot)...])
        }
        var digits = intPart + fracPart
        var exponent = intPart.count + exp10
        while digits.hasPrefix("0") && digits.count > 1 { digits.removeFirst(); exponent -= 1 }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        return (f.sign == .minus, digits, exponent)
    }
}
