import Core
import Foundation

/// The `network` subset from /sys/class/net and `ip`: one dict per interface (`ansible_eth0`),
/// the address lists and the default routes' interfaces, as ansible-core's Linux collector.
extension LinuxFacts {
    struct Link {
        var index: Int
        var name: String
        var info = PyDict()
        var ipv4: [PyDict] = []
        var ipv6: [PyDict] = []
    }

    static let linkTypes: [String: String] = ["1": "ether", "772": "loopback", "512": "ppp", "768": "tunnel", "776": "tunnel6",
                                              "32": "infiniband"]

    func links() -> [Link] {
        var out: [Link] = []
        for line in lines("links") {
            let p = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard p.count == 7 else { continue }
            var link = Link(index: Int(p[0]) ?? Int.max, name: p[1])
            let flags = Int(p[4].hasPrefix("0x") ? String(p[4].dropFirst(2)) : p[4], radix: 16) ?? 0
            link.info["device"] = .string(p[1])
            if !p[2].isEmpty, p[2] != "00:00:00:00:00:00" { link.info["macaddress"] = .string(p[2]) }
            if let mtu = Int(p[3]) { link.info["mtu"] = .int(mtu) }
            link.info["active"] = .bool(flags & 0x1 != 0)
            link.info["promisc"] = .bool(flags & 0x100 != 0)
            link.info["type"] = .string(p[6].isEmpty ? (Self.linkTypes[p[5]] ?? "unknown") : p[6].split(separator: "\n").first.map(String.init) ?? "unknown")
            out.append(link)
        }
        out.sort { $0.index < $1.index }
        for line in lines("addrs") {
            let w = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\\" }).map(String.init)
            guard w.count >= 4, let i = out.firstIndex(where: { $0.name == w[1].split(separator: "@").first.map(String.init) }) else { continue }
            let cidr = w[3].split(separator: "/").map(String.init)
            let prefix = cidr.count > 1 ? cidr[1] : (w[2] == "inet" ? "32" : "128")
            if w[2] == "inet" {
                var d = PyDict()
                d["address"] = .string(cidr[0])
                d["broadcast"] = .string(w.firstIndex(of: "brd").flatMap { $0 + 1 < w.count ? w[$0 + 1] : nil } ?? "")
                d["netmask"] = .string(Self.netmask(Int(prefix) ?? 32))
                d["network"] = .string(Self.network(cidr[0], prefix: Int(prefix) ?? 32))
                d["prefix"] = .string(prefix)
                out[i].ipv4.append(d)
            } else if w[2] == "inet6" {
                var d = PyDict()
                d["address"] = .string(cidr[0])
                d["prefix"] = .string(prefix)
                d["scope"] = .string(w.firstIndex(of: "scope").flatMap { $0 + 1 < w.count ? w[$0 + 1] : nil } ?? "")
                out[i].ipv6.append(d)
            }
        }
        return out
    }

    static func netmask(_ prefix: Int) -> String {
        let bits: UInt32 = prefix <= 0 ? 0 : UInt32.max << UInt32(32 - min(prefix, 32))
        return (0..<4).map { String((bits >> UInt32(24 - 8 * $0)) & 0xff) }.joined(separator: ".")
    }

    static func network(_ address: String, prefix: Int) -> String {
        let octets = address.split(separator: ".").compactMap { UInt32($0) }
        guard octets.count == 4 else { return "" }
        let value = octets.reduce(0) { ($0 << 8) | $1 }
        let bits: UInt32 = prefix <= 0 ? 0 : UInt32.max << UInt32(32 - min(prefix, 32))
        let net = value & bits
        return (0..<4).map { String((net >> UInt32(24 - 8 * $0)) & 0xff) }.joined(separator: ".")
    }

    /// ansible's fact name of an interface: `-` and `:` become `_`.
    static func interfaceFactName(_ name: String) -> String {
        name.replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ":", with: "_")
    }

    func network() -> PyDict {
        let all = links()
        var f = PyDict()
        var v4: [Value] = [], v6: [Value] = []
        var byName: [String: PyDict] = [:]
        for link in all {
            var d = link.info
            if let first = link.ipv4.first { d["ipv4"] = .dict(first) }
            if link.ipv4.count > 1 { d["ipv4_secondaries"] = .list(link.ipv4.dropFirst().map(Value.dict)) }
            if !link.ipv6.isEmpty { d["ipv6"] = .list(link.ipv6.map(Value.dict)) }
            for a in link.ipv4 { if let s = a["address"]?.pythonString, !s.hasPrefix("127.") { v4.append(.string(s)) } }
            for a in link.ipv6 { if let s = a["address"]?.pythonString, s != "::1" { v6.append(.string(s)) } }
            byName[link.name] = d
        }
        f["interfaces"] = .list(all.map { .string($0.name) })
        f["all_ipv4_addresses"] = .list(v4)
        f["all_ipv6_addresses"] = .list(v6)
        f["default_ipv4"] = .dict(defaultRoute(lines("route4").first ?? "", links: byName, v6: false))
        f["default_ipv6"] = .dict(defaultRoute(lines("route6").first ?? "", links: byName, v6: true))
        f["locally_reachable_ips"] = .dict(PyDict([("ipv4", .list(localAddresses("local4"))), ("ipv6", .list(localAddresses("local6")))]))
        for link in all { f[.string(Self.interfaceFactName(link.name))] = .dict(byName[link.name]!.sortedByKey()) }
        return f
    }

    /// `ip route get` of a public address: the interface, source address and gateway, completed
    /// with that interface's address details.
    func defaultRoute(_ line: String, links: [String: PyDict], v6: Bool) -> PyDict {
        let w = line.split(separator: " ").map(String.init)
        func after(_ word: String) -> String? { w.firstIndex(of: word).flatMap { $0 + 1 < w.count ? w[$0 + 1] : nil } }
        guard let dev = after("dev") else { return PyDict() }
        var d = PyDict()
        let link = links[dev] ?? PyDict()
        if v6 {
            let chosen = link["ipv6"]?.listValue?.compactMap(\.dictValue).first { $0["address"]?.pythonString == after("src") }
                ?? link["ipv6"]?.listValue?.first?.dictValue
            d["address"] = .string(after("src") ?? chosen?["address"]?.pythonString ?? "")
            if let g = after("via") { d["gateway"] = .string(g) }
            d["interface"] = .string(dev)
            if let prefix = chosen?["prefix"] { d["prefix"] = prefix }
            if let scope = chosen?["scope"] { d["scope"] = scope }
        } else {
            d["address"] = .string(after("src") ?? "")
            if let g = after("via") { d["gateway"] = .string(g) }
            d["interface"] = .string(dev)
            d["alias"] = .string(dev)
            if let ipv4 = link["ipv4"]?.dictValue {
                for key in ["broadcast", "netmask", "network", "prefix"] { if let v = ipv4[.string(key)] { d[.string(key)] = v } }
            }
        }
        for key in ["macaddress", "mtu", "type"] { if let v = link[.string(key)] { d[.string(key)] = v } }
        return d.sortedByKey()
    }

    func localAddresses(_ section: String) -> [Value] {
        lines(section).compactMap { line in
            let w = line.split(separator: " ")
            return w.count > 1 && w[0] == "local" ? .string(String(w[1])) : nil
        }
    }
}
