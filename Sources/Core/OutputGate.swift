import Foundation

/// The one gate runner's report output passes through, closed for good when a run is
/// interrupted: after Ctrl-C nothing more is printed but the interruption's own message, as
/// ansible-playbook prints nothing after it (the tasks that the cleanup cuts short would
/// otherwise report failures that did not happen).
public enum OutputGate {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var closed = false

    /// Runs `write` unless the gate is closed; writes in progress finish before `close` returns.
    public static func pass(_ write: () -> Void) {
        lock.lock()
        defer { lock.unlock() }
        if !closed { write() }
    }

    /// Closes the gate.
    public static func close() {
        lock.lock()
        closed = true
        lock.unlock()
    }
}
