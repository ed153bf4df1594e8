import Core

/// `--list-tasks` and `--list-tags` output, formatted as ansible-playbook prints it.
public enum TaskListing {
    /// `hostsOf` gives a play's hosts for `--list-hosts` (nil when not listing hosts).
    public static func render(playbook: String, plays: [Play], selection: TagSelection,
                              listTasks: Bool, listTags: Bool, hostsOf: (Play) -> [String]? = { _ in nil },
                              failing: Play? = nil) -> String {
        var out = "\nplaybook: \(playbook)\n"
        for (index, play) in plays.enumerated() {
            let playTags = Set(play.tags)
            out += "\n  play #\(index + 1) (\(play.hostsText)): \(play.name)\tTAGS: [\(play.tags.uniqued().joined(separator: ","))]\n"
            if let hosts = hostsOf(play) {
                out += "    pattern: \(play.hostsPatternRepr)\n    hosts (\(hosts.count)):\n"
                for h in hosts { out += "      \(h)\n" }
            }
            guard listTasks || listTags else { continue }
            var lines = listTasks ? "    tasks:\n" : ""
            var allTags = Set<String>()
            for section in play.sections {
                for item in section.items {
                    lines += list(item, selection: selection, playTags: playTags, listTasks: listTasks, allTags: &allTags)
                }
            }
            if listTags {
                lines += "      TASK TAGS: [\(playTags.union(allTags).sorted().joined(separator: ", "))]\n"
            }
            out += lines
        }
        // A play whose tasks could not be listed shows its header line only, after the others.
        if let failing {
            out += "\n  play #\(plays.count + 1) (\(failing.hostsText)): \(failing.name)\tTAGS: [\(failing.tags.uniqued().joined(separator: ","))]\n"
        }
        return out
    }

    /// One entry: blocks list only their `block` section, and only when some task in them
    /// survives the tag filter, as ansible-core's listing does.
    static func list(_ item: TaskItem, selection: TagSelection, playTags: Set<String>, listTasks: Bool,
                     allTags: inout Set<String>) -> String {
        switch item {
        case .block(let block):
            var out = ""
            for child in block.block {
                out += list(child, selection: selection, playTags: playTags, listTasks: listTasks, allTags: &allTags)
            }
            return out
        case .task(let task):
            let tags = Set(task.tags)
            guard selection.shouldRun(tags) else { return "" }
            allTags.formUnion(tags)
            guard listTasks else { return "" }
            return "      \(task.displayName)\tTAGS: [\(playTags.union(tags).sorted().joined(separator: ", "))]\n"
        }
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
