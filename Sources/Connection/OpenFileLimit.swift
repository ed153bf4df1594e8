#if canImport(Glibc)
import Glibc
#endif

/// The open-file limit of the run. Each host holds a few descriptors for the whole run (its
/// persistent shells' pipes and master socket), so a fleet of hundreds needs more than the
/// common soft limit of 1,024: the soft limit is raised to the hard one (at most 65,536, which
/// children inherit, and some close every descriptor up to it), as ssh-heavy tools do.
/// Where even the hard limit runs short, a shell cannot start and its tasks open their own
/// sessions instead.
public enum OpenFileLimit {
    public static func raiseToHardLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        let target = min(limit.rlim_max, 65536)
        guard limit.rlim_cur < target else { return }
        limit.rlim_cur = target
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
