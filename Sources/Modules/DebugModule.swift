import Core
import Jinja

/// `debug`: prints `msg` (default "Hello world!") or the value of the expression `var`.
struct DebugModule: Module {
    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(["msg", "var", "verbosity"], module: "debug") { return failure }
        if context.args["msg"] != nil && context.args["var"] != nil {
            return .failed("parameters are mutually exclusive: msg|var")
        }
        let threshold = context.args["verbosity"].flatMap { Int($0.pythonString) } ?? 0
        if context.verbosity < threshold {
            var v = PyDict()
            v["changed"] = false
            v["skipped"] = true
            v["skipped_reason"] = "Verbosity threshold not met."
            return TaskResult(v)
        }
        var out = PyDict()
        if let expression = context.args["var"] {
            let name = expression.pythonString
            let value: Value
            do {
                value = try context.engine.template(.string("{{ \(name) }}"), vars: context.vars, origin: context.origin)
            } catch where error.message.hasPrefix("Recursive loop detected") {
                // A variable defined through itself fails the task rather than printing a marker.
                return TaskResult(PyDict([("failed", true), ("msg", .string("Task failed: Error while resolving `var` expression: \(error.message)"))]))
            } catch where !error.message.hasPrefix("Attempt to use undecryptable variable") {
                value = .string("<< error 1 - \(error.message) >>")
            } catch {
                // An undecryptable `!vault` value fails the task, as in ansible-core.
                return .failed("Error while resolving `var` expression: Error rendering expression: \(error.message)")
            }
            out[.string(name)] = value
        } else {
            out["msg"] = context.args["msg"] ?? .string("Hello world!")
        }
        out["changed"] = false
        // ansible's debug action marks what it prints as shown at every verbosity.
        out["_ansible_verbose_always"] = true
        return TaskResult(out)
    }
}
