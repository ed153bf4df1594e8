import Core

/// `fail`: fails the task with `msg` (default "Failed as requested from task").
struct FailModule: Module {
    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(["msg"], module: "fail") { return failure }
        var v = PyDict()
        v["changed"] = false
        v["failed"] = true
        v["msg"] = context.args["msg"] ?? .string("Failed as requested from task")
        return TaskResult(v)
    }
}
