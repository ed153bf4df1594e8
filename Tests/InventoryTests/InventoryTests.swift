// Inventory tests: see issue 4.
