import Foundation
import Testing

/// SIGINT and SIGTERM to runner while a task runs on two ssh hosts and one local host, as
/// ansible-playbook 2.21 answers them (recorded on the same kind of play: SIGINT prints
/// `[ERROR]: User interrupted execution` and exits 99; SIGTERM ends it by the signal, 143 in a
/// shell): no task after the interrupted one starts, and nothing of runner's outlives it: no
/// process of its tree (the local task's `sleep` included), no ssh master or client for the
/// run's ControlPath directory (made under a `control_path_dir` of the test's own), no
/// ControlPath directory.
@Suite(.serialized) struct InterruptTests {
    @Test(arguments: [SIGINT, SIGTERM])
    func interruptedMidTask(signal number: Int32) throws {
        guard let fleet = SSHTests.fleet() else { return }
        let tag = "\(getpid())-\(number)"
        let controlDir = "/tmp/runner-cp-\(tag)"
        let marker = "/tmp/runner-interrupt-\(tag)"
        defer {
            try? FileManager.default.removeItem(atPath: controlDir)
            for host in ["a", "b", "local"] { try? FileManager.default.removeItem(atPath: "\(marker)-\(host)") }
        }
        let project = try SSHTests.Project(
            inventory: """
            a \(fleet.hostVars(port: fleet.ports[0]))
            b \(fleet.hostVars(port: fleet.ports[1]))
            local ansible_connection=local
            """,
            playbook: """
            - hosts: all
              gather_facts: false
              tasks:
                - name: warm up
                  command: "true"
                  become: true
                - name: copy a payload
                  copy:
                    content: "data\\n"
                    dest: "\(marker)-copy-{{ inventory_hostname }}"
                - name: long
                  shell: "rm -f \(marker)-copy-{{ inventory_hostname }}; touch \(marker)-{{ inventory_hostname }}; exec sleep 37"
                - name: never
                  command: "true"
            """)
        defer { project.remove() }

        let process = Process()
        process.executableURL = try CommandLineGoldenTests.runner()
        process.arguments = ["-i", "hosts", "site.yml", "-f", "3"]
        process.currentDirectoryURL = project.root
        var env = ProcessInfo.processInfo.environment
        env["ANSIBLE_NOCOLOR"] = "1"
        env["ANSIBLE_SSH_CONTROL_PATH_DIR"] = controlDir
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let stdoutData = DataCollector(out.fileHandleForReading), stderrData = DataCollector(err.fileHandleForReading)

        // Every host is inside the long task when the signal comes.
        let started = Self.waitUntil(seconds: 30) {
            ["a", "b", "local"].allSatisfy { FileManager.default.fileExists(atPath: "\(marker)-\($0)") }
        }
        // The marker is written just before the shell execs the sleep: give the exec a moment.
        var treeBefore = Self.descendants(of: pid)
        _ = Self.waitUntil(seconds: 5) {
            treeBefore = Self.descendants(of: pid)
            return treeBefore.contains { $0.contains("sleep 37") }
        }
        kill(pid, number)
        let ended = Self.waitUntil(seconds: 15) { !process.isRunning }
        if !ended { kill(pid, SIGKILL) }
        process.waitUntilExit()
        let stdout = String(decoding: stdoutData.finish(), as: UTF8.self)
        let stderr = String(decoding: stderrData.finish(), as: UTF8.self)
        try #require(started, "the long task did not start on every host: \(stdout) \(stderr)")
        #expect(ended, "runner did not end within 15 s of the signal")
        #expect(treeBefore.contains { $0.contains("sleep 37") }, "the local task's sleep ran under runner: \(treeBefore)")

        if number == SIGINT {
            #expect(process.terminationReason == .exit && process.terminationStatus == 99, "\(process.terminationReason) \(process.terminationStatus)")
            #expect(stderr.contains("[ERROR]: User interrupted execution"), "\(stderr)")
        } else {
            #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM,
                    "\(process.terminationReason) \(process.terminationStatus)")
        }
        #expect(!stdout.contains("TASK [never]"), "no task starts after the interrupt: \(stdout)")
        // Processes: the local sleep (a grandchild of runner) and every ssh of the run are gone.
        let leftovers = Self.waitUntil(seconds: 5) {
            SSHFleet.shell(["pgrep", "-f", controlDir]).output.isEmpty && !Self.localSleepRunning()
        }
        #expect(leftovers, "ssh processes of the run or the local sleep outlived runner: \(SSHFleet.shell(["pgrep", "-af", controlDir]).output)")
        #expect(!Self.localSleepRunning(), "the local task's sleep outlived runner")
        let inside = (try? FileManager.default.contentsOfDirectory(atPath: controlDir)) ?? []
        #expect(inside.isEmpty, "the run's ControlPath directory is removed: \(inside)")
    }

    /// Whether a `sleep 37` started by the local host's task still runs (its cwd is the project
    /// directory, which tells it from the remote hosts' sleeps, run in the test user's home).
    static func localSleepRunning() -> Bool {
        for pid in SSHFleet.shell(["pgrep", "-x", "sleep"]).output.split(separator: "\n") {
            let cmdline = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            let cwd = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")) ?? ""
            if cmdline.hasPrefix("sleep\u{0}37"), cwd.hasPrefix("/tmp/runner-ssh-") { return true }
        }
        return false
    }

    /// The command lines of the processes below `pid`.
    static func descendants(of root: pid_t) -> [String] {
        var children: [pid_t: [pid_t]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { children[parent, default: []].append(pid) }
        }
        var lines: [String] = []
        var queue = children[root] ?? []
        while !queue.isEmpty {
            let pid = queue.removeFirst()
            let cmdline = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            lines.append(cmdline.replacingOccurrences(of: "\u{0}", with: " "))
            queue += children[pid] ?? []
        }
        return lines
    }

    static func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }
}
