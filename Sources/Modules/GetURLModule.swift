import Connection
import Core
import Foundation
import Jinja

/// `get_url`: a URL downloaded on the target (curl, else GNU wget) into `dest`, as Ansible's
/// module does it: an existing `dest` whose `checksum` already matches is left alone without a
/// request (`file already exists`); otherwise the body goes to a temporary file, is checked
/// against `checksum`, and replaces `dest` only when the sha1 differs (`force: false` sends
/// `If-Modified-Since` for an existing file). `mode`/`owner`/`group` are applied either way.
/// A `dest` directory receives the file under the URL's last path segment.
struct GetURLModule: Module {
    static let options: Set<String> = [
        "attributes", "backup", "checksum", "ciphers", "client_cert", "client_key", "decompress", "dest", "force", "force_basic_auth",
        "group", "headers", "http_agent", "mode", "owner", "selevel", "serole", "setype", "seuser", "timeout", "tmp_dest",
        "unredirected_headers", "unsafe_writes", "url", "url_password", "url_username", "use_gssapi", "use_netrc", "use_proxy",
        "validate_certs",
    ]
    static let aliases: Set<String> = ["attr", "password", "username"]
    /// Options runner does not carry out; giving them fails rather than silently differing.
    static let unimplemented = ["ciphers", "client_cert", "client_key", "unredirected_headers", "use_gssapi", "tmp_dest"]

    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(Self.options, module: "get_url", aliases: Self.aliases) { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in try getURL(context) }
    }

    func getURL(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        let url = try context.required("url")
        let destArg = try context.required("dest")
        if let name = Self.unimplemented.first(where: { context.string($0) != nil }) {
            return .failed("get_url with \(name) is not supported by runner yet")
        }
        var algorithm: String? = nil
        var expected: String? = nil
        if let checksum = context.string("checksum"), !checksum.isEmpty {
            let parts = checksum.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, StatModule.algorithms[parts[0]] != nil else {
                return .failed("The checksum parameter has to be in format <algorithm>:<checksum>")
            }
            if parts[1].hasPrefix("http://") || parts[1].hasPrefix("https://") || parts[1].hasPrefix("file://") {
                return .failed("get_url with a checksum URL is not supported by runner yet")
            }
            algorithm = parts[0]
            expected = parts[1].lowercased()
        }
        let tool = algorithm.flatMap { StatModule.algorithms[$0] }
        let started = Date()
        func elapsed() -> Value { .int(Int(Date().timeIntervalSince(started))) }

        // Where the file goes, and what is there now.
        let probe = try context.probe(Self.destProbe(destArg, tool: tool))
        var dest = destArg
        if probe["DIR"] != nil {
            let name = URL(string: url)?.lastPathComponent ?? ""
            dest = (destArg as NSString).appendingPathComponent(name.isEmpty || name == "/" ? "index.html" : name)
        }
        let destProbe = probe["DIR"] != nil ? try context.probe(Self.destProbe(dest, tool: tool)) : probe
        let exists = RemoteStat.parse(destProbe, tag: "S") != nil
        let force = context.bool("force", default: false)
        var v = PyDict()
        if exists, !force, tool != nil, let expected, destProbe["K"] == expected {
            let file = try RemoteFile.read(dest, context: context, withContent: false)
            let written = try file.write(nil, attributes: FileAttributes(context), context: context)
            v["changed"] = .bool(written.attributesChanged)
            v["checksum_dest"] = Value.none
            v["checksum_src"] = Value.none
            v["dest"] = .string(dest)
            v["elapsed"] = elapsed()
            v["msg"] = "file already exists"
            v["url"] = .string(url)
            for (k, x) in written.stat.resultKeys.items { v[k] = x }
            return TaskResult(v)
        }
        var request = RemoteHTTP(url: url)
        for (k, x) in (context.args["headers"]?.dictValue?.items ?? []) { request.headers.append((k.pythonString, x.pythonString)) }
        request.user = context.string(anyOf: ["url_username", "username"])
        request.password = context.string(anyOf: ["url_password", "password"])
        request.forceBasicAuth = context.bool("force_basic_auth", default: false)
        request.timeout = Int(context.string("timeout") ?? "") ?? 10
        request.validateCerts = context.bool("validate_certs", default: true)
        if let agent = context.string("http_agent") { request.agent = agent }
        if !force, let stat = RemoteStat.parse(destProbe, tag: "S"), !request.headers.contains(where: { $0.0.lowercased() == "if-modified-since" }) {
            request.headers.append(("If-Modified-Since", Self.httpDate(stat.mtime)))
        }
        request.sums = ["sha1sum", "md5sum"] + (tool.map { $0 == "sha1sum" || $0 == "md5sum" ? [] : [$0] } ?? [])
        let response = try request.perform(context)
        let tmp = response.bodyPath
        v["changed"] = false
        v["dest"] = .string(dest)
        v["elapsed"] = elapsed()
        v["url"] = .string(url)
        if let error = response.error {
            try cleanUp(tmp, context)
            v["msg"] = .string("Request failed: \(error)")
            v["status_code"] = -1
            v["failed"] = true
            return TaskResult(v)
        }
        if response.status == 304 {
            try cleanUp(tmp, context)
            v["msg"] = .string("HTTP Error 304: \(response.reason)")
            v["status_code"] = 304
            return TaskResult(v)
        }
        guard response.status >= 200 && response.status < 300 else {
            try cleanUp(tmp, context)
            v["failed"] = true
            v["msg"] = "Request failed"
            v["response"] = .string(response.message)
            v["status_code"] = .int(response.status)
            return TaskResult(v)
        }
        let sourceSum = response.sums["sha1sum"] ?? ""
        if context.checkMode {
            try cleanUp(tmp, context)
            v["changed"] = true
            v["checksum_dest"] = Value.none
            v["checksum_src"] = .string(Digest.hex(Digest.sha1([])))
            v["msg"] = .string(response.message)
            v["src"] = .string(tmp)
            return TaskResult(v)
        }
        v["checksum_dest"] = Value.none
        v["checksum_src"] = .string(sourceSum)
        v["src"] = .string(tmp)
        if let tool, let expected, response.sums[tool] != expected {
            try cleanUp(tmp, context)
            v["failed"] = true
            v["msg"] = .string("The checksum for \(tmp) did not match \(expected); it was \(response.sums[tool] ?? "").")
            return TaskResult(v)
        }
        let parent = (dest as NSString).deletingLastPathComponent
        if destProbe["PARENT"] == nil {
            try cleanUp(tmp, context)
            v["failed"] = true
            v["msg"] = .string("Destination \(parent.isEmpty ? "." : parent) does not exist")
            return TaskResult(v)
        }
        let destSum = destProbe["SUM"]
        if let destSum { v["checksum_dest"] = .string(destSum) }
        var changed = false
        if destSum != sourceSum {
            let identity = RemoteIdentity.parse(destProbe)
            let outcome = try context.remote(Self.moveScript(tmp, to: dest, permissions: identity.newPermissions(directory: false),
                                                             backup: context.bool("backup", default: false) && exists))
            guard outcome.rc == 0 else {
                return .failed("failed to move \(tmp) to \(dest): \(outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines))", v)
            }
            let backup = ProbeOutput(outcome.stdout)["BACKUP"]
            if let backup { v["backup_file"] = .string(backup) }
            changed = true
        } else {
            try cleanUp(tmp, context)
        }
        let file = try RemoteFile.read(dest, context: context, withContent: false)
        let written = try file.write(nil, attributes: FileAttributes(context), context: context)
        for (k, x) in written.stat.resultKeys.items { v[k] = x }
        v["changed"] = .bool(changed || written.attributesChanged)
        v["md5sum"] = .string(response.sums["md5sum"] ?? "")
        v["msg"] = .string(response.message)
        v["status_code"] = .int(response.status)
        return TaskResult(v)
    }

    /// An RFC 7231 date, as `If-Modified-Since` wants it.
    static func httpDate(_ time: Double) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f.string(from: Date(timeIntervalSince1970: time))
    }

    func cleanUp(_ tmp: String, _ context: ModuleContext) throws(ModuleFailure) {
        guard !tmp.isEmpty else { return }
        _ = try context.remote(RemoteHTTP.discard(tmp))
    }

    /// sh printing the dest's stat, `DIR|1` for a directory, `PARENT|1`, `SUM|sha1` and
    /// `K|<checksum>` with the requested tool, and the remote identity.
    static func destProbe(_ dest: String, tool: String?) -> String {
        let p = ShellQuote.quote(dest)
        let parent = (dest as NSString).deletingLastPathComponent
        var s = RemoteIdentity.command + "\n" + RemoteStat.command(dest, tag: "S", follow: true) + "\n"
        s += "if [ -d \(p) ]; then echo 'DIR|1'; fi\n"
        s += "if [ -d \(ShellQuote.quote(parent.isEmpty ? "." : parent)) ]; then echo 'PARENT|1'; fi\n"
        s += "if [ -f \(p) ] && [ -r \(p) ]; then printf 'SUM|%s\\n' \"$(sha1sum < \(p) | cut -d' ' -f1)\""
        if let tool { s += "; printf 'K|%s\\n' \"$(\(tool) < \(p) | cut -d' ' -f1)\"" }
        return s + "; fi"
    }

    /// sh moving the download over `dest`, keeping an existing file's mode and owner, giving a
    /// new one `permissions`.
    static func moveScript(_ tmp: String, to dest: String, permissions: Int, backup: Bool) -> String {
        let t = ShellQuote.quote(tmp), d = ShellQuote.quote(dest)
        var s = "if [ -e \(d) ]; then chmod \"$(stat -L -c %a \(d))\" \(t) && chown \"$(stat -L -c %u:%g \(d))\" \(t) 2>/dev/null\n"
        if backup {
            s += "b=\(d).$$.$(date +%Y-%m-%d@%H:%M:%S~); cp -p \(d) \"$b\" && printf 'BACKUP|%s\\n' \"$b\"\n"
        }
        s += "else chmod \(String(permissions, radix: 8)) \(t); fi\n"
        s += "mv -f \(t) \(d)"
        return s
    }
}
