import Foundation

/// One child process fed `stdin` and drained of stdout and stderr concurrently, so a large
/// payload or a chatty command cannot deadlock either side.
enum ChildProcess {
    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: Data
    }

    /// Runs `executable` with `arguments`; `environment` nil inherits runner's.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                    stdin: Data?) throws(ConnectionError) -> Output {
        ignoreSIGPIPE
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : inPipe
        process.standardOutput = outPipe
        process.standardError = errPipe
        // Process.waitUntilExit() polls its run loop every 50 ms; the termination handler is
        // called as soon as the child is reaped, which saves that much on every task.
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw ConnectionError("could not start \(executable): \(error.localizedDescription)")
        }
        let group = DispatchGroup()
        let errBox = DataBox()
        if let stdin {
            group.enter()
            DispatchQueue.global().async {
                // A peer that exits early (a failed sudo) makes this write fail with EPIPE; the
                // outcome then comes from the exit status and stderr.
                let writer = inPipe.fileHandleForWriting
                try? writer.write(contentsOf: stdin)
                try? writer.close()
                group.leave()
            }
        }
        group.enter()
        DispatchQueue.global().async {
            errBox.data = errPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        exited.wait()
        // Closed here, not left to the handles' deinit: Foundation's Process keeps its pipes
        // alive after the child has gone, which leaked two descriptors per task.
        try? outPipe.fileHandleForReading.close()
        try? errPipe.fileHandleForReading.close()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return Output(status: status, stdout: out, stderr: errBox.data)
    }

    /// Writing to a pipe whose reader has gone must be an error, not the end of runner.
    private static let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN) }()
}
