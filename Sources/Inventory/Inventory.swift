/// Inventory sources, variables and host patterns (issue 4).
