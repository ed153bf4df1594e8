import Core
import Foundation

/// Facts of a Linux target read from `FactScript`'s sections, named (without the `ansible_`
/// prefix) and typed as ansible-core's `setup` returns them: numbers that Python reads from
/// files stay strings where ansible keeps them strings (`distribution_version`, `date_time`).
struct LinuxFacts {
    let sections: [String: String]

    func text(_ name: String) -> String { sections[name] ?? "" }
    func lines(_ name: String) -> [String] {
        text(name).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// `KEY=value` lines (os-release, lsb-release), quotes removed.
    static func keyValues(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            var value = String(line[line.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let f = value.first, f == "\"" || f == "'", value.last == f {
                value = String(value.dropFirst().dropLast())
            }
            out[String(line[..<eq]).trimmingCharacters(in: .whitespaces)] = value
        }
        return out
    }

    // MARK: platform

    func platform() -> PyDict {
        let u = lines("uname")
        func at(_ i: Int) -> String { i < u.count ? u[i] : "" }
        var f = PyDict()
        let machine = at(3)
        f["system"] = .string(at(0))
        f["kernel"] = .string(at(1))
        f["kernel_version"] = .string(at(2))
        f["machine"] = .string(machine)
        let bits = text("bits").trimmingCharacters(in: .whitespacesAndNewlines)
        f["userspace_bits"] = .string(bits)
        if machine == "x86_64" {
            f["architecture"] = .string(machine)
            if bits == "64" { f["userspace_architecture"] = "x86_64" } else if bits == "32" { f["userspace_architecture"] = "i386" }
        } else if machine.count == 4, machine.hasPrefix("i"), machine.hasSuffix("86") {
            f["architecture"] = "i386"
            if bits == "64" { f["userspace_architecture"] = "x86_64" } else if bits == "32" { f["userspace_architecture"] = "i386" }
        } else {
            f["architecture"] = .string(machine)
        }
        let nodename = at(4)
        f["nodename"] = .string(nodename)
        f["hostname"] = .string(String(nodename.split(separator: ".").first ?? Substring(nodename)))
        // Python's socket.getfqdn(): the first of the reverse lookup's names with a dot, else its
        // first name, else the node name.
        let names = text("fqdn").split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().map(String.init)
        let fqdn = names.first { $0.contains(".") } ?? names.first ?? nodename
        f["fqdn"] = .string(fqdn)
        f["domain"] = .string(fqdn.firstIndex(of: ".").map { String(fqdn[fqdn.index(after: $0)...]) } ?? "")
        let machineID = text("machineid").trimmingCharacters(in: .whitespacesAndNewlines)
        if !machineID.isEmpty { f["machine_id"] = .string(machineID) }
        return f
    }

    // MARK: user

    func user() -> PyDict {
        let ids = lines("id")
        func at(_ i: Int) -> String { i < ids.count ? ids[i] : "" }
        var f = PyDict()
        f["user_id"] = .string(at(0))
        let pw = text("passwd").split(separator: "\n").first.map { $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init) } ?? []
        f["user_uid"] = .int(Int(pw.count > 2 ? pw[2] : at(1)) ?? -1)
        f["user_gid"] = .int(Int(pw.count > 3 ? pw[3] : at(2)) ?? -1)
        f["user_gecos"] = .string(pw.count > 4 ? pw[4] : "")
        f["user_dir"] = .string(pw.count > 5 ? pw[5] : "")
        f["user_shell"] = .string(pw.count > 6 ? pw[6] : "")
        f["real_user_id"] = .int(Int(at(3)) ?? -1)
        f["effective_user_id"] = .int(Int(at(1)) ?? -1)
        f["real_group_id"] = .int(Int(at(4)) ?? -1)
        f["effective_group_id"] = .int(Int(at(2)) ?? -1)
        return f
    }

    func env() -> PyDict {
        let raw = text("env")
        let entries = raw.contains("\0") ? raw.split(separator: "\0") : raw.split(separator: "\n")
        var pairs: [(String, String)] = []
        for e in entries {
            guard let eq = e.firstIndex(of: "=") else { continue }
            let k = String(e[..<eq]).trimmingCharacters(in: .newlines)
            pairs.append((k, String(e[e.index(after: eq)...])))
        }
        var f = PyDict()
        for (k, v) in pairs.sorted(by: { $0.0 < $1.0 }) { f[.string(k)] = .string(v) }
        return PyDict([("env", .dict(f))])
    }

    // MARK: date_time

    func dateTime() -> PyDict {
        let l = lines("date")
        let p = (l.first ?? "").split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard p.count >= 15 else { return PyDict([("date_time", .dict(PyDict()))]) }
        let utc = l.count > 1 ? l[1] : ""
        var nanos = l.count > 2 ? l[2].trimmingCharacters(in: .whitespaces) : ""
        if nanos.count < 6 || Int(nanos) == nil { nanos = "000000" }
        let micro = String(nanos.prefix(6))
        var d = PyDict()
        d["year"] = .string(p[13])
        d["month"] = .string(p[5])
        d["weekday"] = .string(p[10])
        d["weekday_number"] = .string(p[11])
        d["weeknumber"] = .string(p[12])
        d["day"] = .string(p[1])
        d["hour"] = .string(p[3])
        d["minute"] = .string(p[4])
        d["second"] = .string(p[6])
        d["epoch"] = .string(p[2])
        d["epoch_int"] = .string(p[2])
        d["date"] = .string(p[0])
        d["time"] = .string(p[7])
        d["iso8601_micro"] = .string("\(utc).\(micro)Z")
        d["iso8601"] = .string("\(utc)Z")
        d["iso8601_basic"] = .string("\(p[14])\(micro)")
        d["iso8601_basic_short"] = .string(p[14])
        d["tz"] = .string(p[8])
        d["tz_dst"] = .string(dstName(standard: p[8]))
        d["tz_offset"] = .string(p[9])
        return PyDict([("date_time", .dict(d.sortedByKey()))])
    }

    /// Python's `time.tzname[1]`: the zone's summer-time name, or its only name.
    func dstName(standard: String) -> String {
        let jan = text("tzjan").split(separator: "|").map(String.init)
        let jul = text("tzjul").split(separator: "|").map(String.init)
        guard jan.count == 2, jul.count == 2 else { return standard }
        if jan[0] == jul[0] { return jan[0] }
        return (Int(jul[1]) ?? 0) > (Int(jan[1]) ?? 0) ? jul[0] : jan[0]
    }

    // MARK: small collectors

    func dns() -> PyDict {
        var d = PyDict()
        var nameservers: [Value] = [], search: [Value] = [], sortlist: [Value] = []
        var options = PyDict()
        for line in text("resolv").split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let key = words.first, !key.hasPrefix("#"), !key.hasPrefix(";") else { continue }
            let rest = words.dropFirst()
            switch key {
            case "nameserver": if let v = rest.first { nameservers.append(.string(v)) }
            case "domain": if let v = rest.first { d["domain"] = .string(v) }
            case "search": search.append(contentsOf: rest.map(Value.string))
            case "sortlist": sortlist.append(contentsOf: rest.map(Value.string))
            case "options":
                for o in rest {
                    let kv = o.split(separator: ":", maxSplits: 1).map(String.init)
                    options[.string(kv[0])] = kv.count > 1 ? .string(kv[1]) : .bool(true)
                }
            default: break
            }
        }
        if !nameservers.isEmpty { d["nameservers"] = .list(nameservers) }
        if !search.isEmpty { d["search"] = .list(search) }
        if !sortlist.isEmpty { d["sortlist"] = .list(sortlist) }
        if !options.isEmpty { d["options"] = .dict(options) }
        return PyDict([("dns", .dict(d.sortedByKey()))])
    }

    func fips() -> PyDict { PyDict([("fips", .bool(text("fips").trimmingCharacters(in: .whitespacesAndNewlines) == "1"))]) }

    func selinux() -> PyDict {
        let kv = Self.keyValues(text("selinux"))
        guard let enforce = kv["enforce"] else { return PyDict([("selinux", .dict(PyDict([("status", "disabled")])))]) }
        var d = PyDict()
        d["status"] = "enabled"
        d["mode"] = enforce == "1" ? "enforcing" : "permissive"
        if let c = kv["SELINUX"] { d["config_mode"] = .string(c) }
        if let t = kv["SELINUXTYPE"] { d["type"] = .string(t) }
        if let p = kv["policyvers"], let n = Int(p) { d["policyvers"] = .int(n) }
        return PyDict([("selinux", .dict(d.sortedByKey()))])
    }

    func apparmor() -> PyDict {
        PyDict([("apparmor", .dict(PyDict([("status", .string(text("apparmor").contains("enabled") ? "enabled" : "disabled"))])))])
    }

    /// `capsh --print`'s `Current:` line, as ansible's caps collector reads it.
    func caps() -> PyDict {
        var enforced = "NA"
        var list: [Value] = []
        for line in text("caps").split(separator: "\n") where line.hasPrefix("Current:") {
            let value = line.dropFirst("Current:".count).trimmingCharacters(in: .whitespaces)
            if value == "=ep" {
                enforced = "False"
            } else {
                enforced = "True"
                let parts = line.split(separator: "=", omittingEmptySubsequences: false)
                if parts.count > 1 { list = parts[1].split(separator: ",", omittingEmptySubsequences: false).map { .string($0.trimmingCharacters(in: .whitespaces)) } }
            }
        }
        return PyDict([("system_capabilities_enforced", .string(enforced)), ("system_capabilities", .list(list))])
    }

    /// `/proc/cmdline` as `cmdline` (last value wins) and `proc_cmdline` (repeats make a list).
    func cmdline() -> PyDict {
        let words = text("cmdline").split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
        guard !words.isEmpty else { return PyDict() }
        var plain = PyDict(), proc = PyDict()
        for w in words {
            let kv = w.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let key = Value.string(kv[0])
            let value: Value = kv.count > 1 ? .string(kv[1]) : .bool(true)
            plain[key] = value
            if let old = proc[key] {
                proc[key] = .list((old.listValue ?? [old]) + [value])
            } else {
                proc[key] = value
            }
        }
        return PyDict([("cmdline", .dict(plain.sortedByKey())), ("proc_cmdline", .dict(proc.sortedByKey()))])
    }

    func lsb() -> PyDict {
        var d = PyDict()
        for line in lines("lsb") {
            if line.hasPrefix("FILE:") {
                let kv = Self.keyValues(String(line.dropFirst(5)))
                for (k, v) in kv {
                    switch k {
                    case "DISTRIB_ID": d["id"] = .string(v)
                    case "DISTRIB_RELEASE": d["release"] = .string(v)
                    case "DISTRIB_DESCRIPTION": d["description"] = .string(v)
                    case "DISTRIB_CODENAME": d["codename"] = .string(v)
                    default: break
                    }
                }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch line[..<colon] {
            case "Distributor ID": d["id"] = .string(value)
            case "Description": d["description"] = .string(value)
            case "Release": d["release"] = .string(value)
            case "Codename": d["codename"] = .string(value)
            default: break
            }
        }
        if let r = d["release"]?.pythonString { d["major_release"] = .string(String(r.split(separator: ".").first ?? "")) }
        return PyDict([("lsb", .dict(d.sortedByKey()))])
    }

    func sshKeys() -> PyDict {
        var f = PyDict()
        for line in lines("sshkeys") {
            let words = line.split(separator: " ").map(String.init)
            guard words.count >= 3 else { continue }
            let file = (words[0] as NSString).lastPathComponent  // ssh_host_rsa_key.pub
            let kind = file.replacingOccurrences(of: "ssh_host_", with: "").replacingOccurrences(of: "_key.pub", with: "")
            f[.string("ssh_host_key_\(kind)_public")] = .string(words[2])
            f[.string("ssh_host_key_\(kind)_public_keytype")] = .string(words[1])
        }
        return f
    }

    func loadavg() -> PyDict {
        let w = text("loadavg").split(separator: " ")
        guard w.count >= 3 else { return PyDict() }
        return PyDict([("loadavg", .dict(PyDict([("1m", .float(Double(w[0]) ?? 0)), ("5m", .float(Double(w[1]) ?? 0)),
                                                   ("15m", .float(Double(w[2]) ?? 0))])))])
    }

    /// ansible's chroot test: `debian_chroot` is set, or `/` is not the root of process 1; when
    /// that root cannot be read, `/` is not the file system's root inode (2; 256 on btrfs, 128
    /// on xfs).
    func chroot() -> PyDict {
        let l = lines("chroot")
        if l.contains(where: { $0.hasPrefix("env:") && $0.count > 4 }) { return PyDict([("is_chroot", true)]) }
        let fs = l.first { $0.hasPrefix("fs:") }.map { String($0.dropFirst(3)) } ?? ""
        let stats = l.filter { !$0.isEmpty && !$0.hasPrefix("env:") && !$0.hasPrefix("fs:") }
        if stats.count == 2 { return PyDict([("is_chroot", .bool(stats[0] != stats[1]))]) }
        guard let root = stats.first, let inode = root.split(separator: ":").last.flatMap({ Int($0) }) else { return PyDict() }
        let expected = fs.contains("btrfs") ? 256 : fs.contains("xfs") ? 128 : 2
        return PyDict([("is_chroot", .bool(inode != expected))])
    }

    /// The storage initiator names (`iscsi_iqn`, `hostnqn`, `fibre_channel_wwn`), empty when none.
    func storageInitiators(_ chosen: Set<String>) -> PyDict {
        var f = PyDict()
        func first(_ name: String) -> String { text(name).split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
        if chosen.contains("iscsi") { f["iscsi_iqn"] = .string(first("iscsi")) }
        if chosen.contains("nvme") { f["hostnqn"] = .string(first("nvme")) }
        if chosen.contains("fibre_channel_wwn") { f["fibre_channel_wwn"] = .list(lines("fc").filter { !$0.isEmpty }.map(Value.string)) }
        return f
    }

    func local() -> PyDict { PyDict([("local", .dict(PyDict()))]) }
}

extension PyDict {
    /// The dict with its keys in Python's sorted order (how ansible prints fact dicts).
    func sortedByKey() -> PyDict {
        PyDict(items.sorted { $0.key.pythonString < $1.key.pythonString }.map { ($0.key, $0.value) })
    }
}
