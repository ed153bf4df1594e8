import Foundation
import Testing

/// The Dendrite and Matrix Authentication Service variants of the register-user job. Neither
/// server runs here, so the container engine the roles call (`matrix_*_docker_command`) is a
/// recording script: these tests check the exact command and standard input that reach the
/// target through setup.yml, and the upstream messages for a call missing a variable. The
/// Synapse variant runs against a real homeserver in Tests/e2e/register-user.sh.
@Suite(.serialized)
struct MatrixRolesTests {
    struct Target {
        let work: URL
        var argvFile: URL { work.appendingPathComponent("engine-argv") }
        var stdinFile: URL { work.appendingPathComponent("engine-stdin") }

        init(vars: String) throws {
            work = FileManager.default.temporaryDirectory.appendingPathComponent("runner-matrix-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: work.appendingPathComponent("host_vars"), withIntermediateDirectories: true)
            try "[matrix_servers]\nmatrix-test ansible_connection=local\n"
                .write(to: work.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
            let engine = work.appendingPathComponent("engine")
            try """
            #!/bin/sh
            printf '%s\\n' "$@" > \(work.path)/engine-argv
            cat > \(work.path)/engine-stdin
            echo "recorded"
            """.write(to: engine, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: engine.path)
            try """
            matrix_domain: test.localhost
            matrix_homeserver_generic_secret_key: not-a-real-secret
            matrix_base_data_path: \(work.path)/matrix
            matrix_user_name: rtmatrix
            matrix_group_name: rtmatrix
            matrix_dendrite_service_managed: false
            matrix_dendrite_docker_command: \(engine.path)
            matrix_authentication_service_service_managed: false
            matrix_authentication_service_docker_command: \(engine.path)
            \(vars)
            """.write(to: work.appendingPathComponent("host_vars/matrix-test.yml"), atomically: true, encoding: .utf8)
        }

        func run(_ arguments: [String]) throws -> CommandLineGoldenTests.Outcome {
            let setup = ConformanceTests.packageRoot.appendingPathComponent("setup.yml").path
            return try CommandLineGoldenTests.run(["-i", "hosts", setup] + arguments, in: work)
        }

        func remove() {
            try? FileManager.default.removeItem(at: work)
            // The test user and group matrix-base created on this machine.
            for command in [["userdel", "rtmatrix"], ["groupdel", "rtmatrix"]] {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/sbin/\(command[0])")
                process.arguments = Array(command.dropFirst())
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try? process.run()
                process.waitUntilExit()
            }
        }

        func recordedArgv() -> [String]? {
            (try? String(contentsOf: argvFile, encoding: .utf8))?.split(separator: "\n", omittingEmptySubsequences: false)
                .dropLast().map(String.init)
        }

        func recordedStdin() -> String? { try? String(contentsOf: stdinFile, encoding: .utf8) }
    }

    static func recap(_ stdout: String) -> String? {
        stdout.split(separator: "\n").first { $0.hasPrefix("matrix-test ") }.map { String($0) }
    }

    @Test func dendriteRegistersThroughCreateAccount() throws {
        let target = try Target(vars: "matrix_homeserver_implementation: dendrite")
        defer { target.remove() }
        let outcome = try target.run(["--tags=install-dendrite,register-user", "-e", "username=John admin=yes password=s3cret;$(x)"])
        #expect(outcome.code == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(target.recordedArgv() == [
            "exec", "-i", "matrix-dendrite", "create-account", "-config", "/data/dendrite.yaml",
            "-username", "John", "-passwordstdin", "-admin", "-url", "http://localhost:8008",
        ])
        #expect(target.recordedStdin() == "s3cret;$(x)\n", "the password reaches Dendrite on stdin, as data")
        #expect(!outcome.stdout.contains("s3cret"), "the password is not in the output")
        #expect(Self.recap(outcome.stdout)?.contains("failed=0") == true, "\(outcome.stdout)")
    }

    @Test func dendriteNonAdmin() throws {
        let target = try Target(vars: "matrix_homeserver_implementation: dendrite")
        defer { target.remove() }
        let outcome = try target.run(["--tags=install-dendrite,register-user", "-e", "username=jane admin=no password=pw"])
        #expect(outcome.code == 0, "\(outcome.stdout)")
        #expect(target.recordedArgv() == [
            "exec", "-i", "matrix-dendrite", "create-account", "-config", "/data/dendrite.yaml",
            "-username", "jane", "-passwordstdin", "-url", "http://localhost:8008",
        ])
    }

    @Test func masRegistersThroughMasCli() throws {
        let target = try Target(vars: "matrix_homeserver_implementation: synapse\nmatrix_authentication_service_enabled: true")
        defer { target.remove() }
        let outcome = try target.run(["--tags=install-matrix-authentication-service,register-user",
                                      "-e", "username=john admin=yes password=mas-pw-7f3a"])
        #expect(outcome.code == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(target.recordedArgv() == [
            "exec", "-i", "matrix-authentication-service", "mas-cli", "manage", "register-user",
            "--yes", "-p", "mas-pw-7f3a", "--admin", "john",
        ])
        #expect(!outcome.stdout.contains("mas-pw-7f3a"), "the password is not in the output")
        // Synapse's own register-user flow stays out of the way when MAS handles accounts.
        #expect(!outcome.stdout.contains("matrix-synapse : Register user"), "\(outcome.stdout)")
    }

    @Test(arguments: [
        ("dendrite", "admin=yes password=pw", "The `username` variable needs to be provided to this playbook, via --extra-vars"),
        ("dendrite", "username=john admin=yes", "The `password` variable needs to be provided to this playbook, via --extra-vars"),
        ("mas", "username=john password=pw admin=maybe", "The `admin` variable needs to be provided to this playbook, via --extra-vars"),
        ("mas", "username=<your-username> password=pw admin=no", "The `username` variable needs to be provided to this playbook, via --extra-vars"),
    ])
    func missingVariablesFailWithUpstreamMessages(variant: String, extraVars: String, message: String) throws {
        let vars = variant == "dendrite"
            ? "matrix_homeserver_implementation: dendrite"
            : "matrix_homeserver_implementation: synapse\nmatrix_authentication_service_enabled: true"
        let target = try Target(vars: vars)
        defer { target.remove() }
        let outcome = try target.run(["--tags=register-user", "-e", extraVars])
        #expect(outcome.code == 2, "\(outcome.stdout)")
        #expect(outcome.stdout.contains("\"msg\": \"\(message)\""), "\(outcome.stdout)")
        #expect(target.recordedArgv() == nil, "nothing reached the container engine")
    }
}
