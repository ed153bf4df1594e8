import Core
import Foundation
import Jinja
import Modules
import Playbook

/// How a play's hosts are scheduled: `order`, `serial` batches, `max_fail_percentage`, and
/// the free strategy.
extension PlaybookExecutor {
    /// A play keyword templated with the extra vars (as ansible templates play keywords before
    /// any host is known); nil when unset.
    func templatedPlayKeyword(_ name: String) -> Value? {
        guard let raw = play.keywords[.string(name)] else { return nil }
        return (try? engine.template(raw, vars: DictVariables(options.extraVars.stringKeyed), origin: play.location)) ?? raw
    }

    /// The play's hosts in its `order`: inventory (the default), reverse_inventory, sorted,
    /// reverse_sorted (by name) or shuffle.
    func ordered(_ hosts: [String]) -> [String] {
        switch templatedPlayKeyword("order")?.pythonString {
        case "reverse_inventory": return hosts.reversed()
        case "sorted": return hosts.sorted()
        case "reverse_sorted": return hosts.sorted().reversed()
        case "shuffle": return hosts.shuffled()
        default: return hosts
        }
    }

    /// `serial`: a number or percentage (of all the play's hosts, rounded down, at least one),
    /// or a list of those whose last entry repeats until every host had its batch. Zero or
    /// none gives one batch of every host, as in ansible-playbook.
    func serialBatches(_ all: [String]) -> [[String]] {
        guard let serial = templatedPlayKeyword("serial"), !serial.isNone else { return [all] }
        let sizes = (serial.listValue ?? [serial]).map { Self.batchSize($0, of: all.count) }
        guard !sizes.isEmpty else { return [all] }
        var batches: [[String]] = []
        var rest = all[...]
        var index = 0
        while !rest.isEmpty {
            let size = sizes[index]
            if size <= 0 {
                batches.append(Array(rest))
                break
            }
            batches.append(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
            index = min(index + 1, sizes.count - 1)
        }
        return batches
    }

    /// One `serial` entry as a host count: `"30%"` is 30% of the hosts rounded down, at least one.
    static func batchSize(_ value: Value, of count: Int) -> Int {
        let text = value.pythonString.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("%") {
            let percent = Double(text.dropLast()) ?? 0
            let size = Int(percent / 100.0 * Double(count))
            return size == 0 ? 1 : size
        }
        return Int(text) ?? Int(Double(text) ?? 0)
    }

    /// `max_fail_percentage`: once more than that share of the batch failed during it, every
    /// host of the batch leaves the play and the playbook ends after it, as in ansible's linear
    /// strategy (which then announces "NO MORE HOSTS LEFT" twice).
    func checkMaxFailPercentage() {
        guard let raw = templatedPlayKeyword("max_fail_percentage"), let limit = Double(raw.pythonString),
              !playHosts.isEmpty, !breakPlaybook else { return }
        let failedNow = playHosts.filter { hosts[$0]!.failed && !batchStartFailed.contains($0) }.count
        guard Double(failedNow) / Double(playHosts.count) > limit / 100.0 else { return }
        callback.noHostsRemaining()
        for h in playHosts { hosts[h]!.ended = true }
        breakPlaybook = true
        callback.noHostsRemaining()
    }

    /// `strategy: free`: each host runs the section's tasks without waiting for the others,
    /// `forks` tasks at once (`TaskSlots`), and flushes its own handlers at the end of the section.
    func runFree(_ items: [TaskItem], flush: Bool) {
        let hosts = activeHosts()
        let slots = TaskSlots(slots: options.forks, hosts: hosts)
        taskSlots = slots
        defer { taskSlots = nil }
        _ = concurrently(hosts, limit: min(hosts.count, Self.freeWalkers)) { host in
            runItems(items, hosts: [host])
            if flush { flushHandlers(only: [host]) }
            slots.finished(host)
        }
    }

    /// Threads walking hosts at once under the free strategy (each host's tasks still wait for
    /// one of the `forks` slots).
    static let freeWalkers = 256

    /// Prints the banner of a task before its result under the free strategy, where results of
    /// different tasks interleave: only when the last banner was another task's.
    func announce(_ task: Task, isHandler: Bool) {
        let key = "\(isHandler)\u{0}\(task.location)\u{0}\(task.callbackName)"
        guard lastBanner != key else { return }
        lastBanner = key
        callback.taskStart(name: task.callbackName, location: task.location, isHandler: isHandler)
    }

    /// `set_stats` results: `data` merged into the host's or the run's custom stats; with
    /// `aggregate` (the default) numbers add up, lists and strings extend and dicts merge.
    func recordStats(_ result: TaskResult, host: String) {
        guard case .dict(let stats)? = result.values["ansible_stats"], case .dict(let data)? = stats["data"] else { return }
        let perHost = stats["per_host"].flatMap { ModuleContext.boolean($0) } ?? false
        let aggregate = stats["aggregate"].flatMap { ModuleContext.boolean($0) } ?? true
        let owner: String? = perHost ? host : nil
        let index = customStats.firstIndex { $0.host == owner } ?? {
            customStats.append((owner, PyDict()))
            return customStats.count - 1
        }()
        for (key, value) in data.items {
            guard aggregate, let old = customStats[index].data[key] else {
                customStats[index].data[key] = value
                continue
            }
            switch (old, value) {
            case (.int(let a), .int(let b)): customStats[index].data[key] = .int(a + b)
            case (.float(let a), .float(let b)): customStats[index].data[key] = .float(a + b)
            case (.list(let a), .list(let b)): customStats[index].data[key] = .list(a + b)
            case (.string(let a), .string(let b)): customStats[index].data[key] = .string(a + b)
            case (.dict(var a), .dict(let b)):
                a.merge(b)
                customStats[index].data[key] = .dict(a)
            default: break  // values of another type are ignored, as in ansible
            }
        }
    }

    /// The CUSTOM STATS section after the recap (ANSIBLE_SHOW_CUSTOM_STATS), hosts by name.
    func showCustomStats() {
        guard !customStats.isEmpty else { return }
        let perHost = customStats.compactMap { entry in entry.host.map { ($0, entry.data) } }.sorted { $0.0 < $1.0 }
        callback.customStats(perHost: perHost, run: customStats.first { $0.host == nil }?.data)
    }
}
