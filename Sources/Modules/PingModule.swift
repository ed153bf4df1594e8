import Core

/// `ping`: proves the host runs sh; returns `ping: pong` (or `data`). `data: crash` fails as
/// ansible's module does, by raising.
struct PingModule: Module {
    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(["data"], module: "ping") { return failure }
        let data = context.string("data") ?? "pong"
        if data == "crash" { return .crashed("boom") }
        do {
            let outcome = try context.connection.run(script: "true", input: nil, environment: context.environment)
            if outcome.rc != 0 { return .failed("sh failed on the host: \(outcome.stderr)") }
        } catch {
            return TaskResult(connectionError: error)
        }
        var v = PyDict()
        v["ping"] = .string(data)
        v["changed"] = false
        return TaskResult(v)
    }
}
