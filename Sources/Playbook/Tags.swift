import Core

/// Tag selection with ansible-core's rules (`Taggable.evaluate_tags`): `always` runs unless
/// skipped explicitly, `never` runs only when named, `tagged`/`untagged`/`all` are special,
/// and a task without tags counts as tagged `untagged`.
public struct TagSelection: Sendable {
    public var only: Set<String>
    public var skip: Set<String>

    /// From `--tags`/`--skip-tags` values (each may be a comma-separated list); no `--tags`
    /// means `all`.
    public init(tags: [String], skipTags: [String]) {
        // `--tags ""` selects nothing and `--tags a,` adds an empty tag, as in ansible-playbook.
        func split(_ values: [String]) -> Set<String> {
            Set(values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } })
        }
        only = tags.isEmpty ? ["all"] : split(tags)
        skip = split(skipTags)
    }

    public func shouldRun(_ taskTags: Set<String>) -> Bool {
        let tags = taskTags.isEmpty ? ["untagged"] : taskTags
        let untagged: Set<String> = ["untagged"]
        var run = true
        if !only.isEmpty {
            if tags.contains("always") {
                run = true
            } else if only.contains("all") && !tags.contains("never") {
                run = true
            } else if !tags.isDisjoint(with: only) {
                run = true
            } else if only.contains("tagged") && tags != untagged && !tags.contains("never") {
                run = true
            } else {
                run = false
            }
        }
        if run && !skip.isEmpty {
            if skip.contains("all") {
                if !tags.contains("always") || skip.contains("always") { run = false }
            } else if !tags.isDisjoint(with: skip) {
                run = false
            } else if skip.contains("tagged") && tags != untagged {
                run = false
            }
        }
        return run
    }
}

/// Reads a `tags:` value: a list, a comma-separated string, or a number, as ansible-core does.
enum TagList {
    static func parse(_ value: Value) -> [String] {
        switch value {
        case .none: return []
        case .list(let items), .tuple(let items): return items.flatMap { parse($0) }
        case .string(let s), .unsafe(let s):
            return s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        default: return [value.pythonString]
        }
    }
}

extension Play {
    /// Renders tags written as templates (`tags: "{{ x }}"`), as ansible evaluates them before
    /// selecting tasks (and before listing them): a rendered list or comma-separated text gives
    /// several tags. `render` throws a located error for an undefined variable.
    public mutating func renderTags(_ render: (String, SourceLocation) throws(Diagnostic) -> Value) throws(Diagnostic) {
        func fix(_ tags: [String], at location: SourceLocation) throws(Diagnostic) -> [String] {
            guard tags.contains(where: Self.isTemplate) else { return tags }
            var out: [String] = []
            for tag in tags {
                if Self.isTemplate(tag) { out += TagList.parse(try render(tag, location)) } else { out.append(tag) }
            }
            return out.uniqued()
        }
        func walk(_ items: inout [TaskItem]) throws(Diagnostic) {
            for i in items.indices {
                switch items[i] {
                case .task(var task):
                    task.tags = try fix(task.tags, at: task.location)
                    items[i] = .task(task)
                case .block(var block):
                    block.tags = try fix(block.tags, at: block.location)
                    try walk(&block.block)
                    try walk(&block.rescue)
                    try walk(&block.always)
                    items[i] = .block(block)
                }
            }
        }
        tags = try fix(tags, at: location)
        for s in sections.indices { try walk(&sections[s].items) }
        try walk(&handlers)
    }

    static func isTemplate(_ tag: String) -> Bool { tag.contains("{{") || tag.contains("{%") }
}
