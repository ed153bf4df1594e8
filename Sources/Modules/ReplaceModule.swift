import Connection
import Core
import Foundation

/// `replace`: every match of `regexp` (Python syntax, MULTILINE) replaced by `replace`
/// (backreferences `\1`, `\g<name>`), optionally only in the section after the `after`
/// match and/or before the `before` match (DOTALL there). Reports `N replacements made`;
/// no match is `ok` with an empty message. Results carry `rc: 0` as Ansible's do.
struct ReplaceModule: Module {
    static let options: Set<String> = [
        "path", "dest", "destfile", "name", "regexp", "replace", "after", "before", "backup", "validate", "encoding",
        "mode", "owner", "group", "unsafe_writes", "attributes", "setype", "seuser", "serole", "selevel", "others",
    ]

    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(Self.options, module: "replace") { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in try replace(context) }
    }

    func replace(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        let path = try context.required("path", aliases: ["dest", "destfile", "name"])
        let pattern = try context.required("regexp")
        let template = context.string("replace") ?? ""
        let file = try RemoteFile.read(path, context: context)
        if file.stat?.isDirectory == true { return .failed("Path \(path) is a directory !", PyDict([("rc", 256)])) }
        guard file.stat != nil, let bytes = file.content else { return .failed("Path \(path) does not exist !", PyDict([("rc", 257)])) }
        let contents = String(decoding: bytes, as: UTF8.self)
        var v = PyDict()
        v["rc"] = 0
        // The section the replacement applies to.
        var head = "", section = contents, tail = ""
        let after = context.string("after").flatMap { $0.isEmpty ? nil : $0 }
        let before = context.string("before").flatMap { $0.isEmpty ? nil : $0 }
        if after != nil || before != nil {
            let sectionPattern: String
            if let after, let before { sectionPattern = "\(after)(?P<subsection>.*?)\(before)" } else if let after { sectionPattern = "\(after)(?P<subsection>.*)" } else { sectionPattern = "(?P<subsection>.*)\(before!)" }
            guard let re = PythonRegex(sectionPattern, dotall: true) else { return .failed("Unable to process replace due to error: bad pattern \(sectionPattern)") }
            guard let m = re.firstMatch(in: contents) else {
                v["changed"] = false
                v["msg"] = .string("Pattern for before/after params did not match the given file: \(sectionPattern)")
                return TaskResult(v)
            }
            let r = m.range(withName: "subsection")
            let ns = contents as NSString
            head = ns.substring(to: r.location)
            section = ns.substring(with: r)
            tail = ns.substring(from: r.location + r.length)
        }
        guard let re = PythonRegex(pattern, multiline: true) else {
            return .failed("Unable to process replace due to error: invalid regular expression \(pattern)")
        }
        let (replaced, count) = re.substitute(in: section, template: template)
        let changed = count > 0 && replaced != section
        var msg = changed ? "\(count) replacements made" : ""
        let result = head + replaced + tail
        if changed && context.diffMode {
            v["diff"] = .dict(PyDict([("before_header", .string(path)), ("before", .string(contents)),
                                      ("after_header", .string(path)), ("after", .string(result))]))
        }
        let written = try file.write(changed ? Array(result.utf8) : nil, attributes: FileAttributes(context), context: context,
                                     backup: context.bool("backup", default: false),
                                     validation: FileValidation(context, style: .edit))
        if let b = written.backupFile { v["backup_file"] = .string(b) }
        if written.attributesChanged { msg += (changed ? " and " : "") + "ownership, perms or SE linux context changed" }
        v["changed"] = .bool(changed || written.attributesChanged)
        v["msg"] = .string(msg)
        return TaskResult(v)
    }
}
