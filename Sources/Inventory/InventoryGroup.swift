import Core

/// One inventory group: its hosts in the order they were added, its child and parent groups
/// (as indices into `Inventory.groups`), its own variables and Ansible's depth and priority.
public struct InventoryGroup: Sendable {
    public let name: String
    /// Longest distance from `all` along child links, as ansible-core keeps it up to date.
    public internal(set) var depth = 0
    /// `ansible_group_priority` (default 1); it is not kept among the group's variables.
    public internal(set) var priority = 1
    /// Indices of the hosts directly in this group, in insertion order.
    public internal(set) var hostIDs: [Int] = []
    var hostSet: Set<Int> = []
    public internal(set) var childIDs: [Int] = []
    public internal(set) var parentIDs: [Int] = []
    /// Variables set by the inventory source itself (not group_vars files).
    public internal(set) var vars = PyDict()

    init(name: String) { self.name = name }
}
