import Connection
import Core
import Foundation
import Jinja

/// `template`: renders `src` (looked up in `templates/` of the role, then the playbook) on the
/// controller with the template module's Jinja settings (`trim_blocks` on, the
/// `#jinja2:` header, `ansible_managed`, `template_*` variables) and writes the text to `dest`
/// exactly as `copy` writes `content`.
struct TemplateModule: Module {
    static let options: Set<String> = [
        "src", "dest", "mode", "owner", "group", "backup", "force", "follow", "newline_sequence", "trim_blocks",
        "lstrip_blocks", "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
        "comment_start_string", "comment_end_string", "output_encoding", "validate", "unsafe_writes", "attributes",
        "setype", "seuser", "serole", "selevel",
    ]

    func run(_ context: ModuleContext) -> TaskResult {
        if let failure = context.unsupported(Self.options, module: "template") { return failure }
        return ModuleContext.outcome { () throws(ModuleFailure) in try template(context) }
    }

    func template(_ context: ModuleContext) throws(ModuleFailure) -> TaskResult {
        guard let src = context.string("src") else { return .failed("src and dest are required") }
        guard let dest = context.string("dest") else { return .failed("src and dest are required") }
        guard let path = context.findLocalFile(src, subdirectory: "templates") else {
            return .failed("Could not find or access '\(src)'\nSearched in:\n" + context.searchPaths.flatMap {
                ["\t\($0)/templates/\(src)", "\t\($0)/\(src)"]
            }.joined(separator: "\n") + " on the Ansible Controller.")
        }
        var options = TemplateFileOptions()
        options.lexer.trimBlocks = context.bool("trim_blocks", default: true)
        options.lexer.lstripBlocks = context.bool("lstrip_blocks", default: false)
        if let nl = context.string("newline_sequence") { options.lexer.newlineSequence = Self.unescape(nl) }
        if let s = context.string("block_start_string") { options.lexer.blockStart = s }
        if let s = context.string("block_end_string") { options.lexer.blockEnd = s }
        if let s = context.string("variable_start_string") { options.lexer.variableStart = s }
        if let s = context.string("variable_end_string") { options.lexer.variableEnd = s }
        if let s = context.string("comment_start_string") { options.lexer.commentStart = s }
        if let s = context.string("comment_end_string") { options.lexer.commentEnd = s }
        let fm = FileManager.default
        let owner = ((try? fm.attributesOfItem(atPath: path))?[.ownerAccountName] as? String) ?? ""
        var extra: [String: Value] = [
            "ansible_managed": "Ansible managed",
            "template_host": .string(ProcessInfo.processInfo.hostName),
            "template_path": .string(path),
            "template_fullpath": .string(URL(fileURLWithPath: path).standardizedFileURL.path),
            "template_destpath": .string(dest),
            "template_uid": .string(owner),
        ]
        extra["template_run_date"] = .string(Self.runDate())
        var searchPath = [(path as NSString).deletingLastPathComponent]
        for dir in context.searchPaths {
            searchPath.append((dir as NSString).appendingPathComponent("templates"))
            searchPath.append(dir)
        }
        let text: String
        do {
            text = try context.engine.renderTemplateFile(path: path, searchPath: searchPath, vars: context.vars,
                                                         extraVars: extra, options: options)
        } catch {
            return .failed(error.message)
        }
        var attributes = FileAttributes(context)
        if attributes.mode == .preserve, let perms = (try? fm.attributesOfItem(atPath: path))?[.posixPermissions] as? Int {
            attributes.mode = .bits(perms)
        }
        var one = CopyFile(context: context, bytes: Array(text.utf8), sourceName: (src as NSString).lastPathComponent,
                           sourceLabel: nil, attributes: attributes)
        one.allowDirectoryDest = true
        // ansible's header names the temporary file the template was rendered to; runner
        // renders in memory and names the template itself.
        one.diffSource = path
        return try one.run(dest: dest)
    }

    static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\r", with: "\r").replacingOccurrences(of: "\\n", with: "\n")
    }

    static func runDate() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss.SSSSSS"
        return f.string(from: Date())
    }
}
