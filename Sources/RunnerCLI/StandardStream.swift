import Core
import Foundation

/// Unbuffered writes to stdout and stderr.
struct StandardStream: Sendable {
    let handle: FileHandle
    static let output = StandardStream(handle: .standardOutput)
    static let error = StandardStream(handle: .standardError)

    func write(_ text: String) {
        OutputGate.pass { handle.write(Data(text.utf8)) }
    }
}
