import Foundation
import RunnerCLI

exit(RunnerMain.run(Array(CommandLine.arguments.dropFirst())))
