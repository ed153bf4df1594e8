import Connection
import Core
import Foundation

/// `slurp`: the content of a file on the target, base64-encoded, with `encoding: base64`
/// and `source` (`armor: false`: the text itself, `encoding: utf-8`). A missing path fails
/// with `File not found: <path>`, as in Ansible.
struct SlurpModule: Module {
    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(["src", "armor"], module: "slurp", aliases: ["path"]) { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in
            let path = try context.required("src", aliases: ["path"])
            let p = ShellQuote.quote(path)
            let script = """
            if [ ! -e \(p) ]; then echo 'ERR|missing'; elif [ -d \(p) ]; then echo 'ERR|dir'; elif [ ! -r \(p) ]; then echo 'ERR|denied'; else
            \(RemoteFile.contentCommand(path, tag: "DATA"))
            fi
            """
            let probe = try context.probe(script)
            switch probe["ERR"] {
            case "missing": return .failed("File not found: \(path)")
            case "dir": return .failed("Source is a directory and must be a file: \(path)")
            case "denied": return .failed("File is not readable: \(path)")
            default: break
            }
            guard let bytes = probe["DATA"].flatMap(RemoteFile.decodeContent) else {
                // ansible-core's message lacks its f-string prefix, so the braces are literal.
                return .failed("Unable to slurp file: {source}")
            }
            var v = PyDict()
            v["changed"] = false
            if context.bool("armor", default: true) {
                v["content"] = .string(Data(bytes).base64EncodedString())
                v["encoding"] = "base64"
            } else {
                v["content"] = .string(String(decoding: bytes, as: UTF8.self))
                v["encoding"] = "utf-8"
            }
            v["source"] = .string(path)
            return TaskResult(v)
        }
    }
}
