import Foundation

/// Shell-style wildcard matching (Python's `fnmatch`): `*`, `?` and `[...]`.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        fnmatch(pattern, text, 0) == 0
    }
}
