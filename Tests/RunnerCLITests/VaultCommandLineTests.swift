import Foundation
import GoldenSupport
import Testing

/// The built `runner` (and `runner vault`) with vaulted files and `!vault` values, against what
/// ansible-playbook and ansible-vault 2.21 did (`Fixtures/vault_cli_expected.json`, recorded by
/// `Fixtures/record_vault.py` from the project in `Fixtures/vault`).
struct VaultCommandLineTests {
    static let fixtures = Golden.fixtures()
    nonisolated(unsafe) static let recorded: [[String: Any]] = {
        (try? Golden.json(fixtures.appendingPathComponent("vault_cli_expected.json")) as? [[String: Any]]) ?? []
    }()
    static var names: [String] { recorded.compactMap { $0["name"] as? String } }

    /// Cases runner cannot match byte for byte on standard output, with the reason.
    static let stdoutDiffers: [String: String] = [
        "inline_wrong_password": "ansible's chained error report (<<< caused by >>>) and its result without `changed`; runner reports it as other task errors",
        "inline_no_password": "ansible's chained error report (<<< caused by >>>) and its result without `changed`; runner reports it as other task errors",
    ]

    /// A terminal would make `-J` prompt instead of failing; those cases only run without one.
    static let needNoTerminal: Set<String> = ["play_ask_vault_pass_without_terminal", "vault_view_no_password_no_terminal"]

    static func run(_ arguments: [String], environment extra: [String: String]) throws -> (CommandLineGoldenTests.Outcome, String) {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("runner-vault-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("vault"), to: work)
        defer { try? FileManager.default.removeItem(at: work) }
        var environment: [String: String?] = [:]
        for key in ProcessInfo.processInfo.environment.keys where key.hasPrefix("ANSIBLE_") && key != "ANSIBLE_NOCOLOR" {
            environment[key] = .some(nil)
        }
        for (key, value) in extra { environment[key] = value }
        let outcome = try CommandLineGoldenTests.run(arguments, in: work, environment: environment)
        return (outcome, work.path)
    }

    static var hasTerminal: Bool {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        if fd >= 0 { close(fd); return true }
        return false
    }

    @Test func recordingsPresent() { #expect(Self.recorded.count >= 20) }

    @Test("runner reads and writes vaults as ansible-playbook and ansible-vault do", arguments: names)
    func invocation(_ name: String) throws {
        if Self.needNoTerminal.contains(name) && Self.hasTerminal { return }
        let entry = try #require(Self.recorded.first { $0["name"] as? String == name })
        var argv = try #require(entry["argv"] as? [String])
        let env = entry["env"] as? [String: String] ?? [:]
        if argv[0] == "ansible-vault" { argv[0] = "vault" } else { argv.removeFirst() }
        let (outcome, dir) = try Self.run(argv, environment: env)
        let stdout = outcome.stdout.replacingOccurrences(of: dir, with: "<dir>")
        let stderr = outcome.stderr.replacingOccurrences(of: dir, with: "<dir>")
        #expect(Int(outcome.code) == entry["exit_code"] as? Int, "\(name): stderr \(stderr.suffix(600))")
        let expectedOut = entry["stdout"] as? String ?? ""
        if Self.stdoutDiffers[name] == nil {
            #expect(stdout == expectedOut, "\(name): stdout")
        } else {
            // The task and recap lines still match.
            for line in expectedOut.split(separator: "\n") where line.hasPrefix("localhost ") || line.hasPrefix("TASK") {
                #expect(stdout.contains(line), "\(name): stdout lacks \(line)\n\(stdout)")
            }
            // The failure names the same cause (runner's message lacks ansible's "Task failed: " wrapper).
            for line in expectedOut.split(separator: "\n") where line.hasPrefix("fatal:") {
                let cause = try #require(line.range(of: "Error while resolving")).lowerBound
                #expect(stdout.contains(String(line[cause...]).dropLast(2)), "\(name): stdout lacks \(line)\n\(stdout)")
            }
        }
        // Every error ansible printed is in runner's error output (runner adds a location and a hint).
        let expectedErr = entry["stderr"] as? String ?? ""
        for line in expectedErr.split(separator: "\n") where line.hasPrefix("[ERROR]: ") || line.hasPrefix("runner vault: error:") {
            let message = line.dropFirst("[ERROR]: ".count)
            #expect(stderr.contains(message), "\(name): stderr lacks \(message)\n\(stderr)")
        }
        if expectedErr.contains("usage:") { #expect(stderr.contains("usage:"), "\(name)") }
    }

    /// The password never reaches argv or the output, even at -vvvv.
    @Test func secretsStayOutOfOutput() throws {
        let (outcome, _) = try Self.run(["-vvvv", "-i", "localhost,", "-c", "local", "--vault-password-file", "pw_right.txt",
                                         "--vault-id", "dev@pw_dev.txt", "play.yml"], environment: [:])
        #expect(outcome.code == 0)
        for secret in ["right pass", "dev pass"] {
            #expect(!outcome.stdout.contains(secret) && !outcome.stderr.contains(secret))
        }
        // no_log censors the decrypted value even at -vvvv.
        let censoredTask = try #require(outcome.stdout.range(of: "TASK [censored]"))
        #expect(!outcome.stdout[censoredTask.upperBound...].contains("inline secret value"))
    }

    /// `runner vault encrypt` output, with a random salt, decrypts with `runner vault decrypt`.
    @Test func encryptDecryptRoundTrip() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("runner-vault-rt-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("vault"), to: work)
        defer { try? FileManager.default.removeItem(at: work) }
        let original = try Data(contentsOf: work.appendingPathComponent("plain.txt"))
        var r = try CommandLineGoldenTests.run(["vault", "encrypt", "--vault-id", "dev@pw_dev.txt", "plain.txt"], in: work)
        #expect(r.code == 0, "\(r.stderr)")
        let encrypted = try String(contentsOf: work.appendingPathComponent("plain.txt"), encoding: .utf8)
        #expect(encrypted.hasPrefix("$ANSIBLE_VAULT;1.2;AES256;dev\n"))
        let attributes = try FileManager.default.attributesOfItem(atPath: work.appendingPathComponent("plain.txt").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        r = try CommandLineGoldenTests.run(["vault", "decrypt", "--vault-password-file", "pw_dev.txt", "plain.txt"], in: work)
        #expect(r.code == 0, "\(r.stderr)")
        #expect(try Data(contentsOf: work.appendingPathComponent("plain.txt")) == original)
    }

    /// `vault create|edit|rekey` as ansible-vault 2.21 answered the same steps (run by hand with
    /// `script` for a terminal, 2026-11-29): create refuses a non-terminal stdout (exit 5, "not a
    /// tty, editor cannot be opened") unless `--skip-tty-check`, and an existing file (exit 1,
    /// "X exists, please use 'edit' instead"); an unchanged edit leaves the file's bytes alone;
    /// an editor that fails is exit 1 ("Unable to execute the command ..."); rekey prints "Rekey
    /// successful" and writes the new vault id's 1.2 header; a wrong old password is exit 1
    /// ("Failed to rekey '<path>': Decryption failed ..."). The temporary plaintext is gone.
    @Test func createEditRekey() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("runner-vault-ed-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("vault"), to: work)
        defer { try? FileManager.default.removeItem(at: work) }
        let tmp = work.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        func run(_ args: [String], editor: String) throws -> CommandLineGoldenTests.Outcome {
            try CommandLineGoldenTests.run(["vault"] + args, in: work, environment: ["EDITOR": editor, "TMPDIR": tmp.path])
        }
        let write = "sh -c 'printf \"hello\\n\" > \"$1\"' editor"
        let file = work.appendingPathComponent("new.yml")

        var r = try run(["create", "--vault-password-file", "pw_dev.txt", "new.yml"], editor: write)
        #expect(r.code == 5 && r.stderr.contains("not a tty, editor cannot be opened"), "\(r.code) \(r.stderr)")
        r = try run(["create", "--skip-tty-check", "--vault-password-file", "pw_dev.txt", "new.yml"], editor: write)
        #expect(r.code == 0, "\(r.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        r = try run(["view", "--vault-password-file", "pw_dev.txt", "new.yml"], editor: write)
        #expect(r.stdout == "hello\n", "\(r.stdout) \(r.stderr)")
        r = try run(["create", "--skip-tty-check", "--vault-password-file", "pw_dev.txt", "new.yml"], editor: write)
        #expect(r.code == 1 && r.stderr.contains("new.yml exists, please use 'edit' instead"), "\(r.code) \(r.stderr)")

        let before = try Data(contentsOf: file)
        r = try run(["edit", "--vault-password-file", "pw_dev.txt", "new.yml"], editor: "true")
        let after = try Data(contentsOf: file)
        #expect(r.code == 0 && after == before, "an unchanged edit keeps the file: \(r.stderr)")
        r = try run(["edit", "--vault-password-file", "pw_dev.txt", "new.yml"], editor: "sh -c 'printf \"changed\\n\" >> \"$1\"' e")
        #expect(r.code == 0, "\(r.stderr)")
        r = try run(["view", "--vault-password-file", "pw_dev.txt", "new.yml"], editor: "true")
        #expect(r.stdout == "hello\nchanged\n", "\(r.stdout) \(r.stderr)")
        r = try run(["edit", "--vault-password-file", "pw_dev.txt", "new.yml"], editor: "false")
        #expect(r.code == 1 && r.stderr.contains("Unable to execute the command \"false "), "\(r.code) \(r.stderr)")

        // A file ansible-vault encrypted, rekeyed to a labelled id.
        r = try run(["view", "--vault-password-file", "pw_right.txt", "secrets.yml"], editor: "true")
        let plaintext = r.stdout
        #expect(r.code == 0 && !plaintext.isEmpty, "\(r.stderr)")
        r = try run(["rekey", "--vault-password-file", "pw_wrong.txt", "--new-vault-id", "dev@pw_dev.txt", "secrets.yml"], editor: "true")
        #expect(r.code == 1 && r.stderr.contains("Failed to rekey '\(work.path)/secrets.yml': Decryption failed"), "\(r.code) \(r.stderr)")
        r = try run(["rekey", "--vault-password-file", "pw_right.txt", "--new-vault-id", "dev@pw_dev.txt", "secrets.yml"], editor: "true")
        #expect(r.code == 0 && r.stderr.contains("Rekey successful"), "\(r.code) \(r.stderr)")
        let header = try String(contentsOf: work.appendingPathComponent("secrets.yml"), encoding: .utf8)
        #expect(header.hasPrefix("$ANSIBLE_VAULT;1.2;AES256;dev\n"))
        r = try run(["view", "--vault-id", "dev@pw_dev.txt", "secrets.yml"], editor: "true")
        #expect(r.code == 0 && r.stdout == plaintext, "\(r.stderr)")

        let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
        #expect(left.isEmpty, "no temporary plaintext is left: \(left)")
    }
}
