import Core
import Foundation

/// Path filters: basename, dirname, expanduser, splitext, path_join, realpath, relpath.
enum PathFilters {
    static func expandUser(_ s: String) -> String {
        guard s.hasPrefix("~") else { return s }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/"
        if s == "~" { return home }
        if s.hasPrefix("~/") { return home + s.dropFirst() }
        return s
    }

    static func register(_ t: inout [String: FilterFunction]) {
        t["basename"] = plugin { r, v, _ throws(TemplateError) in
            let s = try r.str(v)
            return .value(.string(s.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? s))
        }
        t["dirname"] = plugin { r, v, _ throws(TemplateError) in
            let s = try r.str(v)
            guard let i = s.lastIndex(of: "/") else { return .value(.string("")) }
            var head = String(s[...i])
            if head != String(repeating: "/", count: head.count) { while head.hasSuffix("/") { head.removeLast() } }
            return .value(.string(head))
        }
        t["expanduser"] = plugin { r, v, _ throws(TemplateError) in .value(.string(expandUser(try r.str(v)))) }
        t["realpath"] = plugin { r, v, _ throws(TemplateError) in .value(.string(URL(fileURLWithPath: try r.str(v)).resolvingSymlinksInPath().path)) }
        t["splitext"] = plugin { r, v, _ throws(TemplateError) in
            let s = try r.str(v)
            let base = s.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? s
            if let dot = base.lastIndex(of: "."), base[..<dot].contains(where: { $0 != "." }) {
                let extLen = base.distance(from: dot, to: base.endIndex)
                return .value(.tuple([.string(String(s.dropLast(extLen))), .string(String(base[dot...]))]))
            }
            return .value(.tuple([.string(s), .string("")]))
        }
        t["path_join"] = plugin { r, v, _ throws(TemplateError) in
            let x = try r.concrete(v)
            let parts = x.listValue ?? [x]
            var out = ""
            for p in parts {
                guard let s = p.stringValue else { throw .plugin("expected str, bytes or os.PathLike object, not \(p.pythonTypeName)") }
                if s.hasPrefix("/") { out = s } else if out.isEmpty || out.hasSuffix("/") { out += s } else { out += "/" + s }
            }
            return .value(.string(out))
        }
        t["relpath"] = plugin { r, v, a throws(TemplateError) in
            let p = try r.str(v).split(separator: "/").map(String.init)
            let start = try r.strArg(a, 0, "start", FileManager.default.currentDirectoryPath).split(separator: "/").map(String.init)
            var i = 0
            while i < p.count, i < start.count, p[i] == start[i] { i += 1 }
            let rel = Array(repeating: "..", count: start.count - i) + p[i...]
            return .value(.string(rel.isEmpty ? "." : rel.joined(separator: "/")))
        }
        t["win_basename"] = t["basename"]
        t["quote"] = plugin { r, v, _ throws(TemplateError) in
            let x = try r.concrete(v)
            let s = x.isNone ? "None" : Renderer.pyStr(x)
            return .value(.string(shellQuote(s)))
        }
    }

    static func shellQuote(_ s: String) -> String {
        if s.isEmpty { return "''" }
        let safe = s.unicodeScalars.allSatisfy { u in
            (u.value < 128) && (CharacterSet.alphanumerics.contains(u) || "@%+=:,./-_".unicodeScalars.contains(u))
        }
        if safe { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
    }
}
