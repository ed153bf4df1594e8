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
        // Workers see the enclosing blocks' keywords of the thread that called (kept per thread
        // because hosts of a free-strategy play walk different blocks at once).
        let inherited = blockKeywords
        let executor = self
        // The calling thread holds the lock; the workers take turns with it.
        lock.unlock()
        for _ in 0..<min(limit, items.count) {
            group.enter()
            let thread = Thread {
                lock.lock_()
                executor.blockKeywords = inherited
                while let (i, work) = shared.take() { shared.results[i] = work(shared.items[i]) }
                executor.blockKeywords = []
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

/// The `forks` limit of the free strategy: every host walks its tasks on its own thread, and
/// each task on a host takes one of `forks` slots, granted in the order asked for. Each host's
/// first task is asked for in inventory order before any host starts, so that, as ansible's
/// free strategy queues one task per host in turn, a few forks rotate over all the hosts
/// instead of taking the first hosts to the end of their tasks.
final class TaskSlots: @unchecked Sendable {
    private let condition = NSCondition()
    private var free: Int
    /// Tickets waiting for a slot, oldest first.
    private var queue: [Int] = []
    private var nextTicket = 0
    /// Each host's ticket for its first task, until used or given up.
    private var reserved: [String: Int] = [:]

    init(slots: Int, hosts: [String]) {
        free = max(1, slots)
        for host in hosts {
            reserved[host] = nextTicket
            queue.append(nextTicket)
            nextTicket += 1
        }
    }

    /// Waits for a slot for `host`, with `lock` let go meanwhile (the caller holds it).
    func acquire(_ host: String, releasing lock: ExecutionLock) {
        condition.lock()
        let ticket: Int
        if let first = reserved.removeValue(forKey: host) {
            ticket = first
        } else {
            ticket = nextTicket
            nextTicket += 1
            queue.append(ticket)
        }
        condition.unlock()
        lock.unlock()
        condition.lock()
        while !(queue.first == ticket && free > 0) { condition.wait() }
        queue.removeFirst()
        free -= 1
        condition.broadcast()
        condition.unlock()
        lock.lock_()
    }

    func release() {
        condition.lock()
        free += 1
        condition.broadcast()
        condition.unlock()
    }

    /// A host that is done gives up the first ticket it never used.
    func finished(_ host: String) {
        condition.lock()
        if let first = reserved.removeValue(forKey: host) { queue.removeAll { $0 == first } }
        condition.broadcast()
        condition.unlock()
    }
}
