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
