// swift-tools-version:6.0
import PackageDescription

// Layering (each target imports only those above it in this list):
//   CYaml (libyaml) -> Core (values, diagnostics) -> Vault (swift-crypto) -> YAML -> Jinja, Inventory -> Playbook -> RunnerCLI -> runner
let package = Package(
    name: "runner",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "runner", targets: ["runner"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Python ints are unbounded; YAML and Jinja arithmetic promote to BigInt on overflow.
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.0"),
        // Ansible Vault: AES-256-CTR, HMAC-SHA256 and PBKDF2-HMAC-SHA256 (CryptoExtras has CTR and PBKDF2).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CYaml",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(
            name: "Core",
            dependencies: [.product(name: "BigInt", package: "BigInt")]
        ),
        .target(
            name: "Vault",
            dependencies: [
                "Core",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(name: "YAML", dependencies: ["CYaml", "Core", "Vault"]),
        .target(name: "Jinja", dependencies: ["Core", "YAML", "Vault", .product(name: "BigInt", package: "BigInt")]),
        .target(name: "Inventory", dependencies: ["Core", "YAML"]),
        .target(name: "Playbook", dependencies: ["Core", "YAML"]),
        .target(name: "Connection", dependencies: ["Core"]),
        .target(name: "Modules", dependencies: ["Core", "Jinja", "Connection"]),
        .target(name: "Output", dependencies: ["Core", "YAML", "Modules"]),
        .target(name: "Executor", dependencies: ["Core", "YAML", "Jinja", "Inventory", "Playbook", "Connection", "Modules", "Output", "Vault"]),
        .target(
            name: "RunnerCLI",
            dependencies: [
                "CYaml", "Core", "Vault", "YAML", "Jinja", "Inventory", "Playbook", "Connection", "Executor", "Output",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "runner", dependencies: ["RunnerCLI"]),
        .target(name: "GoldenSupport", dependencies: ["Core"], path: "Tests/GoldenSupport"),
        // Tests read their fixtures from the source tree (paths relative to #filePath).
        .testTarget(name: "CoreTests", dependencies: ["GoldenSupport", "Core"], exclude: ["Fixtures"]),
        .testTarget(name: "VaultTests", dependencies: ["GoldenSupport", "Vault", "YAML", "Core"], exclude: ["Fixtures"]),
        .testTarget(name: "YAMLTests", dependencies: ["GoldenSupport", "YAML", "Core"], exclude: ["Fixtures"]),
        .testTarget(name: "JinjaTests", dependencies: ["GoldenSupport", "Jinja", "Core"], exclude: ["Fixtures"]),
        .testTarget(name: "InventoryTests", dependencies: ["GoldenSupport", "Inventory", "Core"], exclude: ["Fixtures"]),
        .testTarget(name: "PlaybookTests", dependencies: ["GoldenSupport", "Playbook", "Core"], exclude: ["Fixtures"]),
        .testTarget(name: "OutputTests", dependencies: ["GoldenSupport", "Output", "YAML", "Core"]),
        .testTarget(name: "RunnerCLITests", dependencies: ["GoldenSupport", "RunnerCLI", "Core"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
