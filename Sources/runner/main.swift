import Foundation
import RunnerCLI
#if canImport(Glibc)
import Glibc
#endif

// Signals blocked by whatever started runner (some test harnesses and supervisors block them
// and spawn with that mask) would keep Ctrl-C and SIGTERM from ever reaching runner and its
// children: start from an empty mask, before any thread exists to inherit the old one.
var emptyMask = sigset_t()
sigemptyset(&emptyMask)
sigprocmask(SIG_SETMASK, &emptyMask, nil)

exit(RunnerMain.run(Array(CommandLine.arguments.dropFirst())))
