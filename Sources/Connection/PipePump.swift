import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Moves bytes between runner and the descriptors of a remote command with `poll`: feeds its
/// stdin and drains its stdout and stderr in one thread, so a command that writes much before
/// reading (or the reverse) cannot deadlock either side.
enum PipePump {
    /// A pipe whose both ends are close-on-exec, so the processes runner starts for other hosts
    /// meanwhile never inherit (and hold open) an end of it.
    static func pipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        guard systemPipe2(&fds, O_CLOEXEC) == 0 else { return nil }
        return (fds[0], fds[1])
    }

    /// Writes `input` to `writeFD` (then closes it) while reading `readFDs` until each reaches
    /// end of stream, or until `complete` says the bytes read so far are a whole answer (the
    /// descriptors are then left open). Returns what was read from each, in order.
    static func exchange(input: [UInt8], writeFD: Int32?, closeWriteWhenDone: Bool = true, readFDs: [Int32],
                         complete: (([[UInt8]]) -> Bool)? = nil) -> (output: [[UInt8]], ended: Bool) {
        var outputs = [[UInt8]](repeating: [], count: readFDs.count)
        var open = [Bool](repeating: true, count: readFDs.count)
        var writer = writeFD
        var offset = 0
        if let fd = writer {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if input.isEmpty {
                if closeWriteWhenDone { Glibc.close(fd) }
                writer = nil
            }
        }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while open.contains(true) {
            var polled: [pollfd] = []
            for (i, fd) in readFDs.enumerated() where open[i] {
                polled.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
            }
            if let fd = writer { polled.append(pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)) }
            let ready = poll(&polled, nfds_t(polled.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for entry in polled where entry.revents != 0 {
                if entry.fd == writer {
                    let n = input[offset...].withUnsafeBytes { write(entry.fd, $0.baseAddress, $0.count) }
                    if n > 0 { offset += n }
                    if (n < 0 && errno != EAGAIN && errno != EINTR) || offset >= input.count {
                        // Done, or the reader went away (a command that exits without reading
                        // its input): what it printed still decides the outcome.
                        if closeWriteWhenDone { Glibc.close(entry.fd) }
                        writer = nil
                    }
                    continue
                }
                guard let i = readFDs.firstIndex(of: entry.fd) else { continue }
                let n = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    outputs[i] += buffer[0..<n]
                    if let complete, complete(outputs) {
                        if let fd = writer, closeWriteWhenDone { Glibc.close(fd) }
                        return (outputs, false)
                    }
                } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
                    open[i] = false
                }
            }
        }
        if let fd = writer, closeWriteWhenDone { Glibc.close(fd) }
        return (outputs, true)
    }
}

/// glibc's `pipe2` (Glibc's module map leaves it out without `_GNU_SOURCE`): both ends made
/// close-on-exec atomically, with no window in which a concurrent spawn could inherit them.
@_silgen_name("pipe2")
private func systemPipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
