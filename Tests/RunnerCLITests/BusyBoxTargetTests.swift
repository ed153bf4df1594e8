import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A target with nothing but BusyBox (`Tests/Support/busybox-target.sh`: an sshd that puts the
/// user in a chroot holding a static busybox, its applets and the account files; no Python,
/// GNU coreutils or bash) runs the core modules with the same results as a full Debian host
/// of the ssh fleet, in one play over both.
@Suite(.serialized) struct BusyBoxTargetTests {
    struct Target {
        let directory: String
        let port: Int
    }

    static let script = ConformanceTests.packageRoot.appendingPathComponent("Tests/Support/busybox-target.sh").path
    static let shared: Result<Target, SSHFleet.FleetUnavailable> = {
        guard case .success(let fleet) = SSHFleet.shared else { return .failure(.init(description: "the ssh fleet is not running")) }
        guard FileManager.default.isExecutableFile(atPath: "/bin/busybox") else {
            return .failure(.init(description: "busybox is not installed (scripts/bootstrap installs busybox-static)"))
        }
        guard let port = SSHFleet.freePorts(from: 22680, count: 1) else { return .failure(.init(description: "no free port from 22680")) }
        // Under /run: sshd wants every directory above a chroot owned by root and closed to others.
        let dir = "/run/runner-busybox-\(getpid())"
        return SSHFleet.startService(script, directory: dir, [String(port), fleet.directory]).map { _ in Target(directory: dir, port: port) }
    }()

    static let playbook = """
        - hosts: all
          gather_facts: true
          vars:
            d: "/home/runnertest/{{ work }}"
          tasks:
            - debug: {msg: "{{ ansible_system }} {{ ansible_architecture }} {{ ansible_user_id }} {{ ansible_env.HOME }}"}
            - ping:
            - command: uname -s
            - shell: echo out; echo err >&2
            - file: {path: "{{ d }}", state: directory, mode: "0750"}
            - copy: {content: "hello\\n", dest: "{{ d }}/a.txt", mode: "0640"}
            - copy: {content: "hello\\n", dest: "{{ d }}/a.txt", mode: "0640"}
            - copy: {content: "bin\\u0000\\u0001\\n", dest: "{{ d }}/b.bin"}
            - copy: {content: "changed\\n", dest: "{{ d }}/a.txt", mode: "0640"}
              check_mode: true
              diff: true
            - template: {src: t.j2, dest: "{{ d }}/t.txt"}
            - lineinfile: {path: "{{ d }}/a.txt", line: "second"}
            - lineinfile: {path: "{{ d }}/a.txt", line: "second"}
            - lineinfile: {path: "{{ d }}/a.txt", regexp: "^hel", line: "HELLO"}
            - blockinfile: {path: "{{ d }}/a.txt", block: "in a block"}
            - replace: {path: "{{ d }}/a.txt", regexp: "second", replace: "2nd"}
            - stat: {path: "{{ d }}/a.txt", get_mime: false, get_attributes: false}
            - slurp: {src: "{{ d }}/a.txt"}
            - find: {paths: "{{ d }}", patterns: "*.txt"}
            - tempfile: {state: file}
              register: tf
            - file: {path: "{{ tf.path }}", state: absent}
            - file: {path: "{{ d }}/link", src: a.txt, state: link}
            - file: {path: "{{ d }}/touched", state: touch}
            - fetch: {src: "{{ d }}/a.txt", dest: "fetched/{{ inventory_hostname }}.txt", flat: true}
            - script: s.sh arg1
            - raw: echo raw
            - wait_for: {path: "{{ d }}/a.txt", timeout: 5}
            - command: cat a.txt
              args: {chdir: "{{ d }}"}
            - copy: {src: tree/, dest: "{{ d }}/tree/"}
            - copy: {src: tree/, dest: "{{ d }}/tree/"}
            - command: "false"
              ignore_errors: true
            - file: {path: "{{ d }}/nothere/x", state: file}
              ignore_errors: true
            - file: {path: "{{ d }}", state: absent}

        """

    /// A result without what differs between any two hosts or runs (times, inode numbers,
    /// temporary names, facts), the host's own name replaced by `{host}`.
    static func comparable(_ value: Any, host: String) -> Any {
        let volatile: Set<String> = ["delta", "start", "end", "ansible_facts", "invocation", "atime", "mtime", "ctime",
                                     "inode", "dev", "nlink", "_ansible_no_log"]
        if let dict = value as? [String: Any] {
            var out: [String: Any] = [:]
            for (key, v) in dict where !volatile.contains(key) {
                // tempfile's path and the name of a copy's uploaded source are random.
                if key == "path" || key == "src", let s = v as? String, s.contains("ansible.") || s.contains(".ansible-tmp-") { continue }
                if key == "files", let files = v as? [[String: Any]] {
                    // find lists a directory in readdir order, which differs between two directories.
                    out[key] = comparable(files.sorted { ($0["path"] as? String ?? "") < ($1["path"] as? String ?? "") }, host: host)
                } else {
                    out[key] = comparable(v, host: host)
                }
            }
            return out
        }
        if let list = value as? [Any] { return list.map { comparable($0, host: host) } }
        if let s = value as? String { return s.replacingOccurrences(of: "/\(host).txt", with: "/{host}.txt") }
        return value
    }

    @Test func coreModulesOnBusyBoxMatchADebianHost() throws {
        guard let fleet = SSHTests.fleet() else { return }
        guard let target = SSHFleet.available(Self.shared, "the busybox target") else { return }
        let work = "w-\(UUID().uuidString.prefix(8))"
        let inventory = "deb \(fleet.hostVars(port: fleet.ports[0]))\n"
            + "bb ansible_host=127.0.0.1 ansible_port=\(target.port) ansible_user=runnertest ansible_ssh_private_key_file=\(fleet.key) ansible_host_key_checking=false\n"
        let project = try SSHTests.Project(inventory: inventory, playbook: Self.playbook, files: [
            "t.j2": "n={{ 2 + 1 }} w={{ work }}\n",
            "s.sh": "#!/bin/sh\necho \"from script $1\"\n",
            "tree/x.txt": "x\n",
            "tree/sub/y.txt": "y\n",
        ])
        defer { project.remove() }
        let run = try project.run(["-e", "work=\(work)"])
        let deb = run.results("deb"), bb = run.results("bb")
        try #require(deb.count == 33 && bb.count == 33, "\(run.tasks.count) tasks: \(run.stderr)")
        // The BusyBox host answers every task as the Debian host does.
        for (i, (d, b)) in zip(deb, bb).enumerated() {
            let want = AccountModuleTests.json(Self.comparable(d, host: "deb"))
            let got = AccountModuleTests.json(Self.comparable(b, host: "bb"))
            #expect(got == want, "task \(i + 1)")
        }
        // And those answers are the right ones.
        #expect(bb.map(SSHTests.status) == [
            "ok", "ok", "ok", "changed", "changed", "changed", "changed", "ok", "changed", "changed", "changed", // facts .. template
            "changed", "ok", "changed", "changed", "changed", "ok", "ok", "ok", "changed", "changed", "changed", // lineinfile .. touch
            "changed", "changed", "changed", "changed", "ok", "changed", "changed", "ok", "failed", "failed", "changed", // fetch .. rm
        ], "\(bb.map(SSHTests.status))")
        #expect(run.code == 0, "failures are ignored: \(run.stderr)")
        #expect(bb[1]["msg"] as? String == "Linux x86_64 runnertest /home/runnertest")
        #expect(bb[4]["stdout"] as? String == "out" && bb[4]["stderr"] as? String == "err")
        #expect(bb[17]["content"] as? String == Data("HELLO\n2nd\n# BEGIN ANSIBLE MANAGED BLOCK\nin a block\n# END ANSIBLE MANAGED BLOCK\n".utf8).base64EncodedString())
        #expect(bb[24]["stdout"] as? String == "from script arg1\n")
        let fetched = try String(contentsOf: project.root.appendingPathComponent("fetched/bb.txt"), encoding: .utf8)
        #expect(fetched.hasPrefix("HELLO\n2nd\n"))
    }
}
