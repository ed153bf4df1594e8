import Core
import Foundation

/// The `sequence` lookup (`start=1 end=5 stride=1 format=%d`, or `[start-]end[/stride][:format]`).
enum SequenceLookup {
    static func run(_ terms: [JValue], _ kw: Arguments, _ r: Renderer) throws(TemplateError) -> [JValue] {
        var specs: [[String: String]] = []
        for t in try Lookups.flatTerms(terms, r) { specs.append(try parse(Renderer.pyStr(t))) }
        if specs.isEmpty || !kw.keywords.isEmpty {
            var d: [String: String] = [:]
            for (k, v) in kw.keywords { d[k] = try r.str(v) }
            specs.append(d)
        }
        var out: [JValue] = []
        for var s in specs {
            func int(_ k: String) throws(TemplateError) -> Int? {
                guard let v = s[k] else { return nil }
                guard let i = Int(v) else { throw .plugin("Config '\(k)' for 'sequence' lookup plugin from 'Direct' has an invalid value: Invalid type for configuration option setting: \(k) : \(v)") }
                return i
            }
            if s["end"] != nil, s["count"] != nil { throw .plugin("can't specify both count and end in with_sequence") }
            let start = try int("start") ?? 1
            let stride = try int("stride") ?? 1
            var end: Int
            if let c = try int("count") {
                end = start + (c - 1) * stride
                if c == 0 { continue }
            } else {
                guard let e = try int("end") else { throw .plugin("must specify count or end in with_sequence") }
                end = e
            }
            if stride > 0, end < start { throw .plugin("to count backwards make stride negative") }
            if stride < 0, end > start { throw .plugin("to count forward don't make stride negative") }
            let fmt = s["format"] ?? "%d"
            s["format"] = fmt
            var i = start
            while stride > 0 ? i <= end : i >= end {
                out.append(.value(.string(try PyFormat.percent(fmt, .int(i)))))
                if stride == 0 { break }
                i += stride
            }
        }
        return out
    }

    static func parse(_ term: String) throws(TemplateError) -> [String: String] {
        var d: [String: String] = [:]
        if term.contains("=") {
            for part in term.split(separator: " ") {
                let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
                if kv.count == 2 { d[kv[0]] = kv[1] }
            }
            return d
        }
        var rest = term
        if let c = rest.firstIndex(of: ":") { d["format"] = String(rest[rest.index(after: c)...]); rest = String(rest[..<c]) }
        if let sl = rest.firstIndex(of: "/") { d["stride"] = String(rest[rest.index(after: sl)...]); rest = String(rest[..<sl]) }
        if let dash = rest.firstIndex(of: "-") { d["start"] = String(rest[..<dash]); d["end"] = String(rest[rest.index(after: dash)...]) } else { d["end"] = rest }
        return d
    }
}
