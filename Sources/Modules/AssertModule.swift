import Core
import Jinja

/// `assert`: every expression in `that` must be true; `fail_msg`/`msg`, `success_msg`, `quiet`.
struct AssertModule: Module {
    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(["that", "fail_msg", "msg", "success_msg", "quiet"], module: "assert") { return failure }
        guard let that = context.args["that"] else { return .failed("missing required arguments: that") }
        let conditions: [Value] = that.listValue ?? [that]
        let quiet = context.bool("quiet", default: false)
        for condition in conditions {
            let passed: Bool
            do {
                passed = try context.engine.evaluateConditional(condition, vars: context.vars, origin: context.origin)
            } catch {
                return .failed(error.message)
            }
            if !passed {
                var v = PyDict()
                v["assertion"] = condition
                v["evaluated_to"] = false
                v["changed"] = false
                v["failed"] = true
                v["msg"] = context.args["fail_msg"] ?? context.args["msg"] ?? .string("Assertion failed")
                if !quiet { v["_ansible_verbose_always"] = true }
                return TaskResult(v)
            }
        }
        var v = PyDict()
        v["changed"] = false
        // Shown with its result unless quiet, as ansible's assert action marks it.
        if !quiet { v["_ansible_verbose_always"] = true }
        v["msg"] = context.args["success_msg"] ?? .string("All assertions passed")
        return TaskResult(v)
    }
}
