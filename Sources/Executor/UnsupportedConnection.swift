import Connection
import Foundation

/// A connection type runner cannot use yet: every attempt is `unreachable`, with a reason.
struct UnsupportedConnection: Connection {
    let kind: String

    func run(script: String, input: Data?, environment: [String: String]) throws(ConnectionError) -> CommandOutcome {
        throw ConnectionError("the '\(kind)' connection is not implemented in this version of runner yet (local and ssh are)")
    }
}
