import Core
import Foundation

/// The distribution, its family and the package and service managers, as ansible-core names
/// them (`Debian`/`Debian`/`apt`, `Rocky`/`RedHat`/`dnf`, `Alpine`/`Alpine`/`apk`).
extension LinuxFacts {
    /// os-release `ID` to ansible's distribution name.
    static let distributionNames: [String: String] = [
        "debian": "Debian", "ubuntu": "Ubuntu", "raspbian": "Debian", "linuxmint": "Linux Mint", "kali": "Kali",
        "devuan": "Devuan", "pop": "Pop!_OS", "fedora": "Fedora", "centos": "CentOS", "rhel": "RedHat", "rocky": "Rocky",
        "almalinux": "AlmaLinux", "ol": "OracleLinux", "amzn": "Amazon", "alpine": "Alpine", "arch": "Archlinux",
        "manjaro": "Manjaro", "opensuse-leap": "openSUSE Leap", "opensuse-tumbleweed": "openSUSE Tumbleweed", "sles": "SLES",
        "gentoo": "Gentoo", "void": "Void", "nixos": "NixOS", "clear-linux-os": "ClearLinux", "photon": "VMwarePhoton",
    ]

    /// ansible's `OS_FAMILY_MAP`, by distribution name.
    static let families: [String: String] = {
        let groups: [String: [String]] = [
            "Debian": ["Debian", "Ubuntu", "Raspbian", "Neon", "KDE neon", "Linux Mint", "SteamOS", "Devuan", "Kali", "Cumulus Linux",
                       "Pop!_OS", "Parrot", "Pardus GNU/Linux", "Uos", "Deepin", "OSMC"],
            "RedHat": ["RedHat", "Fedora", "CentOS", "Scientific", "SLC", "Ascendos", "CloudLinux", "PSBM", "OracleLinux", "OVS",
                       "OEL", "Amazon", "Virtuozzo", "XenServer", "Alibaba", "EulerOS", "openEuler", "AlmaLinux", "Rocky",
                       "TencentOS", "EuroLinux", "Kylin Linux Advanced Server", "MIRACLE"],
            "Suse": ["SuSE", "SLES", "SLED", "openSUSE", "openSUSE Tumbleweed", "SLES_SAP", "SUSE_LINUX", "openSUSE Leap", "ALP-Dolomite"],
            "Archlinux": ["Archlinux", "Antergos", "Manjaro"],
            "Alpine": ["Alpine"], "Gentoo": ["Gentoo", "Funtoo"], "Void": ["Void"], "ClearLinux": ["ClearLinux"],
        ]
        var out: [String: String] = [:]
        for (family, names) in groups { for n in names { out[n] = family } }
        return out
    }()

    func distribution() -> PyDict {
        let os = Self.keyValues(text("osrelease"))
        let id = os["ID"] ?? ""
        var name = Self.distributionNames[id] ?? os["NAME"] ?? (lines("uname").first ?? "Linux")
        var version = os["VERSION_ID"] ?? "NA"
        var release = os["VERSION_CODENAME"] ?? os["UBUNTU_CODENAME"] ?? "NA"
        var filePath = "/etc/os-release", variety = name
        let debianVersion = text("debian_version").trimmingCharacters(in: .whitespacesAndNewlines)
        let redhat = text("redhat_release").trimmingCharacters(in: .whitespacesAndNewlines)
        let alpine = text("alpine_release").trimmingCharacters(in: .whitespacesAndNewlines)
        if name == "Debian" {
            variety = "Debian"
            // Debian's point release is in /etc/debian_version (12.11), not in os-release (12).
            if let first = debianVersion.first, first.isNumber { version = debianVersion }
        } else if Self.families[name] == "Debian" {
            variety = "Debian"
        } else if !alpine.isEmpty {
            name = "Alpine"
            version = alpine
            filePath = "/etc/alpine-release"
            variety = "Alpine"
            release = "NA"
        } else if !redhat.isEmpty, Self.families[name] == "RedHat" {
            filePath = "/etc/redhat-release"
            variety = "RedHat"
            if release == "NA", let open = redhat.lastIndex(of: "("), let close = redhat.lastIndex(of: ")"), open < close {
                release = String(redhat[redhat.index(after: open)..<close])
            }
        }
        let parts = version.split(separator: ".").map(String.init)
        var f = PyDict()
        f["distribution"] = .string(name)
        f["distribution_version"] = .string(version)
        f["distribution_major_version"] = .string(parts.first ?? "NA")
        if parts.count > 1 { f["distribution_minor_version"] = .string(parts[1]) }
        f["distribution_release"] = .string(release)
        f["distribution_file_path"] = .string(filePath)
        f["distribution_file_variety"] = .string(variety)
        f["distribution_file_parsed"] = .bool(!os.isEmpty || !alpine.isEmpty)
        f["os_family"] = .string(Self.families[name] ?? name)
        return f
    }

    /// The package manager: the family's own when present, else the first known one found.
    func packageManager(osFamily: String) -> PyDict {
        let found = lines("pkg").filter { !$0.isEmpty }
        let preferred: [String]
        switch osFamily {
        case "Debian": preferred = ["apt-get"]
        case "RedHat": preferred = ["dnf5", "dnf", "yum", "microdnf"]
        case "Alpine": preferred = ["apk"]
        case "Suse": preferred = ["zypper"]
        case "Archlinux": preferred = ["pacman"]
        case "Gentoo": preferred = ["emerge"]
        default: preferred = []
        }
        let tool = preferred.first { found.contains($0) } ?? found.first
        let names = ["apt-get": "apt", "emerge": "portage", "xbps-install": "xbps", "pkg": "pkgng"]
        return PyDict([("pkg_mgr", .string(tool.map { names[$0] ?? $0 } ?? "unknown"))])
    }

    /// The service manager: what process 1 is (unless a generic `init` or a shell), else
    /// systemd, openrc or sysvinit by their traces, else `service`.
    func serviceManager() -> PyDict {
        let l = lines("service")
        let comm = (l.first ?? "").trimmingCharacters(in: .whitespaces)
        var name: String?
        if !comm.isEmpty, comm != "init", !comm.hasSuffix("sh") {
            switch comm {
            case "runit-init", "runit": name = "runit"
            case "openrc-init": name = "openrc"
            default: name = comm
            }
        }
        if name == nil {
            if l.contains("SYSTEMD") { name = "systemd" } else if l.contains("OPENRC") { name = "openrc" } else if l.contains("INITD") { name = "sysvinit" }
        }
        return PyDict([("service_mgr", .string(name ?? "service"))])
    }
}
