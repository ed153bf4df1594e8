import Connection
import Core
import Foundation

/// `wait_for`: waits on the target, in one sh loop, for a port to listen or close, a path to
/// appear (optionally holding `search_regex`) or vanish, or a port's connections to drain.
/// A local `host` is checked in `/proc/net/tcp{,6}` (a LISTEN socket on its address or a
/// wildcard); another host with bash's `/dev/tcp` or `nc`. `search_regex` is run with
/// `grep -E` after turning Python's `\d`, `\s`, `\w` and `(?P<name>` into ERE, and the matching
/// line is searched again with Python semantics on the controller for `match_groups`.
/// `elapsed` is whole seconds, as Ansible's `timedelta.seconds`.
struct WaitForModule: Module {
    static let options: Set<String> = [
        "host", "timeout", "connect_timeout", "delay", "port", "active_connection_states", "path", "search_regex",
        "state", "exclude_hosts", "sleep", "msg",
    ]
    static let states = ["absent", "drained", "present", "started", "stopped"]
    static let connectionStates: [String: String] = [
        "ESTABLISHED": "01", "SYN_SENT": "02", "SYN_RECV": "03", "FIN_WAIT1": "04", "FIN_WAIT2": "05",
        "TIME_WAIT": "06", "CLOSE": "07", "CLOSE_WAIT": "08", "LAST_ACK": "09", "LISTEN": "0A", "CLOSING": "0B",
    ]

    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(Self.options, module: "wait_for") { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in try waitFor(context) }
    }

    func waitFor(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        let host = context.string("host") ?? "127.0.0.1"
        let timeout = try context.int("timeout") ?? 300
        let connectTimeout = try context.int("connect_timeout") ?? 5
        let delay = try context.int("delay") ?? 0
        let port = try context.int("port")
        let sleep = try context.int("sleep") ?? 1
        let state = try context.choice("state", Self.states, default: "started")!
        let path = context.string("path").map { ($0 as NSString).expandingTildeInPath }
        let regex = context.string("search_regex")
        let msg = context.string("msg")
        let active = context.args["active_connection_states"]?.listValue?.map(\.pythonString)
            ?? ["ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "SYN_RECV", "SYN_SENT", "TIME_WAIT"]
        let elapsed0 = PyDict([("elapsed", .int(0))])
        if let regex, PythonRegex(regex, multiline: true) == nil {
            return .failed("Invalid regular expression: \(regex)")
        }
        if port != nil && path != nil { return .failed("port and path parameter can not both be passed to wait_for", elapsed0) }
        if path != nil && (state == "stopped" || state == "drained") {
            return .failed("state=\(state) should only be used for checking a port in the wait_for module", elapsed0)
        }
        if context.args["exclude_hosts"].map({ !$0.isNone }) == true {
            if state != "drained" { return .failed("exclude_hosts should only be with state=drained", elapsed0) }
            return .failed("runner's wait_for does not support exclude_hosts yet", elapsed0)
        }
        var activeCodes: [String] = []
        for s in active {
            guard let code = Self.connectionStates[s] else { return .failed("unknown active_connection_state (\(s)) defined", elapsed0) }
            activeCodes.append(code)
        }
        if context.checkMode { return .skipped("Check mode is not supported for this task") }

        let check: String
        var waitsForAbsence = state == "absent" || state == "stopped"
        if let path {
            let p = ShellQuote.quote(path)
            if let regex, !waitsForAbsence {
                check = "[ -e \(p) ] && rt_m=$(grep -E -m1 -e \(ShellQuote.quote(Self.extendedRegex(regex))) \(p) 2>/dev/null) && printf 'MATCH|%s\\n' \"$rt_m\""
            } else {
                check = "[ -e \(p) ]"
            }
        } else if let port {
            if let regex, !waitsForAbsence {
                check = "rt_m=$(rt_read \(port) | grep -E -m1 -e \(ShellQuote.quote(Self.extendedRegex(regex)))) && printf 'MATCH|%s\\n' \"$rt_m\""
            } else if let local = Self.localAddresses(host) {
                check = "rt_listening \(port) \(ShellQuote.quote(local.joined(separator: " ")))"
            } else {
                check = "rt_connect \(port)"
            }
            if state == "drained" {
                waitsForAbsence = false
            }
        } else {
            check = state == "drained" ? "true" : "false"
        }
        let condition: String
        if state == "drained", let port {
            condition = "[ \"$(rt_active \(port) '\(activeCodes.joined(separator: " "))')\" -eq 0 ]"
        } else {
            condition = waitsForAbsence ? "! { \(check); }" : check
        }
        let script = Self.library(host: host, connectTimeout: connectTimeout) + """
        rt_start=$(rt_now); rt_end=$((rt_start + \(timeout) * 100))
        \(delay > 0 ? "sleep \(delay)" : ":")
        rt_done=
        if \(port == nil && path == nil && state != "drained" ? "false" : "true"); then
          while [ "$(rt_now)" -lt "$rt_end" ]; do
            if \(condition); then rt_done=1; break; fi
            sleep \(sleep)
          done
        else
          sleep \(timeout); rt_done=1
        fi
        printf 'ELAPSED|%s\\n' $(( ($(rt_now) - rt_start) / 100 ))
        [ -n "$rt_done" ] && echo 'DONE|1'
        \(path.map { RemoteStat.command($0, tag: "S", follow: true) } ?? ":")
        """
        let outcome = try context.remote(script)
        if outcome.rc == 90 { return .failed(outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let probe = ProbeOutput(outcome.stdout)
        let elapsed = Int(probe["ELAPSED"] ?? "") ?? 0
        guard probe["DONE"] != nil else {
            let target = port.map { "\(host):\($0)" }
            let text: String
            switch state {
            case "absent", "stopped":
                text = port != nil ? "Timeout when waiting for \(target!) to stop." : "Timeout when waiting for \(path ?? "") to be absent."
            case "drained":
                text = "Timeout when waiting for \(host):\(port.map(String.init) ?? "None") to drain"
            default:
                if let regex {
                    text = "Timeout when waiting for search string \(regex) in \(target ?? path ?? "")"
                } else {
                    text = port != nil ? "Timeout when waiting for \(target!)" : "Timeout when waiting for file \(path ?? "")"
                }
            }
            return .failed(msg ?? text, PyDict([("elapsed", .int(elapsed))]))
        }
        var groups: [Value] = []
        var groupdict = PyDict()
        if let regex, let line = probe["MATCH"], let re = PythonRegex(regex, multiline: true), let m = re.firstMatch(in: line) {
            let ns = line as NSString
            func text(_ r: NSRange) -> Value { r.location == NSNotFound ? .none : .string(ns.substring(with: r)) }
            groups = (1..<max(m.numberOfRanges, 1)).map { text(m.range(at: $0)) }
            for name in Self.groupNames(regex) { groupdict[.string(name)] = text(m.range(withName: name)) }
        }
        var v = PyDict()
        v["changed"] = false
        v["elapsed"] = .int(elapsed)
        v["match_groupdict"] = .dict(groupdict)
        v["match_groups"] = .list(groups)
        v["path"] = path.map(Value.string) ?? Value.none
        v["port"] = port.map(Value.int) ?? Value.none
        v["search_regex"] = regex.map(Value.string) ?? Value.none
        v["state"] = .string(state)
        // Ansible adds a path's facts (owner, mode, state "file", ...) to any result naming one.
        if let s = RemoteStat.parse(probe, tag: "S") { for (k, x) in s.resultKeys.items { v[k] = x } }
        return TaskResult(v)
    }

    /// The `/proc/net/tcp{,6}` spellings of a local host's addresses plus the wildcards that
    /// also accept its connections; nil for a host that is not this machine.
    static func localAddresses(_ host: String) -> [String]? {
        let any4 = "00000000", any6 = String(repeating: "0", count: 32)
        func v4(_ ip: String) -> [String]? {
            let parts = ip.split(separator: ".").compactMap { UInt8($0) }
            guard parts.count == 4 else { return nil }
            let hex = parts.reversed().map { String(format: "%02X", $0) }.joined()
            return [hex, "0000000000000000FFFF0000" + hex]
        }
        let loop6 = "00000000000000000000000001000000"
        switch host {
        case "localhost": return v4("127.0.0.1")! + [loop6, any4, any6]
        case "::1": return [loop6, any6]
        case "0.0.0.0", "::": return []
        default:
            guard host.hasPrefix("127."), let a = v4(host) else { return nil }
            return a + [any4, any6]
        }
    }

    /// sh functions the wait loop uses: a centisecond clock, a LISTEN lookup, an active
    /// connection count, a connect probe and a reader for `search_regex` on a port.
    static func library(host: String, connectTimeout: Int) -> String {
        let h = ShellQuote.quote(host)
        return """
        rt_now() { if [ -r /proc/uptime ]; then read rt_u rt_x < /proc/uptime; echo "${rt_u%.*}${rt_u#*.}" | sed 's/^0*//;s/^$/0/'; else echo $(( $(date +%s) * 100 )); fi; }
        rt_listening() {
          rt_p=$(printf '%04X' "$1")
          cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p="$rt_p" -v a=" $2 " '
            $4 == "0A" { n = split($2, x, ":"); if (x[n] == p && (a == "  " || index(a, " " x[1] " "))) f = 1 }
            END { exit !f }'
        }
        rt_active() {
          rt_p=$(printf '%04X' "$1")
          cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p="$rt_p" -v s=" $2 " '
            NR > 0 { n = split($2, x, ":"); if (x[n] == p && index(s, " " $4 " ")) c++ }
            END { print c + 0 }'
        }
        rt_connect() {
          if command -v bash >/dev/null 2>&1; then
            timeout \(connectTimeout) bash -c 'exec 3<>"/dev/tcp/$0/$1"' \(h) "$1" 2>/dev/null
          elif command -v nc >/dev/null 2>&1; then
            nc -z -w \(connectTimeout) \(h) "$1" 2>/dev/null
          else
            echo "wait_for: checking a port on \(host) needs bash or nc on the target" >&2; exit 90
          fi
        }
        rt_read() {
          rt_left=$(( (rt_end - $(rt_now)) / 100 + 1 ))
          if command -v bash >/dev/null 2>&1; then
            timeout "$rt_left" bash -c 'exec 3<>"/dev/tcp/$0/$1" && cat <&3' \(h) "$1" 2>/dev/null
          elif command -v nc >/dev/null 2>&1; then
            timeout "$rt_left" nc -w \(connectTimeout) \(h) "$1" 2>/dev/null
          else
            echo "wait_for: reading a port on \(host) needs bash or nc on the target" >&2; exit 90
          fi
        }

        """
    }

    /// Python's `(?P<name>` group names, in order.
    static func groupNames(_ pattern: String) -> [String] {
        var names: [String] = []
        var rest = Substring(pattern)
        while let r = rest.range(of: "(?P<") {
            rest = rest[r.upperBound...]
            if let close = rest.firstIndex(of: ">") { names.append(String(rest[..<close])) }
        }
        return names
    }

    /// A Python pattern as POSIX ERE for grep: class escapes spelled as bracket classes, named
    /// and non-capturing groups as plain ones, lazy quantifiers as greedy (a line either
    /// matches or not).
    static func extendedRegex(_ pattern: String) -> String {
        let classes: [Character: (String, String)] = [
            "d": ("[0-9]", "0-9"), "D": ("[^0-9]", ""), "s": ("[[:space:]]", "[:space:]"), "S": ("[^[:space:]]", ""),
            "w": ("[[:alnum:]_]", "[:alnum:]_"), "W": ("[^[:alnum:]_]", ""),
        ]
        var out = ""
        let c = Array(pattern)
        var i = 0
        var inClass = false
        while i < c.count {
            let ch = c[i]
            if ch == "\\", i + 1 < c.count {
                if let (outside, inside) = classes[c[i + 1]], !(inClass && inside.isEmpty) {
                    out += inClass ? inside : outside
                } else {
                    out.append(ch); out.append(c[i + 1])
                }
                i += 2
                continue
            }
            if inClass {
                if ch == "]" { inClass = false }
                out.append(ch); i += 1
                continue
            }
            if ch == "[" { inClass = true; out.append(ch); i += 1; if i < c.count, c[i] == "^" { out.append("^"); i += 1 }; if i < c.count, c[i] == "]" { out.append("]"); i += 1 }; continue }
            if ch == "(", i + 2 < c.count, c[i + 1] == "?" {
                if c[i + 2] == "P", i + 3 < c.count, c[i + 3] == "<", let close = c[(i + 4)...].firstIndex(of: ">") {
                    out.append("("); i = close + 1; continue
                }
                if c[i + 2] == ":" { out.append("("); i += 3; continue }
            }
            if (ch == "?" ), i > 0, "*+?}".contains(c[i - 1]) { i += 1; continue }
            out.append(ch); i += 1
        }
        return out
    }
}
