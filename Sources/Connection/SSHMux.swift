import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The client side of OpenSSH's connection-multiplexing protocol (OpenSSH's `PROTOCOL.mux`),
/// spoken directly to a ControlMaster's socket: a new session is a packet and three file
/// descriptors passed over the socket, so a task on a host whose master is up starts no
/// process on the controller (the `ssh` mux client it replaces costs ~30 ms of start-up per
/// task). Framing: `uint32 length`, then `uint32 type` and the body; strings are
/// `uint32 length` + bytes.
enum SSHMux {
    static let hello: UInt32 = 0x0000_0001
    static let newSession: UInt32 = 0x1000_0002
    static let terminate: UInt32 = 0x1000_0005
    static let ok: UInt32 = 0x8000_0001
    static let permissionDenied: UInt32 = 0x8000_0002
    static let failure: UInt32 = 0x8000_0003
    static let exitMessage: UInt32 = 0x8000_0004
    static let sessionOpened: UInt32 = 0x8000_0006
    static let ttyAllocFail: UInt32 = 0x8000_0008
    static let version: UInt32 = 4

    /// Why a mux request did not happen; `noMaster` means "start ssh instead".
    enum Failure: Error {
        case noMaster
        case refused(String)
    }

    /// A connected control socket after the hello exchange.
    final class Channel {
        let fd: Int32
        private var inbox = [UInt8]()

        fileprivate init(fd: Int32) { self.fd = fd }
        deinit { Glibc.close(fd) }

        /// Connects to the master at `path` and exchanges hellos.
        static func connect(to path: String) throws(Failure) -> Channel {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw .noMaster }
            let channel = Channel(fd: fd)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            let capacity = MemoryLayout.size(ofValue: address.sun_path)
            guard bytes.count < capacity else { throw .noMaster }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                raw.copyBytes(from: bytes)
                raw[bytes.count] = 0
            }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard connected == 0 else { throw .noMaster }
            var message = Message(hello)
            message.u32(version)
            guard channel.send(message.bytes), let reply = channel.receive() else { throw .noMaster }
            var reader = Reader(reply)
            guard reader.u32() == hello, reader.u32() != nil else { throw .noMaster }
            return channel
        }

        /// Writes one packet (blocking; the socket stays in blocking mode).
        func send(_ packet: [UInt8]) -> Bool {
            var length = UInt32(packet.count).bigEndian
            var framed = withUnsafeBytes(of: &length) { Array($0) }
            framed += packet
            return Self.writeAll(fd, framed)
        }

        /// Reads one packet; nil at end of stream or on an error.
        func receive() -> [UInt8]? {
            while true {
                if inbox.count >= 4 {
                    let length = Int(inbox[0]) << 24 | Int(inbox[1]) << 16 | Int(inbox[2]) << 8 | Int(inbox[3])
                    guard length <= 256 * 1024 else { return nil }
                    if inbox.count >= 4 + length {
                        let packet = Array(inbox[4..<(4 + length)])
                        inbox.removeFirst(4 + length)
                        return packet
                    }
                }
                var chunk = [UInt8](repeating: 0, count: 4096)
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return nil }
                inbox += chunk[0..<n]
            }
        }

        /// Passes one descriptor with `SCM_RIGHTS` (one data byte, as OpenSSH's `mm_send_fd`).
        func pass(_ descriptor: Int32) -> Bool {
            var byte: UInt8 = 0
            let headerSize = MemoryLayout<cmsghdr>.size
            let space = headerSize + MemoryLayout<Int>.size  // CMSG_SPACE(sizeof(int)) on LP64
            var control = [UInt8](repeating: 0, count: space)
            control.withUnsafeMutableBytes { raw in
                let header = raw.baseAddress!.assumingMemoryBound(to: cmsghdr.self)
                header.pointee.cmsg_len = headerSize + MemoryLayout<Int32>.size
                header.pointee.cmsg_level = SOL_SOCKET
                header.pointee.cmsg_type = Int32(SCM_RIGHTS)
                raw.storeBytes(of: descriptor, toByteOffset: headerSize, as: Int32.self)
            }
            return withUnsafeMutablePointer(to: &byte) { bytePointer in
                var vector = iovec(iov_base: UnsafeMutableRawPointer(bytePointer), iov_len: 1)
                return control.withUnsafeMutableBytes { controlRaw in
                    withUnsafeMutablePointer(to: &vector) { vectorPointer in
                        var header = msghdr()
                        header.msg_iov = vectorPointer
                        header.msg_iovlen = 1
                        header.msg_control = controlRaw.baseAddress
                        header.msg_controllen = controlRaw.count
                        while true {
                            let sent = sendmsg(fd, &header, Int32(MSG_NOSIGNAL))
                            if sent < 0 && errno == EINTR { continue }
                            return sent == 1
                        }
                    }
                }
            }
        }

        static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
    }

    /// A remote command started on the master: its session id and the socket the exit status
    /// arrives on.
    struct Session {
        let channel: Channel
        let id: UInt32

        /// The remote command's exit status; 255 when the master ended the session without one
        /// (the connection dropped, or the command was killed by a signal), as ssh reports it.
        func exitStatus() -> Int32 {
            var status: Int32 = 255
            while let packet = channel.receive() {
                var reader = Reader(packet)
                guard let type = reader.u32() else { break }
                if type == SSHMux.exitMessage {
                    guard reader.u32() == id, let value = reader.u32() else { break }
                    status = Int32(truncatingIfNeeded: value)
                } else if type != SSHMux.ttyAllocFail {
                    break
                }
            }
            return status
        }
    }

    /// Asks the master at `path` to run `command` with the three given descriptors as its
    /// stdin, stdout and stderr (the master receives copies; the caller closes its own).
    static func open(path: String, command: String, stdin: Int32, stdout: Int32, stderr: Int32) throws(Failure) -> Session {
        let channel = try Channel.connect(to: path)
        var message = Message(newSession)
        message.u32(1)            // request id
        message.string([])        // reserved
        message.u32(0)            // no tty
        message.u32(0)            // no X11 forwarding
        message.u32(0)            // no agent forwarding
        message.u32(0)            // not a subsystem
        message.u32(0xFFFF_FFFF)  // no escape character
        message.string([])        // TERM
        message.string(Array(command.utf8))
        guard channel.send(message.bytes), channel.pass(stdin), channel.pass(stdout), channel.pass(stderr),
              let reply = channel.receive() else { throw .noMaster }
        var reader = Reader(reply)
        switch (reader.u32(), reader.u32()) {
        case (sessionOpened, 1):
            guard let id = reader.u32() else { throw .noMaster }
            return Session(channel: channel, id: id)
        case (permissionDenied, _), (failure, _):
            throw .refused(reader.string() ?? "the ssh master refused the session")
        default:
            throw .noMaster
        }
    }

    /// Asks the master at `path` to exit (`ssh -O exit` without starting ssh); false when no
    /// master answered.
    @discardableResult
    static func terminateMaster(path: String) -> Bool {
        guard let channel = try? Channel.connect(to: path) else { return false }
        var message = Message(terminate)
        message.u32(1)
        guard channel.send(message.bytes), let reply = channel.receive() else { return false }
        var reader = Reader(reply)
        return reader.u32() == ok
    }

    struct Message {
        var bytes: [UInt8] = []
        init(_ type: UInt32) { u32(type) }
        mutating func u32(_ value: UInt32) {
            bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        }
        mutating func string(_ value: [UInt8]) {
            u32(UInt32(value.count))
            bytes += value
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        mutating func u32() -> UInt32? {
            guard offset + 4 <= bytes.count else { return nil }
            defer { offset += 4 }
            return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
        }
        mutating func string() -> String? {
            guard let count = u32().map(Int.init), offset + count <= bytes.count else { return nil }
            defer { offset += count }
            return String(decoding: bytes[offset..<(offset + count)], as: UTF8.self)
        }
    }
}

extension SSHMux {
    /// A session on pipes of its own: runner's ends of the command's stdin, stdout and stderr.
    struct Piped {
        let session: Session
        let stdin: Int32
        let stdout: Int32
        let stderr: Int32
    }

    /// Opens a session running `command` on three new pipes; nil when no master answers (or
    /// descriptors run out), with nothing left open.
    static func openPiped(path: String, command: String) -> Piped? {
        guard let stdin = PipePump.pipe() else { return nil }
        guard let stdout = PipePump.pipe() else { closeAll(stdin.read, stdin.write); return nil }
        guard let stderr = PipePump.pipe() else { closeAll(stdin.read, stdin.write, stdout.read, stdout.write); return nil }
        defer { closeAll(stdin.read, stdout.write, stderr.write) }  // the master holds its own copies
        guard let session = try? open(path: path, command: command, stdin: stdin.read, stdout: stdout.write, stderr: stderr.write) else {
            closeAll(stdin.write, stdout.read, stderr.read)
            return nil
        }
        return Piped(session: session, stdin: stdin.write, stdout: stdout.read, stderr: stderr.read)
    }

    /// Runs `command` through the master at `path` with `input` as its stdin, as the ssh mux
    /// client would; nil when no master answers (the caller then starts ssh).
    static func run(path: String, command: String, input: Data) -> ChildProcess.Output? {
        guard let piped = openPiped(path: path, command: command) else { return nil }
        let (output, _) = PipePump.exchange(input: [UInt8](input), writeFD: piped.stdin, readFDs: [piped.stdout, piped.stderr])
        closeAll(piped.stdout, piped.stderr)
        return ChildProcess.Output(status: piped.session.exitStatus(), stdout: Data(output[0]), stderr: Data(output[1]))
    }

    static func closeAll(_ fds: Int32...) {
        for fd in fds { Glibc.close(fd) }
    }
}
