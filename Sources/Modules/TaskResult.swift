import Core

/// What one task did on one host: Ansible's result keys (`changed`, `failed`, `msg`, `rc`,
/// `stdout`, `results`, ...). The status is derived from them exactly as Ansible's callbacks do.
public struct TaskResult: Sendable {
    public enum Status: String, Sendable { case ok, changed, skipped, failed, unreachable }

    public var values: PyDict

    public init(_ values: PyDict = PyDict()) { self.values = values }

    public static func ok(_ values: PyDict = PyDict(), changed: Bool = false) -> TaskResult {
        var v = values
        v["changed"] = .bool(changed)
        return TaskResult(v)
    }

    public static func failed(_ message: String, _ extra: PyDict = PyDict()) -> TaskResult {
        var v = extra
        v["failed"] = true
        v["msg"] = .string(message)
        if v["changed"] == nil { v["changed"] = false }
        return TaskResult(v)
    }

    public static func skipped(_ reason: String) -> TaskResult {
        var v = PyDict()
        v["changed"] = false
        v["skipped"] = true
        v["skip_reason"] = .string(reason)
        return TaskResult(v)
    }

    /// A module without check-mode support is skipped in check mode, after its options are
    /// checked, as ansible-core's module runner does.
    public static func checkModeUnsupported(module: String) -> TaskResult {
        TaskResult(PyDict([("changed", false), ("msg", .string("remote module (\(module)) does not support check mode")),
                           ("skipped", true)]))
    }

    /// An error the module did not expect (a Python exception in Ansible), which ansible-core
    /// reports wrapped as `Task failed: Module failed: <error>`.
    public static func crashed(_ error: String) -> TaskResult {
        .failed("Task failed: Module failed: \(error)")
    }

    public var status: Status {
        if values["unreachable"]?.isTruthy == true { return .unreachable }
        if values["failed"]?.isTruthy == true { return .failed }
        if values["skipped"]?.isTruthy == true { return .skipped }
        if values["changed"]?.isTruthy == true { return .changed }
        return .ok
    }

    public var isFailed: Bool { status == .failed }
    public var isChanged: Bool { values["changed"]?.isTruthy == true }
}
