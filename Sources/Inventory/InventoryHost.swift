import Core

/// One inventory host: its variables from the inventory source and its groups (indices into
/// `Inventory.groups`, ancestors included, in the order ansible-core records them).
public struct InventoryHost: Sendable {
    public let name: String
    public internal(set) var vars = PyDict()
    public internal(set) var groupIDs: [Int] = []
    var groupSet: Set<Int> = []
    /// The implicit localhost: not in any group, not matched by `all`.
    public internal(set) var implicit = false

    init(name: String) { self.name = name }
}
