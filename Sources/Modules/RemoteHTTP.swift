import Connection
import Core
import Foundation

/// One HTTP request made on the target by `curl` (or GNU `wget` for what it can express),
/// for `get_url` and `uri`. Everything that may be secret (the URL, headers, credentials,
/// the body) travels in a tool config read from the payload descriptor, never in argv. The
/// response body stays in a temporary file on the target (`bodyPath`) until `finish` moves
/// it or removes it.
struct RemoteHTTP {
    var url: String
    var method = "GET"
    var headers: [(String, String)] = []
    var body: String?
    var user: String?
    var password: String?
    var forceBasicAuth = false
    var followRedirects = true
    var timeout = 30
    var validateCerts = true
    var agent = "ansible-httpget"
    /// Checksum tools run on the downloaded body (`sha1sum`, `md5sum`, ...).
    var sums: [String] = ["sha1sum"]
    /// Print the body (base64) in the response.
    var readBody = false

    /// What came back.
    struct Response {
        var status: Int
        var reason: String
        var url: String
        var redirects: Int
        /// Headers of the final response, names lowercased.
        var headers: [(String, String)]
        var body: [UInt8]?
        var bodyPath: String
        var sums: [String: String]
        /// A transport failure (no HTTP status), as the tool reported it.
        var error: String?

        func header(_ name: String) -> String? { headers.first { $0.0 == name }?.1 }

        /// Python urllib's message: `OK (n bytes)` for a success, `HTTP Error n: reason` otherwise.
        var message: String {
            if status >= 200 && status < 300 { return "OK (\(header("content-length") ?? "unknown") bytes)" }
            return "HTTP Error \(status): \(reason)"
        }
    }

    /// Value in curl's config syntax: double-quoted with backslash escapes.
    static func curlQuote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    var curlConfig: String {
        var lines = ["url = \(Self.curlQuote(url))", "request = \(Self.curlQuote(method))", "user-agent = \(Self.curlQuote(agent))",
                     "max-time = \(timeout)", "silent", "show-error"]
        if method == "HEAD" { lines.append("head") }
        if followRedirects { lines.append("location") }
        if !validateCerts { lines.append("insecure") }
        for (k, v) in headers { lines.append("header = \(Self.curlQuote("\(k): \(v)"))") }
        if let body { lines.append("data-binary = \(Self.curlQuote(body))") }
        if let user {
            lines.append("user = \(Self.curlQuote(user + ":" + (password ?? "")))")
            lines.append(forceBasicAuth ? "basic" : "anyauth")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A wgetrc for GNU wget; nil when the request needs what wget cannot do here.
    var wgetConfig: String? {
        if body?.contains("\n") == true || headers.contains(where: { $0.1.contains("\n") }) { return nil }
        var lines = ["user_agent = \(agent)", "timeout = \(timeout)", "content_on_error = on", "server_response = on",
                     "method = \(method)", "max_redirect = \(followRedirects ? 20 : 0)", "check_certificate = \(validateCerts ? "on" : "off")"]
        for (k, v) in headers { lines.append("header = \(k): \(v)") }
        if let body { lines.append("body_data = \(body)") }
        if let user {
            lines.append("http_user = \(user)")
            lines.append("http_password = \(password ?? "")")
            if forceBasicAuth { lines.append("auth_no_challenge = on") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// sh that makes the request (wget's config and URL go to private files: it reads its
    /// config more than once, so a pipe will not do), printing `W|status redirects url`, `H|` (base64 headers),
    /// `T|` (the body file), `K<tool>|sum` lines, or `ERR|...`.
    func script() -> String {
        let sumLines = sums.map { "printf 'K\($0)|%s\\n' \"$(\($0) < \"$b\" | cut -d' ' -f1)\"" }.joined(separator: "\n")
        var wget = "elif command -v wget >/dev/null 2>&1; then echo 'ERR|this request needs curl on the target'; rm -f \"$b\" \"$h\"; exit 0\n"
        if let config = wgetConfig {
            let fence = "__RUNNER_WGETRC_\(UInt64.random(in: 0..<UInt64.max))__"
            wget = """
            elif command -v wget >/dev/null 2>&1 && wget --version 2>/dev/null | grep -q 'GNU Wget'; then
              ( umask 077; cat > "$h.rc" <<'\(fence)'
            \(config)\(fence)
              cat > "$h.url" <<'\(fence)U'
            \(url)
            \(fence)U
              )
              wget --config="$h.rc" -O "$b" -i "$h.url" 2>"$h.err"; rm -f "$h.rc" "$h.url"
              grep '^  ' "$h.err" | sed 's/^  //' > "$h"
              if [ ! -s "$h" ]; then printf 'ERR|%s\\n' "$(tail -n 1 "$h.err")"; rm -f "$b" "$h" "$h.err"; exit 0; fi
              rm -f "$h.err"; echo 'W|wget'

            """
        }
        return """
        b=$(mktemp "${TMPDIR:-/tmp}/.ansible-tmp-http.XXXXXX") && h=$(mktemp "${TMPDIR:-/tmp}/.ansible-tmp-hdr.XXXXXX") || exit 1
        printf 'T|%s\\n' "$b"
        if command -v curl >/dev/null 2>&1; then
          w=$(curl -K - -o "$b" -D "$h" -w '%{http_code} %{num_redirects} %{url_effective}' <&3 2>"$h.err"); rc=$?
          if [ $rc -ne 0 ] && [ "${w%% *}" = 000 ]; then printf 'ERR|%s\\n' "$(tr '\\n' ' ' < "$h.err")"; rm -f "$b" "$h" "$h.err"; exit 0; fi
          rm -f "$h.err"; printf 'W|%s\\n' "$w"
        \(wget)else echo 'ERR|neither curl nor wget is available on the target'; rm -f "$b" "$h"; exit 0; fi
        printf 'H|'; base64 < "$h" | tr -d '\\n'; echo; rm -f "$h"
        \(readBody ? "printf 'B|'; base64 < \"$b\" | tr -d '\\n'; echo" : "")
        \(sumLines)
        """
    }

    func perform(_ context: ModuleContext) throws(ModuleFailure) -> Response {
        let outcome = try context.remote(script(), input: Data(curlConfig.utf8))
        let probe = ProbeOutput(outcome.stdout)
        let path = probe["T"] ?? ""
        var response = Response(status: -1, reason: "", url: url, redirects: 0, headers: [], body: nil, bodyPath: path, sums: [:])
        if let error = probe["ERR"] {
            response.error = error.trimmingCharacters(in: .whitespaces)
            return response
        }
        guard outcome.rc == 0, let w = probe["W"] else {
            response.error = outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return response
        }
        let raw = String(decoding: probe["H"].flatMap(RemoteFile.decodeContent) ?? [], as: UTF8.self)
        var blocks: [[String]] = []
        for line in raw.replacingOccurrences(of: "\r", with: "").split(separator: "\n", omittingEmptySubsequences: false) {
            let l = String(line)
            if l.hasPrefix("HTTP/") { blocks.append([l]) } else if !l.isEmpty, !blocks.isEmpty { blocks[blocks.count - 1].append(l) }
        }
        let last = blocks.last ?? []
        let statusLine = (last.first ?? "").split(separator: " ", maxSplits: 2).map(String.init)
        response.status = statusLine.count > 1 ? Int(statusLine[1]) ?? -1 : -1
        response.reason = statusLine.count > 2 ? statusLine[2] : ""
        for line in last.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if let i = response.headers.firstIndex(where: { $0.0 == name }) {
                response.headers[i].1 += ", " + value
            } else {
                response.headers.append((name, value))
            }
        }
        if w == "wget" {
            response.redirects = max(0, blocks.count - 1)
            if response.redirects > 0, let location = blocks[blocks.count - 2].first(where: { $0.lowercased().hasPrefix("location:") }) {
                let target = String(location.dropFirst(9)).trimmingCharacters(in: .whitespaces)
                response.url = URL(string: target, relativeTo: URL(string: url))?.absoluteString ?? target
            }
        } else {
            let parts = w.split(separator: " ", maxSplits: 2).map(String.init)
            response.redirects = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            if parts.count > 2 { response.url = parts[2] }
        }
        response.body = probe["B"].flatMap(RemoteFile.decodeContent)
        for tool in sums { if let s = probe["K\(tool)"], !s.isEmpty { response.sums[tool] = s } }
        return response
    }

    /// sh that removes the downloaded body.
    static func discard(_ path: String) -> String { "rm -f \(ShellQuote.quote(path))" }
}
