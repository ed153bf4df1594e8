import Connection
import Core
import Foundation
import Jinja

/// `uri`: one HTTP request made on the target (curl, else GNU wget), with Ansible's result:
/// `status`, `url`, `msg`, `redirected`, the final response's headers as keys (lowercased,
/// `-` made `_`), `json` for a JSON body, `content` with `return_content`, and the file keys
/// when the body is saved to `dest`. A status outside `status_code` fails; check mode skips,
/// as Ansible's action does. `body_format: json` sends a mapping or list as JSON and
/// `form-urlencoded` a mapping as `a=1&b=2`.
struct URIModule: Module {
    static let options: Set<String> = [
        "attributes", "body", "body_format", "ca_path", "ciphers", "client_cert", "client_key", "creates", "decompress", "dest",
        "follow_redirects", "force", "force_basic_auth", "group", "headers", "http_agent", "method", "mode", "owner", "remote_src",
        "removes", "return_content", "selevel", "serole", "setype", "seuser", "src", "status_code", "timeout", "unix_socket",
        "unredirected_headers", "unsafe_writes", "url", "url_password", "url_username", "use_gssapi", "use_netrc", "use_proxy",
        "validate_certs",
    ]
    static let aliases: Set<String> = ["attr", "password", "user"]
    /// Options runner does not carry out; giving them fails rather than silently differing.
    static let unimplemented = ["ca_path", "ciphers", "client_cert", "client_key", "src", "unix_socket", "unredirected_headers", "use_gssapi"]

    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(Self.options, module: "ansible.legacy.uri", aliases: Self.aliases) { return failure }
        if context.checkMode {
            return TaskResult(PyDict([("changed", false), ("msg", "This action (uri) does not support check mode."), ("skipped", true)]))
        }
        return ModuleContext.outcome { () throws(ModuleFailure) in try uri(context) }
    }

    func uri(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        let url = try context.required("url")
        if let name = Self.unimplemented.first(where: { context.string($0) != nil }) {
            return .failed("uri with \(name) is not supported by runner yet")
        }
        if let creates = context.string("creates"), try remoteExists(creates, context) {
            return TaskResult(PyDict([("changed", false), ("msg", .string("skipped, since '\(creates)' exists")), ("skipped", true)]))
        }
        if let removes = context.string("removes"), try !remoteExists(removes, context) {
            return TaskResult(PyDict([("changed", false), ("msg", .string("skipped, since '\(removes)' does not exist")), ("skipped", true)]))
        }
        let started = Date()
        var request = RemoteHTTP(url: url)
        request.method = (context.string("method") ?? "GET").uppercased()
        for (k, x) in (context.args["headers"]?.dictValue?.items ?? []) { request.headers.append((k.pythonString, x.pythonString)) }
        request.user = context.string(anyOf: ["url_username", "user"])
        request.password = context.string(anyOf: ["url_password", "password"])
        request.forceBasicAuth = context.bool("force_basic_auth", default: false)
        request.timeout = Int(context.string("timeout") ?? "") ?? 30
        request.validateCerts = context.bool("validate_certs", default: true)
        if let agent = context.string("http_agent") { request.agent = agent }
        switch context.string("follow_redirects") ?? "safe" {
        case "none", "no", "false", "False": request.followRedirects = false
        case "safe": request.followRedirects = ["GET", "HEAD"].contains(request.method)
        default: request.followRedirects = true
        }
        let format = context.string("body_format") ?? "raw"
        guard ["form-urlencoded", "json", "raw", "form-multipart"].contains(format) else {
            return .failed("value of body_format must be one of: form-urlencoded, json, raw, form-multipart, got: \(format)")
        }
        if let body = context.args["body"], !body.isNone {
            switch format {
            case "json":
                if case .string = body { request.body = body.pythonString } else if case .unsafe = body { request.body = body.pythonString } else {
                    do {
                        request.body = try context.engine.renderText(.string("{{ __runner_body | to_json }}"), vars: DictVariables(["__runner_body": body]))
                    } catch {
                        return .failed(error.message)
                    }
                }
                setDefaultHeader(&request, "Content-Type", "application/json")
            case "form-urlencoded":
                if let dict = body.dictValue {
                    request.body = dict.items.map { Self.formEncode($0.0.pythonString) + "=" + Self.formEncode($0.1.pythonString) }.joined(separator: "&")
                } else if let list = body.listValue {
                    request.body = list.compactMap { $0.listValue }.filter { $0.count == 2 }
                        .map { Self.formEncode($0[0].pythonString) + "=" + Self.formEncode($0[1].pythonString) }.joined(separator: "&")
                } else {
                    request.body = body.pythonString
                }
                setDefaultHeader(&request, "Content-Type", "application/x-www-form-urlencoded")
            case "form-multipart":
                return .failed("uri with body_format form-multipart is not supported by runner yet")
            default:
                request.body = body.pythonString
            }
        }
        let dest = context.string("dest")
        let returnContent = context.bool("return_content", default: false)
        request.readBody = true
        request.sums = dest == nil ? [] : ["sha1sum"]
        let response = try request.perform(context)
        var v = PyDict()
        v["changed"] = false
        v["elapsed"] = .int(Int(Date().timeIntervalSince(started)))
        if let error = response.error {
            _ = try context.remote(RemoteHTTP.discard(response.bodyPath))
            v["failed"] = true
            v["msg"] = .string("Status code was -1 and not \(statusList(context)): Request failed: \(error)")
            v["status"] = -1
            v["url"] = .string(url)
            return TaskResult(v)
        }
        let success = response.status >= 200 && response.status < 300
        for (name, value) in response.headers where name != "set-cookie" {
            v[.string(name.replacingOccurrences(of: "-", with: "_"))] = .string(value)
        }
        if success {
            v["cookies"] = .dict(PyDict())
            v["cookies_string"] = ""
        }
        v["msg"] = .string(response.message)
        v["redirected"] = .bool(response.redirects > 0)
        v["status"] = .int(response.status)
        v["url"] = .string(response.url)
        let body = response.body ?? []
        if let dest, success {
            let outcome = try context.remote(GetURLModule.moveScript(response.bodyPath, to: dest, permissions: 0o644, backup: false)
                .replacingOccurrences(of: "chmod 644", with: "chmod \"$(printf '%o' $((0666 & ~$(umask))))\""))
            guard outcome.rc == 0 else { return .failed("failed to write \(dest): \(outcome.stderr)", v) }
            let file = try RemoteFile.read(dest, context: context, withContent: false)
            let written = try file.write(nil, attributes: FileAttributes(context), context: context)
            for (k, x) in written.stat.resultKeys.items { v[k] = x }
            v["path"] = .string(dest)
            v["changed"] = true
        } else {
            _ = try context.remote(RemoteHTTP.discard(response.bodyPath))
        }
        let text = String(decoding: body, as: UTF8.self)
        if returnContent { v["content"] = .string(text) }
        if let type = response.header("content-type"), type.contains("json"), !body.isEmpty {
            if let parsed = try? context.engine.template(.string("{{ __runner_json | from_json }}"), vars: DictVariables(["__runner_json": .string(text)])) {
                v["json"] = parsed
            }
        }
        let accepted = statusCodes(context)
        if !accepted.contains(response.status) {
            v["failed"] = true
            v["msg"] = .string("Status code was \(response.status) and not \(statusList(context)): \(response.message)")
        }
        return TaskResult(v)
    }

    func setDefaultHeader(_ request: inout RemoteHTTP, _ name: String, _ value: String) {
        if !request.headers.contains(where: { $0.0.lowercased() == name.lowercased() }) { request.headers.append((name, value)) }
    }

    func statusCodes(_ context: ModuleContext) -> [Int] {
        guard let v = context.args["status_code"], !v.isNone else { return [200] }
        let items = v.listValue ?? v.pythonString.split(separator: ",").map { Value.string(String($0)) }
        return items.compactMap { Int($0.pythonString.trimmingCharacters(in: .whitespaces)) }
    }

    /// Python's repr of the accepted codes: `[200, 404]`.
    func statusList(_ context: ModuleContext) -> String {
        "[" + statusCodes(context).map(String.init).joined(separator: ", ") + "]"
    }

    func remoteExists(_ path: String, _ context: ModuleContext) throws(ModuleFailure) -> Bool {
        try context.probe("if [ -e \(ShellQuote.quote(path)) ]; then echo 'E|1'; fi")["E"] != nil
    }

    /// Python's `urllib.parse.quote_plus`.
    static func formEncode(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            case UInt8(ascii: " "): out.append("+")
            default: out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
