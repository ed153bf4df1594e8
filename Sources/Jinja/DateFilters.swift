import Core
import Foundation

/// `to_datetime` (Python strptime formats) and `strftime`.
enum DateFilters {
    static func register(_ t: inout [String: FilterFunction]) {
        t["to_datetime"] = plugin { r, v, a throws(TemplateError) in
            let x = try r.concrete(v)
            guard let s = x.stringValue else { throw .plugin("strptime() argument 1 must be str, not \(x.pythonTypeName)") }
            let fmt = try r.strArg(a, 0, "format", "%Y-%m-%d %H:%M:%S")
            guard let ts = strptime(s, fmt) else { throw .plugin("time data \(Value.string(s).pythonRepr) does not match format \(Value.string(fmt).pythonRepr)") }
            return .value(.timestamp(ts))
        }
        t["strftime"] = plugin { r, v, a throws(TemplateError) in
            let fmt = try r.str(v)
            var secs = Date().timeIntervalSince1970
            if let s = a.get(0, "second") {
                let x = try r.concrete(s)
                if !x.isNone {
                    guard let n = x.numeric?.asDouble ?? x.stringValue.flatMap(Double.init) else { throw .plugin("Invalid value for epoch value (\(x.pythonString))") }
                    secs = n
                }
            }
            let utc = try r.boolArg(a, 1, "utc", false)
            return .value(.string(strftime(fmt, secs, utc: utc)))
        }
    }

    static func strptime(_ s: String, _ fmt: String) -> PyTimestamp? {
        var y = 1900, mo = 1, d = 1, h = 0, mi = 0, sec = 0, us = 0
        let sc = Array(s), fc = Array(fmt)
        var i = 0, j = 0
        func num(_ maxLen: Int) -> Int? {
            var k = i, text = ""
            while k < sc.count, text.count < maxLen, sc[k].isNumber { text.append(sc[k]); k += 1 }
            guard !text.isEmpty else { return nil }
            i = k
            return Int(text)
        }
        while j < fc.count {
            if fc[j] == "%", j + 1 < fc.count {
                let c = fc[j + 1]
                j += 2
                switch c {
                case "Y": guard let n = num(4) else { return nil }; y = n
                case "m": guard let n = num(2) else { return nil }; mo = n
                case "d": guard let n = num(2) else { return nil }; d = n
                case "H": guard let n = num(2) else { return nil }; h = n
                case "M": guard let n = num(2) else { return nil }; mi = n
                case "S": guard let n = num(2) else { return nil }; sec = n
                case "f":
                    let st = i
                    guard let n = num(6) else { return nil }
                    us = n * Int(pow(10.0, Double(6 - (i - st))))
                case "%": guard i < sc.count, sc[i] == "%" else { return nil }; i += 1
                default: return nil
                }
            } else {
                guard i < sc.count, sc[i] == fc[j] else { return nil }
                i += 1; j += 1
            }
        }
        guard i == sc.count, (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 62 else { return nil }
        return PyTimestamp(year: y, month: mo, day: d, hour: h, minute: mi, second: sec, microsecond: us, utcOffsetMinutes: nil)
    }

    static func strftime(_ fmt: String, _ secs: Double, utc: Bool) -> String {
        var t = time_t(secs.rounded(.down))
        var tmv = tm()
        if utc { gmtime_r(&t, &tmv) } else { localtime_r(&t, &tmv) }
        var buf = [Int8](repeating: 0, count: 512)
        let n = Foundation.strftime(&buf, buf.count, fmt, &tmv)
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
