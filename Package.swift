// swift-tools-version:6.1
// Tern: a Linkerd-compatible service mesh. Layout and dependency rules: DESIGN.md §3.
// Dependencies point one way: executables → runtimes → adapters → domain.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

let package = Package(
    name: "Tern",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tern", targets: ["tern"]),
        .executable(name: "tern-proxy", targets: ["tern-proxy"]),
        .executable(name: "tern-controller", targets: ["tern-controller"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Identity and mTLS (issue 3): TLS, X.509, gRPC identity service, lifecycle, logging.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // Domain: shared vocabulary, no I/O.
        .target(name: "TernCore", swiftSettings: swiftSettings),
        // Resource models, YAML/JSON decoding, validation, cluster state.
        .target(
            name: "TernResources",
            dependencies: ["TernCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // Istio → Gateway API / Linkerd policy translation with findings (`tern migrate`).
        .target(
            name: "TernMigrate",
            dependencies: ["TernCore", "TernResources", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // Pure decisions and the domain values control plane and proxy share. No NIO, no gRPC.
        .target(name: "TernPolicy", dependencies: ["TernCore"], swiftSettings: swiftSettings),
        // The control plane: cluster indexes, identity/destination/policy servers.
        // Workload identity: CA, CSR, leaf issuance, peer verification, NIOSSL contexts.
        .target(
            name: "TernTLS",
            dependencies: [
                "TernCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "TernControl", dependencies: ["TernCore", "TernPolicy", "TernResources"], swiftSettings: swiftSettings),
        // Executables: thin, parse config and run.
        .executableTarget(
            name: "tern",
            dependencies: [
                "TernCore", "TernResources", "TernMigrate",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "tern-proxy", dependencies: ["TernCore"], swiftSettings: swiftSettings),
        .executableTarget(name: "tern-controller", dependencies: ["TernCore"], swiftSettings: swiftSettings),
        // Tests.
        .testTarget(name: "TernCLITests", dependencies: ["tern"], swiftSettings: swiftSettings),
        .testTarget(name: "TernPolicyTests", dependencies: ["TernPolicy", "TernCore"], swiftSettings: swiftSettings),
        .testTarget(name: "TernControlTests", dependencies: ["TernControl", "TernPolicy", "TernResources", "TernCore"], swiftSettings: swiftSettings),
        .testTarget(name: "TernCoreTests", dependencies: ["TernCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TernResourcesTests",
            dependencies: ["TernResources", "TernCore", .product(name: "Yams", package: "Yams")],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TernMigrateTests",
            dependencies: ["TernMigrate", "TernResources", "TernCore", .product(name: "Yams", package: "Yams")],
            resources: [.copy("Golden")],
            swiftSettings: swiftSettings
        ),
    ]
)
