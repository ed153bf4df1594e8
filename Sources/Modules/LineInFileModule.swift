import Connection
import Core
import Foundation

/// `lineinfile`: makes one line present (replacing the last line `regexp` or `search_string`
/// matches, else adding it after/before the last `insertafter`/`insertbefore` match, at EOF
/// by default) or absent (every matching line removed). Lines are compared without their
/// line ending; `backrefs` expands groups of the match and leaves the file alone when nothing
/// matches. The file is read and edited on the controller and written back atomically.
struct LineInFileModule: Module {
    static let options: Set<String> = [
        "path", "dest", "destfile", "name", "state", "regexp", "regex", "search_string", "line", "value",
        "insertafter", "insertbefore", "create", "backup", "backrefs", "firstmatch", "validate", "encoding",
        "mode", "owner", "group", "unsafe_writes", "attributes", "setype", "seuser", "serole", "selevel", "others",
    ]

    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(Self.options, module: "lineinfile") { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in
            var task = LineInFileTask(context: context)
            return try task.run()
        }
    }
}

struct LineInFileTask {
    var context: ModuleContext
    var regexp: PythonRegex?
    var searchString: String?
    var line: String?
    var insertAfter: String?
    var insertBefore: String?
    var firstMatch: Bool
    var backrefs: Bool

    init(context: ModuleContext) {
        self.context = context
        searchString = context.string("search_string")
        line = context.string(anyOf: ["line", "value"])
        insertAfter = context.string("insertafter")
        insertBefore = context.string("insertbefore")
        firstMatch = context.bool("firstmatch", default: false)
        backrefs = context.bool("backrefs", default: false)
    }

    func fail(_ msg: String, rc: Int? = nil) -> TaskResult {
        var extra = PyDict()
        if let rc { extra["rc"] = .int(rc) }
        return .failed(msg, extra)
    }

    mutating func run() throws(ModuleFailure) -> TaskResult {
        let path = try context.required("path", aliases: ["dest", "destfile", "name"])
        let state = context.string("state") ?? "present"
        let pattern = context.string(anyOf: ["regexp", "regex"])
        if let pattern {
            guard let re = PythonRegex(pattern) else { return fail("Invalid regular expression: \(pattern)") }
            regexp = re
        }
        if pattern != nil && searchString != nil { return fail("parameters are mutually exclusive: regexp|search_string") }
        if insertAfter != nil && insertBefore != nil { return fail("parameters are mutually exclusive: insertbefore|insertafter") }
        if backrefs && pattern == nil { return fail("regexp is required with backrefs=true") }
        if state == "present" && line == nil { return fail("line is required with state=present") }
        if state == "absent" && pattern == nil && searchString == nil && line == nil {
            return fail("one of line, search_string, or regexp is required with state=absent")
        }
        let file = try RemoteFile.read(path, context: context)
        if file.stat?.isDirectory == true { return fail("Path \(path) is a directory !", rc: 256) }
        let attributes = FileAttributes(context)
        var v = PyDict()
        v["backup"] = ""
        if state == "absent" {
            guard let content = file.content, file.stat != nil else {
                return .ok(PyDict([("msg", "file not present")]))
            }
            let lines = TextLines.split(content)
            let kept = lines.filter { !matches($0) }
            let found = lines.count - kept.count
            var msg = found > 0 ? "\(found) line(s) removed" : ""
            let written = try file.write(found > 0 ? Array(kept.joined().utf8) : nil, attributes: attributes, context: context,
                                         backup: context.bool("backup", default: false), validation: FileValidation(context, style: .edit))
            if written.attributesChanged { msg += (found > 0 ? " and " : "") + "ownership, perms or SE linux context changed" }
            v["changed"] = .bool(found > 0 || written.attributesChanged)
            v["found"] = .int(found)
            v["msg"] = .string(msg)
            if let b = written.backupFile { v["backup"] = .string(b) }
            v["diff"] = FileDiff.textFile(path: path, before: content, after: Array(kept.joined().utf8), diffMode: context.diffMode,
                                          old: file.stat!, new: written.stat)
            return TaskResult(v)
        }
        if file.stat == nil && !context.bool("create", default: false) {
            return fail("Destination \(path) does not exist !", rc: 257)
        }
        let original = file.content ?? []
        let (lines, changed, message) = present(TextLines.split(original))
        var msg = message
        let newContent = Array(lines.joined().utf8)
        if context.checkMode && file.stat == nil {
            v["changed"] = .bool(changed)
            v["msg"] = .string(msg)
            v["diff"] = FileDiff.textContent(path: path, before: original, after: newContent, diffMode: context.diffMode)
            return TaskResult(v)
        }
        let written = try file.write(changed ? newContent : nil, attributes: attributes, context: context,
                                     backup: context.bool("backup", default: false), makeParents: file.stat == nil,
                                     validation: FileValidation(context, style: .edit))
        if written.attributesChanged { msg += (changed ? " and " : "") + "ownership, perms or SE linux context changed" }
        v["changed"] = .bool(changed || written.attributesChanged)
        v["msg"] = .string(msg)
        if let b = written.backupFile { v["backup"] = .string(b) }
        v["diff"] = FileDiff.textFile(path: path, before: original, after: newContent, diffMode: context.diffMode,
                                      old: file.stat ?? RemoteStat.newFile(file.identity), new: written.stat)
        return TaskResult(v)
    }

    /// The `state=absent` test of one line.
    func matches(_ current: String) -> Bool {
        if let regexp { return regexp.firstMatch(in: current) != nil }
        if let searchString { return current.contains(searchString) }
        return TextLines.stripEnd(current) == line
    }

    /// `state=present` on the file's lines: the new lines, whether they changed, and the message.
    func present(_ input: [String]) -> ([String], Bool, String) {
        var lines = input
        let line = self.line ?? ""
        let insertPattern: PythonRegex?
        if let a = insertAfter, a != "BOF", a != "EOF" {
            insertPattern = PythonRegex(a)
        } else if let b = insertBefore, b != "BOF" {
            insertPattern = PythonRegex(b)
        } else {
            insertPattern = nil
        }
        var found = -1, insertAt = -1
        var match: NSTextCheckingResult? = nil
        var matchedLine = ""
        var searchMatched = false
        if let regexp {
            for (i, l) in lines.enumerated() {
                if let m = regexp.firstMatch(in: l) {
                    found = i; match = m; matchedLine = l
                    if firstMatch { break }
                }
            }
        }
        if let searchString {
            for (i, l) in lines.enumerated() where l.contains(searchString) {
                found = i; searchMatched = true
                if firstMatch { break }
            }
        }
        if match == nil && !searchMatched {
            for (i, l) in lines.enumerated() {
                if TextLines.stripEnd(l) == line {
                    found = i
                } else if let insertPattern, insertPattern.firstMatch(in: l) != nil {
                    insertAt = insertAfter != nil ? i + 1 : i
                    if firstMatch { break }
                }
            }
        }
        if found != -1 {
            var newLine = line
            if backrefs, let match, let regexp { newLine = regexp.expand(line, match: match, in: matchedLine) }
            if !newLine.hasSuffix("\n") { newLine += "\n" }
            if lines[found] != newLine {
                lines[found] = newLine
                return (lines, true, "line replaced")
            }
            return (lines, false, "")
        }
        if backrefs { return (lines, false, "") }
        if insertBefore == "BOF" || insertAfter == "BOF" {
            lines.insert(line + "\n", at: 0)
            return (lines, true, "line added")
        }
        if insertAfter == "EOF" || insertAt == -1 {
            if let last = lines.last, !TextLines.endsWithNewline(last) { lines.append("\n") }
            lines.append(line + "\n")
            return (lines, true, "line added")
        }
        if insertAfter != nil {
            if insertAt == lines.count {
                if TextLines.stripEnd(lines[insertAt - 1]) != line {
                    if !TextLines.endsWithNewline(lines[insertAt - 1]) { lines[insertAt - 1] += "\n" }
                    lines.append(line + "\n")
                    return (lines, true, "line added")
                }
                return (lines, false, "")
            }
            if TextLines.stripEnd(lines[insertAt]) != line {
                lines.insert(line + "\n", at: insertAt)
                return (lines, true, "line added")
            }
            return (lines, false, "")
        }
        lines.insert(line + "\n", at: insertAt)
        return (lines, true, "line added")
    }
}
