import Testing

/// The file-handling and small modules against ansible's recorded results, in a fresh
/// directory each; they need no root beyond what the recording had (files owned by root).
extension AccountModuleTests {
    /// ping's pong, its `data`, the crash it raises on `data: crash`, and a bad option.
    @Test func pingMatchesAnsible() throws {
        try Self.compare("ping.yml")
    }

    /// slurp base64 and `armor: false`, an empty file, check mode, and its failure messages.
    @Test func slurpMatchesAnsible() throws {
        try Self.compare("slurp.yml")
    }

    /// tempfile files and directories (names checked by shape), check mode skipped, and the
    /// OSError texts for a missing or non-directory `path`.
    @Test func tempfileMatchesAnsible() throws {
        try Self.compare("tempfile.yml")
    }

    /// find's filters (patterns, regex, excludes, contains, size, age, mode, depth, limit,
    /// links followed or not), checksums, paths that are not directories and bad options.
    @Test func findMatchesAnsible() throws {
        try Self.compare("find.yml")
    }

    /// file's recurse with symbolic and octal modes: a second run, and check mode, report a
    /// change only where an entry's mode would really change.
    @Test func fileRecurseMatchesAnsible() throws {
        try Self.compare("file_recurse.yml")
    }

    /// file's own results: times set to now, kept, or to a stamp read with a format (a second
    /// run unchanged), the attributes added to failures naming an existing path, check mode
    /// on new and removed paths, malformed modes, and owners and groups the host lacks.
    @Test func fileResultsMatchAnsible() throws {
        try Self.compare("file_results.yml")
    }

    /// copy with `remote_src`: files and trees copied on the target, unchanged second runs,
    /// check and diff mode, dest directories (made when ending in '/'), backup, mode preserve,
    /// force: false, validate and checksum, and ansible's failures.
    @Test func copyRemoteSourceMatchesAnsible() throws {
        try Self.compare("copy_remote.yml")
    }
}
