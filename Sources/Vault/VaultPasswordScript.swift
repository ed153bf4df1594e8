import Foundation

/// An executable vault password file: its standard output is the password. Nothing secret is
/// passed in its arguments; a client script (`*-client`) gets `--vault-id NAME` as in ansible-core.
struct VaultPasswordScript {
    var path: String
    var vaultID: String?

    func run() throws(VaultError) -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = vaultID.map { ["--vault-id", $0] } ?? []
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw VaultError(.other, "Problem running vault password script \(path) (\(error)). If this is not a script, remove the executable bit from the file.")
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let code = process.terminationStatus
        if let vaultID {
            if code == 2 {
                throw VaultError(.password, "Vault password client script \(path) did not find a secret for vault-id=\(vaultID): \(stderr)")
            }
            if code != 0 {
                throw VaultError(.password, "Vault password client script \(path) returned non-zero (\(code)) when getting secret for vault-id=\(vaultID): \(stderr)")
            }
        } else if code != 0 {
            throw VaultError(.password, "Vault password script \(path) returned non-zero (\(code)): \(stderr)")
        }
        return Array(stdout)
    }
}
