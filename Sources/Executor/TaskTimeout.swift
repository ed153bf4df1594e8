import Connection
import Core
import Foundation

/// The task keyword `timeout`: every round trip of the task's action must end by the deadline.
/// A round trip still running then is abandoned (its command finishes on its own; nothing
/// reads its outcome) and the action sees a failed connection; the executor reports ansible's
/// timeout result instead of whatever the action made of it.
final class TaskTimeout: Connection, @unchecked Sendable {
    let base: any Connection
    let seconds: Int
    let deadline: Date
    private let lock = NSLock()
    private var expired = false

    init(base: any Connection, seconds: Int) {
        self.base = base
        self.seconds = seconds
        self.deadline = Date().addingTimeInterval(Double(seconds))
    }

    var timedOut: Bool {
        lock.lock()
        defer { lock.unlock() }
        return expired || Date() >= deadline
    }

    func run(script: String, input: Data?, environment: [String: String]) throws(ConnectionError) -> CommandOutcome {
        try bounded { () throws(ConnectionError) in try self.base.run(script: script, input: input, environment: environment) }
    }

    func run(script: String, input: Data?, environment: [String: String], become: Become?) throws(ConnectionError) -> CommandOutcome {
        try bounded { () throws(ConnectionError) in try self.base.run(script: script, input: input, environment: environment, become: become) }
    }

    func close() { base.close() }

    private func bounded(_ body: @escaping @Sendable () throws(ConnectionError) -> CommandOutcome) throws(ConnectionError) -> CommandOutcome {
        let remaining = deadline.timeIntervalSinceNow
        guard remaining > 0 else { throw expire() }
        let box = OutcomeBox()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            do throws(ConnectionError) { box.outcome = .success(try body()) } catch { box.outcome = .failure(error) }
            done.signal()
        }
        thread.start()
        guard done.wait(timeout: .now() + remaining) == .success, let outcome = box.outcome else { throw expire() }
        return try outcome.get()
    }

    private func expire() -> ConnectionError {
        lock.lock()
        expired = true
        lock.unlock()
        return ConnectionError("Timed out after \(seconds) second(s).", unreachable: false)
    }

    /// ansible-core 2.21's result for a task that outlived its `timeout`.
    static func result(_ seconds: Int) -> PyDict {
        var v = PyDict()
        v["changed"] = false
        v["exception"] = "(traceback unavailable)"
        v["failed"] = true
        v["msg"] = .string("Task failed: Timed out after \(seconds) second(s).")
        v["timedout"] = .dict(PyDict([("frame", "Configure `DISPLAY_TRACEBACK` to see a traceback on timeout errors."),
                                      ("period", .int(seconds))]))
        return v
    }
}

private final class OutcomeBox: @unchecked Sendable {
    var outcome: Result<CommandOutcome, ConnectionError>?
}
