import Core

/// The `diff` the file module returns in diff mode: the path, its state before and after when
/// they differ (ansible's `initial_diff`), then each owner (uid), group (gid) and mode change
/// and, for `touch`, the new times, as `set_fs_attributes_if_different` and
/// `update_timestamp_for_file` add them.
struct FileDiff {
    var before: PyDict
    var after: PyDict

    /// Owner, group and mode changes alone (no path, no state).
    init(changesFrom old: RemoteStat, to new: RemoteStat) {
        before = PyDict()
        after = PyDict()
        attributes(from: old, to: new)
    }

    init(path: String, state: String, previous: RemoteStat?) {
        before = PyDict([("path", .string(path))])
        after = before
        let old = previous?.state ?? "absent"
        if old != state {
            before["state"] = .string(old)
            after["state"] = .string(state)
        }
    }

    mutating func attributes(from old: RemoteStat, to new: RemoteStat) {
        if old.uid != new.uid { note("owner", .int(old.uid), .int(new.uid)) }
        if old.gid != new.gid { note("group", .int(old.gid), .int(new.gid)) }
        if old.permissions != new.permissions { note("mode", .string(FileMode.text(old.permissions)), .string(FileMode.text(new.permissions))) }
    }

    mutating func times(from old: RemoteStat, to new: RemoteStat) {
        if old.mtime != new.mtime { note("mtime", .float(old.mtime), .float(new.mtime)) }
        if old.atime != new.atime { note("atime", .float(old.atime), .float(new.atime)) }
    }

    mutating func note(_ key: String, _ old: Value, _ new: Value) {
        before[.string(key)] = old
        after[.string(key)] = new
    }

    var value: Value { .dict(PyDict([("before", .dict(before)), ("after", .dict(after))])) }
}

extension FileDiff {
    /// lineinfile's and blockinfile's `diff`, returned in and outside diff mode: the content
    /// (left empty outside diff mode), then the owner, group and mode changes made on the way.
    static func textFile(path: String, before: [UInt8], after: [UInt8], diffMode: Bool, old: RemoteStat, new: RemoteStat) -> Value {
        let changes = FileDiff(changesFrom: old, to: new)
        var attributes = PyDict()
        if !changes.before.isEmpty {
            attributes["before"] = .dict(changes.before)
            attributes["after"] = .dict(changes.after)
        }
        attributes["before_header"] = .string("\(path) (file attributes)")
        attributes["after_header"] = .string("\(path) (file attributes)")
        return .list([textContent(path: path, before: before, after: after, diffMode: diffMode), .dict(attributes)])
    }

    /// The content part alone, as lineinfile and blockinfile return it when check mode stops
    /// them before a file that does not exist.
    static func textContent(path: String, before: [UInt8], after: [UInt8], diffMode: Bool) -> Value {
        .dict(PyDict([("before", .string(diffMode ? String(decoding: before, as: UTF8.self) : "")),
                      ("after", .string(diffMode ? String(decoding: after, as: UTF8.self) : "")),
                      ("before_header", .string("\(path) (content)")), ("after_header", .string("\(path) (content)"))]))
    }
}
