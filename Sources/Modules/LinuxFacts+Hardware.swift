import Core
import Foundation

/// The `hardware` and `virtual` subsets: memory, processors, uptime, DMI and mounts; whether
/// the host is a container or a virtual machine.
extension LinuxFacts {
    func hardware() -> PyDict {
        var f = PyDict()
        f.merge(memory())
        f.merge(processors())
        if let up = text("uptime").split(separator: " ").first, let seconds = Double(up) {
            f["uptime_seconds"] = .int(Int(seconds))
        }
        f.merge(dmi())
        f["mounts"] = .list(mounts())
        return f
    }

    /// /proc/meminfo in MB (each value divided by 1024 first, as ansible does).
    func memory() -> PyDict {
        var mb: [String: Int] = [:]
        for line in lines("meminfo") {
            let w = line.split(whereSeparator: { $0 == " " || $0 == ":" })
            if w.count >= 2, let kb = Int(w[1]) { mb[String(w[0])] = kb / 1024 }
        }
        guard let total = mb["MemTotal"] else { return PyDict() }
        let free = mb["MemFree"] ?? 0
        let swapTotal = mb["SwapTotal"] ?? 0, swapFree = mb["SwapFree"] ?? 0
        let nocacheFree = free + (mb["Buffers"] ?? 0) + (mb["Cached"] ?? 0)
        var f = PyDict()
        f["memtotal_mb"] = .int(total)
        f["memfree_mb"] = .int(free)
        f["swaptotal_mb"] = .int(swapTotal)
        f["swapfree_mb"] = .int(swapFree)
        f["memory_mb"] = .dict(PyDict([
            ("nocache", .dict(PyDict([("free", .int(nocacheFree)), ("used", .int(total - nocacheFree))]))),
            ("real", .dict(PyDict([("free", .int(free)), ("total", .int(total)), ("used", .int(total - free))]))),
            ("swap", .dict(PyDict([("cached", .int(mb["SwapCached"] ?? 0)), ("free", .int(swapFree)), ("total", .int(swapTotal)),
                                   ("used", .int(swapTotal - swapFree))]))),
        ]))
        return f
    }

    /// /proc/cpuinfo: `processor` lists index, vendor and model of each CPU; sockets, cores and
    /// threads from `physical id`, `cpu cores` and `siblings` (one core per CPU without them).
    func processors() -> PyDict {
        var list: [Value] = []
        var sockets = Set<String>()
        var cores = 0, siblings = 0, count = 0
        var flags: [Value] = []
        for line in lines("cpuinfo") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "processor":
                count += 1
                list.append(.string(value))
            case "vendor_id", "model name", "Processor", "vendor", "cpu", "Hardware":
                list.append(.string(value))
            case "physical id": sockets.insert(value)
            case "cpu cores": cores = Int(value) ?? cores
            case "siblings": siblings = Int(value) ?? siblings
            case "flags", "Features": if flags.isEmpty { flags = value.split(separator: " ").map { .string(String($0)) } }
            default: break
            }
        }
        var f = PyDict()
        f["processor"] = .list(list)
        let sockets_ = sockets.isEmpty ? (count > 0 && cores == 0 ? count : 1) : sockets.count
        let coresPerSocket = cores > 0 ? cores : 1
        let threads = cores > 0 && siblings > 0 ? max(1, siblings / cores) : 1
        f["processor_count"] = .int(sockets_)
        f["processor_cores"] = .int(coresPerSocket)
        f["processor_threads_per_core"] = .int(threads)
        f["processor_vcpus"] = .int(cores > 0 ? threads * coresPerSocket * sockets_ : count)
        f["processor_nproc"] = .int(Int(text("nproc").trimmingCharacters(in: .whitespacesAndNewlines)) ?? count)
        if !flags.isEmpty { f["flags"] = .list(flags) }
        return f
    }

    /// DMI strings from /sys (`NA` when unreadable) and the chassis type's name as `form_factor`.
    func dmi() -> PyDict {
        var raw: [String: String] = [:]
        for line in lines("dmi") {
            let kv = line.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            if kv.count == 2 { raw[kv[0]] = kv[1].isEmpty ? "NA" : kv[1] }
        }
        guard !raw.isEmpty else { return PyDict() }
        var f = PyDict()
        for key in ["bios_date", "bios_vendor", "bios_version", "board_asset_tag", "board_name", "board_serial", "board_vendor",
                    "board_version", "chassis_asset_tag", "chassis_serial", "chassis_vendor", "chassis_version", "product_name",
                    "product_serial", "product_uuid", "product_version"] {
            f[.string(key)] = .string(raw[key] ?? "NA")
        }
        f["system_vendor"] = .string(raw["sys_vendor"] ?? "NA")
        let forms = ["Unknown", "Other", "Unknown", "Desktop", "Low Profile Desktop", "Pizza Box", "Mini Tower", "Tower", "Portable",
                     "Laptop", "Notebook", "Hand Held", "Docking Station", "All In One", "Sub Notebook", "Space-saving", "Lunch Box",
                     "Main Server Chassis", "Expansion Chassis", "Sub Chassis", "Bus Expansion Chassis", "Peripheral Chassis",
                     "RAID Chassis", "Rack Mount Chassis", "Sealed-case PC", "Multi-system", "CompactPCI", "AdvancedTCA", "Blade",
                     "Blade Enclosure", "Tablet", "Convertible", "Detachable", "IoT Gateway", "Embedded PC", "Mini PC", "Stick PC"]
        if let t = raw["chassis_type"].flatMap({ Int($0) }), t > 0, t < forms.count {
            f["form_factor"] = .string(forms[t])
        } else {
            f["form_factor"] = "NA"
        }
        return f
    }

    /// Mounted block and network file systems with their sizes (`stat -f`), as ansible lists them.
    func mounts() -> [Value] {
        var out: [Value] = []
        for line in lines("mounts") {
            let p = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard p.count == 7 else { continue }
            var m = PyDict()
            let s = p[6].split(separator: " ").compactMap { Int($0) }
            if s.count == 6 {
                let (bsize, blocks, _, bavail, files, ffree) = (s[0], s[1], s[2], s[3], s[4], s[5])
                m["block_available"] = .int(bavail)
                m["block_size"] = .int(bsize)
                m["block_total"] = .int(blocks)
                m["block_used"] = .int(blocks - bavail)
                m["device"] = .string(Self.unescapeMount(p[0]))
                m["dump"] = .int(Int(p[4]) ?? 0)
                m["fstype"] = .string(p[2])
                m["inode_available"] = .int(ffree)
                m["inode_total"] = .int(files)
                m["inode_used"] = .int(files - ffree)
                m["mount"] = .string(Self.unescapeMount(p[1]))
                m["options"] = .string(p[3])
                m["passno"] = .int(Int(p[5]) ?? 0)
                m["size_available"] = .int(bsize * bavail)
                m["size_total"] = .int(bsize * blocks)
                m["uuid"] = "N/A"
                out.append(.dict(m))
            }
        }
        return out
    }

    /// /proc/mounts writes spaces and tabs in paths as octal escapes (`\040`).
    static func unescapeMount(_ s: String) -> String {
        s.replacingOccurrences(of: "\\040", with: " ").replacingOccurrences(of: "\\011", with: "\t")
    }

    /// Containers by their marker files and cgroups, virtual machines by the DMI product; `NA`
    /// when nothing says (ansible's heuristics are broader).
    func virtualization() -> PyDict {
        let l = lines("virtual")
        var guests: [String] = [], hosts: [String] = []
        var product = "", vendor = ""
        for line in l {
            if line.hasPrefix("host:") { hosts.append(String(line.dropFirst(5))) }
            else if line.hasPrefix("product:") { product = String(line.dropFirst(8)) }
            else if line.hasPrefix("vendor:") { vendor = String(line.dropFirst(7)) }
            else if ["docker", "podman", "lxc"].contains(line), !guests.contains(line) { guests.append(line) }
        }
        if guests.contains("docker") || guests.contains("podman") { guests.append("container") }
        var vm: String?
        let machine = product + " " + vendor
        if machine.contains("KVM") || machine.contains("QEMU") { vm = "kvm" }
        else if machine.contains("VMware") { vm = "VMware" }
        else if machine.contains("VirtualBox") { vm = "virtualbox" }
        else if machine.contains("Xen") { vm = "xen" }
        else if machine.contains("Virtual Machine"), vendor.contains("Microsoft") { vm = "VirtualPC" }
        if let vm { guests.append(vm) }
        var f = PyDict()
        if let container = guests.first(where: { ["docker", "podman", "lxc"].contains($0) }) {
            f["virtualization_type"] = .string(container)
            f["virtualization_role"] = "guest"
        } else if let vm {
            f["virtualization_type"] = .string(vm)
            f["virtualization_role"] = "guest"
        } else if let h = hosts.first {
            f["virtualization_type"] = .string(h)
            f["virtualization_role"] = "host"
        } else {
            f["virtualization_type"] = "NA"
            f["virtualization_role"] = "NA"
        }
        f["virtualization_tech_guest"] = .list(guests.map(Value.string))
        f["virtualization_tech_host"] = .list(hosts.map(Value.string))
        return f
    }
}
