import Connection
import Core
import Foundation

/// `slurp`: the content of a file on the target, base64-encoded, with `encoding: base64`
/// and `source`. A missing path fails with `file not found: <path>`, as in Ansible.
struct SlurpModule: Module {
    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(["src", "path"], module: "slurp") { return failure }
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
            case "missing": return .failed("file not found: \(path)")
            case "dir": return .failed("source is a directory and must be a file: \(path)")
            case "denied": return .failed("file is not readable: \(path)")
            default: break
            }
            guard let bytes = probe["DATA"].flatMap(RemoteFile.decodeContent) else {
                return .failed("unable to slurp file: \(path)")
            }
            var v = PyDict()
            v["changed"] = false
            v["content"] = .string(Data(bytes).base64EncodedString())
            v["encoding"] = "base64"
            v["source"] = .string(path)
            return TaskResult(v)
        }
    }
}
