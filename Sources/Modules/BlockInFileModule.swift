import Connection
import Core
import Foundation

/// `blockinfile`: a block of lines between two marker lines (`marker` with `{mark}` replaced
/// by `marker_begin`/`marker_end`). An existing block (both markers found) is replaced in
/// place; otherwise the block goes after the last `insertafter` match or before the last
/// `insertbefore` match (EOF by default, `BOF` for the top). An empty `block` or
/// `state=absent` removes the block. Messages are Ansible's: `File created`,
/// `Block inserted`, `Block removed`.
struct BlockInFileModule: Module {
    static let options: Set<String> = [
        "path", "dest", "destfile", "name", "state", "marker", "block", "content", "insertafter", "insertbefore",
        "create", "backup", "validate", "marker_begin", "marker_end", "append_newline", "prepend_newline", "encoding",
        "mode", "owner", "group", "unsafe_writes", "attributes", "setype", "seuser", "serole", "selevel",
    ]

    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(Self.options, module: "blockinfile") { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in try blockInFile(context) }
    }

    func blockInFile(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        let path = try context.required("path", aliases: ["dest", "destfile", "name"])
        let insertAfter = context.string("insertafter")
        let insertBefore = context.string("insertbefore")
        if insertAfter != nil && insertBefore != nil { return .failed("parameters are mutually exclusive: insertbefore|insertafter") }
        let present = (context.string("state") ?? "present") == "present"
        let file = try RemoteFile.read(path, context: context)
        if file.stat?.isDirectory == true { return .failed("Path \(path) is a directory !", PyDict([("rc", 256)])) }
        if file.stat == nil {
            if !context.bool("create", default: false) { return .failed("Path \(path) does not exist !", PyDict([("rc", 257)])) }
            if !present { return .ok(PyDict([("msg", .string("File \(path) not present"))])) }
        }
        let original = file.stat == nil ? nil : (file.content ?? [])
        var lines = original.map { TextLines.split($0, universal: true) } ?? []
        let marker = context.string("marker") ?? "# {mark} ANSIBLE MANAGED BLOCK"
        let begin = marker.replacingOccurrences(of: "{mark}", with: context.string("marker_begin") ?? "BEGIN") + "\n"
        let end = marker.replacingOccurrences(of: "{mark}", with: context.string("marker_end") ?? "END") + "\n"
        var block = context.string(anyOf: ["block", "content"]) ?? ""
        var blockLines: [String] = []
        if present && !block.isEmpty {
            if !block.hasSuffix("\n") { block += "\n" }
            blockLines = [begin] + TextLines.split(Array(block.utf8), universal: true) + [end]
        }
        var n0: Int? = nil, n1: Int? = nil
        for (i, l) in lines.enumerated() {
            if l == begin { n0 = i }
            if l == end { n1 = i }
        }
        var at: Int
        if let a = n0, let b = n1 {
            if a < b { lines.removeSubrange(a...b); at = a } else { lines.removeSubrange(b...a); at = b }
        } else {
            let anchor = (insertAfter.flatMap { $0 == "EOF" ? nil : $0 }) ?? (insertBefore.flatMap { $0 == "BOF" ? nil : $0 })
            if let anchor {
                guard let re = PythonRegex(anchor) else { return .failed("Invalid regular expression: \(anchor)") }
                var hit: Int? = nil
                for (i, l) in lines.enumerated() where re.firstMatch(in: l) != nil { hit = i }
                if let hit { at = insertAfter != nil ? hit + 1 : hit } else { at = lines.count }
            } else if insertBefore != nil {
                at = 0
            } else {
                at = lines.count
            }
        }
        if at > 0, !lines[at - 1].hasSuffix("\n") { lines[at - 1] += "\n" }
        if context.bool("prepend_newline", default: false) && present, at != 0, lines[at - 1] != "\n" {
            lines.insert("\n", at: at)
            at += 1
        }
        lines.insert(contentsOf: blockLines, at: at)
        if context.bool("append_newline", default: false) && present {
            let after = at + blockLines.count
            if after < lines.count, lines[after] != "\n" { lines.insert("\n", at: after) }
        }
        let result = Array(lines.joined().utf8)
        var changed = true
        var msg: String
        if let original, original == result {
            changed = false
            msg = ""
        } else if original == nil {
            msg = "File created"
        } else if blockLines.isEmpty {
            msg = "Block removed"
        } else {
            msg = "Block inserted"
        }
        var v = PyDict()
        if context.checkMode && file.stat == nil {
            v["changed"] = .bool(changed)
            v["msg"] = .string(msg)
            v["diff"] = FileDiff.textContent(path: path, before: original ?? [], after: result, diffMode: context.diffMode)
            return TaskResult(v)
        }
        let written = try file.write(changed ? result : nil, attributes: FileAttributes(context), context: context,
                                     backup: context.bool("backup", default: false), makeParents: file.stat == nil,
                                     validation: FileValidation(context, style: .edit))
        if written.attributesChanged { msg += (changed ? " and " : "") + "ownership, perms or SE linux context changed" }
        v["changed"] = .bool(changed || written.attributesChanged)
        v["msg"] = .string(msg)
        if let b = written.backupFile { v["backup_file"] = .string(b) }
        v["diff"] = FileDiff.textFile(path: path, before: original ?? [], after: result, diffMode: context.diffMode,
                                      old: file.stat ?? RemoteStat.newFile(file.identity), new: written.stat)
        return TaskResult(v)
    }
}
