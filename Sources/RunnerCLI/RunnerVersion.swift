import CYaml
import Foundation

/// What `runner --version` prints, shaped like `ansible-playbook --version`.
enum RunnerVersion {
    static let version = "0.1.0"
    static let ansibleCompatibility = "2.21"

    static var versionText: String {
        text(configFile: AnsibleConfig.load(environment: ProcessInfo.processInfo.environment).file)
    }

    /// The version block naming the ansible.cfg in effect (ansible prints "None" without one).
    static func text(configFile: String?) -> String {
        let yaml = String(cString: yaml_get_version_string())
        let exe = CommandLine.arguments.first.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? "runner"
        return """
        runner \(version) [compatible with ansible-core \(ansibleCompatibility)]
          config file = \(configFile ?? "None")
          executable location = \(exe)
          libyaml version = \(yaml)
        """
    }
}
