import Foundation
import GoldenSupport
import Testing

/// The built `runner` against broken input: malformed YAML, wrong keyword types, unknown
/// modules and options, bad Jinja, recursive variables, missing and unreadable files, bad
/// inventories, patterns, extra vars and options. Each case is a directory of
/// `Fixtures/bad-input` whose `expected.json` is what ansible-playbook 2.21 did with it,
/// recorded by `Fixtures/bad-input/record_bad_input.py`.
@Suite(.serialized)
struct BadInputTests {
    static let root = Golden.fixtures().appendingPathComponent("bad-input")
    /// A run longer than this is a hang.
    static let timeout: TimeInterval = 20

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/expected.json").path)
        }.sorted()
    }

    /// What a case asks of runner; a pending case lists the ones it does not meet yet.
    enum Check: String, Sendable {
        /// The same exit code as ansible-playbook.
        case exitCode
        /// No signal, no "Fatal error", no backtrace or stack trace.
        case noCrash
        /// Done within `timeout`.
        case finishes
        /// The error names the file at fault.
        case namesFile
        /// The error gives a line:column in that file, as ansible-playbook's does (not
        /// necessarily the same one: runner often points at the offending value where
        /// ansible-playbook points at the task).
        case location
        /// The files the run created are the ones ansible-playbook's created (none, when
        /// the error comes before the writing task).
        case noDamage
    }

    struct Case {
        var name: String
        var arguments: [String]
        var file: String?
        var setup: [String: Any]
        var expected: [String: Any]

        init(_ name: String) throws {
            self.name = name
            let dir = BadInputTests.root.appendingPathComponent(name)
            let meta = try #require(try Golden.json(dir.appendingPathComponent("case.json")) as? [String: Any])
            arguments = try #require(meta["args"] as? [String])
            file = meta["file"] as? String
            setup = meta["setup"] as? [String: Any] ?? [:]
            expected = try #require(try Golden.json(dir.appendingPathComponent("expected.json")) as? [String: Any])
        }

        var expectedCode: Int? { expected["exit_code"] as? Int }
        var origin: [String: Any]? { expected["origin"] as? [String: Any] }
        var expectedWritten: [String] { expected["written"] as? [String] ?? [] }

        /// The file an error must name: where ansible-playbook's `Origin:` points, else the
        /// case's own `file`.
        var faultyFile: String? {
            if let path = origin?["file"] as? String, !path.hasPrefix("/"), !path.hasPrefix("<") { return path }
            return file
        }

        /// ansible-playbook's `file:line:column`, when it gave a line.
        var location: String? {
            guard let path = faultyFile, let line = origin?["line"] as? Int else { return nil }
            if let column = origin?["column"] as? Int { return "\(path):\(line):\(column)" }
            return "\(path):\(line)"
        }

        /// Whether output names `file:line:column` for the faulty file, any line and column.
        func hasLocation(in output: String) -> Bool {
            guard let path = faultyFile else { return false }
            var rest = output[...]
            while let hit = rest.range(of: path + ":") {
                let tail = rest[hit.upperBound...]
                let line = tail.prefix { $0.isNumber }
                if !line.isEmpty, tail.dropFirst(line.count).first == ":",
                   tail.dropFirst(line.count + 1).first?.isNumber == true { return true }
                rest = tail
            }
            return false
        }
    }

    struct Outcome {
        var code: Int32
        var signalled: Bool
        var timedOut: Bool
        var output: String
        var written: [String]
    }

    @Test func corpusPresent() { #expect(Self.cases.count >= 200) }

    @Test("runner rejects a broken input as ansible-playbook does", arguments: cases)
    func badInput(_ name: String) throws {
        let item = try Case(name)
        let outcome = try Self.run(item)
        let pending = BadInputPending.cases[name]
        func check(_ what: Check, _ body: () -> Void) {
            if let pending, pending.checks.contains(what) {
                withKnownIssue(Comment(rawValue: "\(what.rawValue): \(pending.reason)")) { body() }
            } else {
                body()
            }
        }
        let tail = outcome.output.suffix(1200)
        check(.finishes) { #expect(!outcome.timedOut, "\(name): still running after \(Self.timeout) s") }
        check(.noCrash) {
            #expect(!outcome.signalled, "\(name): killed by signal \(outcome.code)")
            for marker in ["Fatal error", "Stack dump", "Backtrace", "Current stack trace", "Traceback (most recent",
                           "Program crashed", "stack trace"] {
                #expect(!outcome.output.contains(marker), "\(name): crash text \(marker): \(tail)")
            }
        }
        check(.exitCode) {
            if let expected = item.expectedCode {
                #expect(Int32(expected) == outcome.code, "\(name): exit \(outcome.code), ansible-playbook \(expected): \(tail)")
            } else {
                // ansible-playbook never stopped (endless include recursion): runner must stop with an error.
                #expect(outcome.code != 0, "\(name): exit 0 where ansible-playbook loops forever: \(tail)")
            }
        }
        // An error (ansible-playbook failed) must say where.
        if item.expectedCode != 0 {
            if let path = item.faultyFile {
                check(.namesFile) { #expect(outcome.output.contains(path), "\(name): no mention of \(path): \(tail)") }
            }
            if let location = item.location {
                check(.location) {
                    #expect(item.hasLocation(in: outcome.output), "\(name): no line:column (ansible-playbook: \(location)): \(tail)")
                }
            }
        }
        check(.noDamage) {
            #expect(outcome.written == item.expectedWritten, "\(name): created \(outcome.written), ansible-playbook \(item.expectedWritten)")
        }
    }

    /// Runs runner on a fresh copy of the case in a temporary directory, killing it after
    /// `timeout`.
    static func run(_ item: Case) throws -> Outcome {
        let fm = FileManager.default
        let tmp = fm.temporaryDirectory.appendingPathComponent("runner-bad-\(UUID().uuidString)")
        let work = tmp.appendingPathComponent("work"), home = tmp.appendingPathComponent("home")
        try fm.createDirectory(at: home, withIntermediateDirectories: true)
        try fm.copyItem(at: root.appendingPathComponent(item.name), to: work)
        try? fm.removeItem(at: work.appendingPathComponent("case.json"))
        try? fm.removeItem(at: work.appendingPathComponent("expected.json"))
        defer {
            chmodTree(tmp)
            try? fm.removeItem(at: tmp)
        }
        if let generate = item.setup["generate"] as? [String: Any], let path = generate["path"] as? String,
           let megabytes = generate["megabytes"] as? Int {
            try generateVarsFile(work.appendingPathComponent(path), megabytes: megabytes,
                                 header: generate["header"] as? String ?? "")
        }
        let before = filesUnder(work)
        let modes = item.setup["chmod"] as? [String: Any] ?? [:]
        for (path, mode) in modes {
            chmod(work.appendingPathComponent(path).path, mode_t((mode as? Int) ?? 0))
        }

        let out = tmp.appendingPathComponent("out.txt")
        fm.createFile(atPath: out.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out)
        defer { try? outHandle.close() }
        let process = Process()
        process.executableURL = try CommandLineGoldenTests.runner()
        process.arguments = item.arguments
        process.currentDirectoryURL = work
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = home.path
        env["LC_ALL"] = "C.UTF-8"
        env["ANSIBLE_NOCOLOR"] = "1"
        process.environment = env
        process.standardOutput = outHandle
        process.standardError = outHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        for path in modes.keys { chmod(work.appendingPathComponent(path).path, 0o755) }
        let data = (try? Data(contentsOf: out)) ?? Data()
        return Outcome(code: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal && !timedOut,
                       timedOut: timedOut, output: String(decoding: data.prefix(4_000_000), as: UTF8.self),
                       written: filesUnder(work).subtracting(before).sorted())
    }

    /// The same bytes `record_bad_input.py` generates: header, then `megabytes` MB of
    /// 100-byte lines `k000000: "xx...x"`.
    static func generateVarsFile(_ url: URL, megabytes: Int, header: String) throws {
        let total = megabytes * 1024 * 1024
        var bytes = [UInt8](header.utf8)
        bytes.reserveCapacity(total + 200)
        let pad = [UInt8](repeating: UInt8(ascii: "x"), count: 100 - "k000000: \"\"\n".utf8.count)
        var n = 0, written = 0
        while written < total {
            var digits = [UInt8](repeating: UInt8(ascii: "0"), count: 6)
            var value = n, i = 5
            while value > 0 && i >= 0 { digits[i] = UInt8(ascii: "0") + UInt8(value % 10); value /= 10; i -= 1 }
            let line = [UInt8(ascii: "k")] + digits + Array(": \"".utf8) + pad + Array("\"\n".utf8)
            bytes += line
            written += line.count
            n += 1
        }
        try Data(bytes).write(to: url)
    }

    static func filesUnder(_ root: URL) -> Set<String> {
        var out = Set<String>()
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return out }
        while let path = walker.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDir), !isDir.boolValue {
                out.insert(path)
            }
        }
        return out
    }

    /// Makes every directory under root searchable again, so a chmod 000 case can be removed.
    static func chmodTree(_ root: URL) {
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return }
        while let path = walker.nextObject() as? String { chmod(root.appendingPathComponent(path).path, 0o755) }
    }
}
