import Connection
import Core

extension TaskResult {
    /// The result of a task whose connection failed: `unreachable` when the host could not be
    /// reached, a failed task when it was reached but privilege escalation failed (as Ansible
    /// reports "Missing sudo password"). ansible-core 2.21 words an unreachable host's message
    /// "Task failed: <what ssh said>".
    public init(connectionError error: ConnectionError) {
        var v = PyDict()
        if error.unreachable {
            v["unreachable"] = true
        } else {
            v["failed"] = true
        }
        v["changed"] = false
        v["msg"] = .string(error.unreachable ? "Task failed: " + error.message : error.message)
        self.init(v)
    }
}
