import Connection
import Core

extension TaskResult {
    /// The result of a task whose connection failed: `unreachable` when the host could not be
    /// reached, a failed task when it was reached but privilege escalation failed (as Ansible
    /// reports "Missing sudo password"). ansible-core 2.21 words both "Task failed: <why>"
    /// ("Task failed: Incorrect sudo password", "Task failed: Failed to connect to the host via
    /// ssh: ...").
    public init(connectionError error: ConnectionError) {
        var v = PyDict()
        if error.unreachable {
            v["unreachable"] = true
        } else {
            v["failed"] = true
        }
        v["changed"] = false
        v["msg"] = .string("Task failed: " + error.message)
        self.init(v)
    }
}
