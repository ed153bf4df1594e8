import Core
import Foundation
import Vault
#if canImport(Glibc)
import Glibc
#endif

/// The connection and become passwords of `-k`/`-K` and `--connection-password-file`/
/// `--become-password-file`, as ansible-core's `ask_passwords` gets them: "SSH password: "
/// first, then "BECOME password: " ("SUDO password: " with `agnostic_become_prompt` off; with `-k`, "BECOME password[defaults to SSH password]: ",
/// where an empty answer reuses the SSH one). Like Python's getpass, the prompt goes to the
/// terminal with echo off, or, with no terminal, to stderr after "Warning: Password input may
/// be echoed." with the answer read from stdin. End of input leaves the rest unset.
struct PasswordPrompt {
    var askPass: Bool
    var askBecomePass: Bool
    var connectionPasswordFile: String?
    var becomePasswordFile: String?
    /// "BECOME" unless `agnostic_become_prompt` is off; then the method's name, upper-cased.
    var becomeWord = "BECOME"

    func passwords() throws(Diagnostic) -> (connection: String?, become: String?) {
        var ssh: String?
        var become: String?
        var becomePrompt = "\(becomeWord) password: "
        if askPass {
            guard let answer = Self.ask("SSH password: ") else { return (nil, nil) }
            ssh = answer
            becomePrompt = "\(becomeWord) password[defaults to SSH password]: "
        } else if let file = connectionPasswordFile {
            ssh = try Self.read(file)
        }
        if askBecomePass {
            guard let answer = Self.ask(becomePrompt) else { return (ssh, nil) }
            become = askPass && answer.isEmpty ? ssh : answer
        } else if let file = becomePasswordFile {
            become = try Self.read(file)
        }
        return (ssh, become)
    }

    /// One answer: from the terminal when there is one, else from stdin; nil at end of input.
    static func ask(_ prompt: String) -> String? {
        let tty = open("/dev/tty", O_RDWR | O_NOCTTY)
        if tty >= 0 {
            close(tty)
            return VaultPasswordLoader.terminalPrompt(prompt)
        }
        StandardStream.error.write("Warning: Password input may be echoed.\n" + prompt)
        // Byte by byte, so a second prompt finds its own line still on stdin.
        var line: [UInt8] = []
        var byte: UInt8 = 0
        var sawAny = false
        while Glibc.read(0, &byte, 1) == 1 {
            sawAny = true
            if byte == 0x0A { break }
            line.append(byte)
        }
        if sawAny { StandardStream.error.write("\n") }
        return sawAny ? String(decoding: line, as: UTF8.self) : nil
    }

    /// ansible's `get_password_from_file`: `-` is all of stdin, an executable file's output is
    /// the password, another file's content stripped; empty is an error.
    static func read(_ given: String) throws(Diagnostic) -> String {
        var bytes: [UInt8]
        let path = given == "-" ? given : absolute(given)
        if given == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else if !FileManager.default.fileExists(atPath: path) {
            throw Diagnostic.error("The password file \(path) was not found", hint: "Check the path given to the password file option.")
        } else if FileManager.default.isExecutableFile(atPath: path) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: path)
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            do { try p.run() } catch {
                throw Diagnostic.error("Problem occurred when trying to run the password script \(path) (\(error.localizedDescription)). If this is not a script, remove the executable bit from the file.")
            }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            let errors = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            if p.terminationStatus != 0 {
                throw Diagnostic.error("The password script \(path) returned an error (rc=\(p.terminationStatus)): \(String(decoding: errors, as: UTF8.self))")
            }
            bytes = Array(data)
        } else {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Diagnostic.error("Could not read password file '\(path)'.")
            }
            bytes = VaultPasswordLoader.strip(Array(data), Set([0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D]))
        }
        bytes = VaultPasswordLoader.strip(bytes, Set([0x0D, 0x0A]))
        guard !bytes.isEmpty else {
            throw Diagnostic.error("Empty password was provided from file (\(path))", hint: "Put the password in the file, on its first line.")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A path as ansible's `unfrackpath` makes it: `~` expanded, absolute, normalized.
    static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let full = expanded.hasPrefix("/") ? expanded : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(expanded)
        return (full as NSString).standardizingPath
    }
}
