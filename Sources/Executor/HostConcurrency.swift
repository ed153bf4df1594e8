import Connection
import Foundation

/// Runs one task on several hosts at once, up to `forks` at a time, the way ansible's worker
/// processes do, without giving up the executor's simple single-threaded state: a worker holds
/// `ExecutionLock` whenever it touches executor state (variables, templating, modules' own
/// code) and lets go of it only while its host's connection does I/O (ssh round trips, local
/// commands) or while it sleeps between retries. What is slow (the remote work) overlaps; what
/// mutates shared state never does.
final class ExecutionLock: @unchecked Sendable {
    private let lock = NSLock()
    func lock_() { lock.lock() }
    func unlock() { lock.unlock() }

    /// Runs `body` without the lock (the caller holds it), taking it back afterwards.
    func released<T>(_ body: () throws(ConnectionError) -> T) throws(ConnectionError) -> T {
        lock.unlock()
        defer { lock.lock() }
        return try body()
    }

    func releasedSleep(_ seconds: Double) {
        lock.unlock()
        Thread.sleep(forTimeInterval: seconds)
        lock.lock()
    }
}

/// A host's connection as a worker sees it: every round trip lets the other workers run.
struct ReleasingConnection: Connection {
    let base: any Connection
    let lock: ExecutionLock

    func run(script: String, input: Data?, environment: [String: String]) throws(ConnectionError) -> CommandOutcome {
        try lock.released { () throws(ConnectionError) in try base.run(script: script, input: input, environment: environment) }
    }

    func run(script: String, input: Data?, environment: [String: String], become: Become?) throws(ConnectionError) -> CommandOutcome {
        try lock.released { () throws(ConnectionError) in
            try base.run(script: script, input: input, environment: environment, become: become)
        }
    }

    func close() { base.close() }
}

extension PlaybookExecutor {
    /// Runs `work` for each item on up to `limit` threads; `work` runs holding the execution
    /// lock. Returns the results in the items' order.
    func concurrently<Item, Result>(_ items: [Item], limit: Int, _ work: (Item) -> Result) -> [Result] {
        guard items.count > 1, limit > 1 else { return items.map(work) }
        return withoutActuallyEscaping(work) { work in spread(items, limit: limit, work) }
    }

    private func spread<Item, Result>(_ items: [Item], limit: Int, _ work: @escaping (Item) -> Result) -> [Result] {
        let shared = Shared(items: items, work: work)
        let lock = executionLock
        let group = DispatchGroup()
        wasConcurrent = true
        defer { wasConcurrent = false }
        // The calling thread holds the lock; the workers take turns with it.
        lock.unlock()
        for _ in 0..<min(limit, items.count) {
            group.enter()
            let thread = Thread {
                lock.lock_()
                while let (i, work) = shared.take() { shared.results[i] = work(shared.items[i]) }
                lock.unlock()
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        lock.lock_()
        // The worker threads may outlive this call by a moment; they must not hold `work`.
        shared.work = nil
        return shared.results.map { $0! }
    }
}

/// What the workers of one `concurrently` call share; read and written under the lock.
private final class Shared<Item, Result>: @unchecked Sendable {
    let items: [Item]
    var work: ((Item) -> Result)?
    var results: [Result?]
    var next = 0

    init(items: [Item], work: @escaping (Item) -> Result) {
        self.items = items
        self.work = work
        self.results = Array(repeating: nil, count: items.count)
    }

    func take() -> (Int, (Item) -> Result)? {
        guard next < items.count, let work else { return nil }
        defer { next += 1 }
        return (next, work)
    }
}
