import Connection
import Core

extension RemoteSourceCopy {
    /// Names Python's `filecmp.dircmp` leaves out, so an existing tree never gets them.
    static let ignoredNames = "RCS|CVS|tags|.git|.hg|.bzr|_darcs|__pycache__"

    /// sh functions merging one tree into another as ansible's `copy_directory` does: a missing
    /// destination becomes a full copy (modes, times and symlinks kept, owned by the remote
    /// user); into an existing one go the files whose content differs (rewritten in place,
    /// taking the source's mode) and the entries it lacks, directory by directory. Every copy
    /// (or, with `$check` set, every copy that would be made) prints `COPIED|`. Symlinks the
    /// destination lacks are skipped unless `local_follow` is given, as in ansible.
    static let treeFunctions = """
    runner_same() { if command -v cmp >/dev/null 2>&1; then cmp -s "$1" "$2"; \
    else [ "$(sha1sum < "$1")" = "$(sha1sum < "$2")" ]; fi; }
    runner_cptree() { cp -RPp "$1" "$2" && { find "$2" \\( ! -user "$U" -o ! -group "$G" \\) -exec chown -h "$U:$G" {} + 2>/dev/null || :; }; }
    runner_merge() {
      for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
        [ -e "$e" ] || [ -L "$e" ] || continue
        n=${e##*/}
        case $n in \(ignoredNames)) continue ;; esac
        t=$2/$n
        if [ -e "$t" ] || [ -L "$t" ]; then
          if [ -d "$e" ] && [ -d "$t" ]; then
            ( runner_merge "$e" "$t" ) || exit 1
          elif [ -f "$e" ] && [ -f "$t" ] && ! runner_same "$e" "$t"; then
            echo 'COPIED|'
            [ -n "$check" ] && continue
            cat "$e" > "$t" && chmod "$(stat -L -c %a "$e")" "$t" || exit 1
          fi
          continue
        fi
        echo 'COPIED|'
        [ -n "$check" ] && continue
        if [ -L "$e" ]; then
          case $follow in
            yes) if [ -d "$e" ]; then cp -RLp "$e" "$t" || exit 1; else cat "$e" > "$t" || exit 1; fi ;;
            no) ln -s "$(readlink "$e")" "$t" || exit 1 ;;
          esac
        elif [ -f "$e" ]; then
          cat "$e" > "$t" && chmod "$(stat -c %a "$e")" "$t" || exit 1
        elif [ -d "$e" ]; then
          runner_cptree "$e" "$t" || exit 1
        fi
      done
    }
    """

    /// sh giving every entry of the tree at `$D` `owner`/`group` (ansible's `chown_recursive`),
    /// printing `COPIED|` when one needs it.
    func treeOwnership() -> String {
        var lines: [String] = []
        for (test, command, name) in [("-user", "chown", context.string("owner")), ("-group", "chgrp", context.string("group"))] {
            guard let name, !name.isEmpty else { continue }
            let n = ShellQuote.quote(name)
            lines.append("""
            if [ -n "$(find "$D" ! \(test) \(n) 2>/dev/null | head -n 1)" ]; then echo 'COPIED|'; \
            [ -n "$check" ] || find "$D" ! \(test) \(n) -exec \(command) -h \(n) {} + || exit 1; fi
            """)
        }
        return lines.joined(separator: "\n")
    }

    /// The directory branch: the tree goes to `dest/name(src)` (`src` without a trailing
    /// slash, even when `dest` did not exist and is reported as the destination) or into
    /// `dest` (with one); then the reported destination gets `mode` (`directory_mode` when
    /// the tree's top is a directory), `owner` and `group`.
    func copyTree(_ copy: inout Placement, source: RemoteStat) throws(ModuleFailure) -> TaskResult {
        let treeSource = src.hasSuffix("/") ? String(src.dropLast()) : src
        let treeDest = src.hasSuffix("/") ? requestedDest : Self.join(requestedDest, Self.basename(src))
        let follow = context.args["local_follow"].flatMap { $0.isNone ? nil : $0 }.map { _ in context.bool("local_follow", default: true) ? "yes" : "no" } ?? ""
        var lines = copy.makeDirectories.map { [$0] } ?? []
        lines += [
            "check=\(context.checkMode ? "1" : "")", "follow=\(follow)", "U=$(id -u); G=$(id -g)",
            "S=\(ShellQuote.quote(treeSource)); D=\(ShellQuote.quote(treeDest))",
            Self.treeFunctions,
            """
            if [ -e "$D" ]; then runner_merge "$S" "$D" || exit 1
            else echo 'COPIED|'; [ -n "$check" ] || { mkdir -p "$(dirname "$D")" && runner_cptree "$S" "$D"; } || exit 1; fi
            """,
            treeOwnership(),
            RemoteStat.command(copy.target, tag: "F"),
            "if [ -d \"$D\" ]; then echo 'TD|1'; fi",
        ]
        let outcome = try context.remote(lines.joined(separator: "\n"))
        guard outcome.rc == 0 else {
            return .failed(outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let probe = ProbeOutput(outcome.stdout)
        var changed = copy.makeDirectories != nil || outcome.stdout.contains("COPIED|")
        var after = RemoteStat.parse(probe, tag: "F")
        if let stat = after {
            var attributes = copy.attributes
            if probe["TD"] != nil, let directoryMode = FileMode(context.args["directory_mode"]) { attributes.mode = directoryMode }
            let file = RemoteFile(path: copy.target, realPath: copy.target, stat: stat, content: nil, identity: copy.identity, parentExists: true)
            let written = try file.write(nil, attributes: attributes, context: context)
            changed = changed || written.attributesChanged
            if !context.checkMode { after = written.stat }
        }
        var v = PyDict()
        v["changed"] = .bool(changed)
        v["checksum"] = Value.none
        v["dest"] = .string(copy.target)
        v["md5sum"] = Value.none
        v["src"] = .string(src)
        for (k, x) in (after?.resultKeys ?? PyDict()).items { v[k] = x }
        return TaskResult(v)
    }
}
