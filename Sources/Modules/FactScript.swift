import Foundation

/// The one POSIX sh script `setup` runs on a Linux target, and its output cut into sections.
/// Each section starts with a line `@@@<name>`; what follows is raw text (files, command
/// output) that `LinuxFacts` parses on the controller, so the target needs no Python.
enum FactScript {
    /// Sections for the collectors asked for; the `min` collectors are cheap and always read.
    static func script(hardware: Bool, network: Bool, virtual: Bool) -> String {
        var s = """
        s() { printf '\\n@@@%s\\n' "$1"; }
        rd() { [ -r "$1" ] && [ ! -d "$1" ] || return 1; while IFS= read -r l || [ -n "$l" ]; do printf '%s\\n' "$l"; done <"$1"; }
        r1() { v=; [ -r "$1" ] && IFS= read -r v <"$1"; }
        s uname; uname -s; uname -r; uname -v; uname -m; uname -n
        s bits; getconf LONG_BIT 2>/dev/null
        s osrelease; rd /etc/os-release || rd /usr/lib/os-release
        s debian_version; rd /etc/debian_version
        s alpine_release; rd /etc/alpine-release
        s redhat_release; rd /etc/redhat-release
        s lsb; if command -v lsb_release >/dev/null 2>&1; then lsb_release -a 2>/dev/null; elif [ -r /etc/lsb-release ]; then sed 's/^/FILE:/' /etc/lsb-release; fi
        s id; id -un; id -u; id -g; id -ru; id -rg
        s passwd; getent passwd "$(id -un)" 2>/dev/null || grep "^$(id -un):" /etc/passwd 2>/dev/null
        s env; env -0 2>/dev/null || env
        s date; e=$(date +%s); F='%Y-%m-%d|%d|%s|%H|%M|%m|%S|%H:%M:%S|%Z|%z|%A|%w|%W|%Y|%Y%m%dT%H%M%S'
        date -d "@$e" "+$F" 2>/dev/null || date "+$F"; date -u -d "@$e" '+%Y-%m-%dT%H:%M:%S' 2>/dev/null || date -u '+%Y-%m-%dT%H:%M:%S'; date +%N
        s tzjan; date -d '2021-01-01 12:00' '+%Z|%z' 2>/dev/null
        s tzjul; date -d '2021-07-01 12:00' '+%Z|%z' 2>/dev/null
        s fqdn; h=$(uname -n); a=$(getent hosts "$h" 2>/dev/null | awk '{print $1; exit}'); if [ -n "$a" ]; then getent hosts "$a" 2>/dev/null | head -n 1; fi
        s resolv; rd /etc/resolv.conf
        s fips; rd /proc/sys/crypto/fips_enabled
        s selinux; if [ -r /sys/fs/selinux/enforce ]; then echo "enforce=$(rd /sys/fs/selinux/enforce)"; echo "policyvers=$(rd /sys/fs/selinux/policyvers)"; grep -E '^SELINUX(TYPE)?=' /etc/selinux/config 2>/dev/null; fi
        s apparmor; [ -e /sys/kernel/security/apparmor ] && echo enabled
        s caps; command -v capsh >/dev/null 2>&1 && { capsh --print 2>/dev/null || echo; }
        s cmdline; rd /proc/cmdline
        s machineid; rd /etc/machine-id || rd /var/lib/dbus/machine-id
        s sshkeys; for f in /etc/ssh/ssh_host_dsa_key.pub /etc/ssh/ssh_host_rsa_key.pub /etc/ssh/ssh_host_ecdsa_key.pub /etc/ssh/ssh_host_ed25519_key.pub; do [ -r "$f" ] && printf '%s %s\\n' "$f" "$(cat "$f")"; done
        s pkg; for p in apt-get dnf5 dnf yum microdnf apk zypper pacman emerge pkg xbps-install swupd opkg rpm-ostree; do command -v "$p" >/dev/null 2>&1 && echo "$p"; done
        s service; rd /proc/1/comm; echo; [ -d /run/systemd/system ] && echo SYSTEMD; [ -x /sbin/openrc ] && echo OPENRC; [ -d /etc/init.d ] && echo INITD
        s loadavg; rd /proc/loadavg
        s iscsi; sed -n 's/^InitiatorName=//p' /etc/iscsi/initiatorname.iscsi 2>/dev/null
        s nvme; rd /etc/nvme/hostnqn
        s fc; for f in /sys/class/fc_host/*/port_name; do [ -r "$f" ] && sed 's/^0x//' "$f"; done
        s chroot; echo "env:${debian_chroot:-}"; echo "fs:$(stat -f -c %T / 2>/dev/null)"; stat -c '%d:%i' / /proc/1/root/. 2>/dev/null
        """
        if hardware {
            s += """

            s meminfo; rd /proc/meminfo
            s cpuinfo; rd /proc/cpuinfo
            s nproc; nproc 2>/dev/null || getconf _NPROCESSORS_ONLN
            s uptime; rd /proc/uptime
            s dmi; for f in bios_date bios_vendor bios_version board_asset_tag board_name board_serial board_vendor board_version chassis_asset_tag chassis_serial chassis_vendor chassis_version chassis_type product_name product_serial product_uuid product_version sys_vendor; do r1 /sys/devices/virtual/dmi/id/$f; printf '%s|%s\\n' "$f" "$v"; done
            s mounts; while read -r dev mnt fs opts dump pass; do case "$dev" in /*|*:/*) [ "$fs" = none ] || printf '%s|%s|%s|%s|%s|%s|%s\\n' "$dev" "$mnt" "$fs" "$opts" "$dump" "$pass" "$(stat -f -c '%S %b %f %a %c %d' "$mnt" 2>/dev/null)";; esac; done < /proc/mounts
            """
        }
        if network {
            s += """

            s links; for d in /sys/class/net/*; do [ -e "$d" ] || continue; r1 $d/ifindex; i=$v; r1 $d/address; a=$v; r1 $d/mtu; m=$v; r1 $d/flags; f=$v; r1 $d/type; t=$v; k=; [ -d $d/bridge ] && k=bridge; [ -d $d/bonding ] && k=bonding; printf '%s|%s|%s|%s|%s|%s|%s\\n' "$i" "${d##*/}" "$a" "$m" "$f" "$t" "$k"; done
            s addrs; ip -o addr show 2>/dev/null
            s route4; ip -4 route get 8.8.8.8 2>/dev/null
            s route6; ip -6 route get 2404:6800:400a:800::1012 2>/dev/null
            s procroute; rd /proc/net/route
            s local4; ip -4 route show table local 2>/dev/null
            s local6; ip -6 route show table local 2>/dev/null
            """
        }
        if virtual {
            s += """

            s virtual; [ -e /.dockerenv ] && echo docker; [ -e /run/.containerenv ] && echo podman; grep -qa 'container=lxc' /proc/1/environ 2>/dev/null && echo lxc; grep -qE '/(docker|lxc)/' /proc/1/cgroup 2>/dev/null && grep -oE '/(docker|lxc)/' /proc/1/cgroup | head -n 1 | tr -d /; [ -e /dev/kvm ] && echo host:kvm; grep -q '^flags.* hypervisor' /proc/cpuinfo 2>/dev/null && echo hypervisor; echo "product:$(rd /sys/devices/virtual/dmi/id/product_name)"; echo "vendor:$(rd /sys/devices/virtual/dmi/id/sys_vendor)"
            """
        }
        return s + "\n"
    }

    /// The script's output by section name.
    static func sections(_ stdout: String) -> [String: String] {
        var out: [String: String] = [:]
        var name: String?
        var body: [Substring] = []
        func close() {
            if let name {
                var text = body.joined(separator: "\n")
                while text.hasSuffix("\n") { text.removeLast() }
                out[name] = text
            }
        }
        for line in stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("@@@") {
                close()
                name = String(line.dropFirst(3))
                body = []
            } else {
                body.append(line)
            }
        }
        close()
        return out
    }
}
