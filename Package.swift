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
        .executable(name: "tern-bench-certify", targets: ["tern-bench-certify"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Identity and mTLS (issue 3): TLS, X.509, gRPC identity service, lifecycle, logging.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
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
        // gRPC messages and stubs generated from Protos/ by scripts/generate-protos.sh (committed).
        .target(
            name: "TernAPI",
            dependencies: [
                "TernCore", "TernPolicy",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
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
        // The control plane (identity server now; destination/policy later).
        .target(
            name: "TernControl",
            dependencies: [
                "TernCore", "TernTLS", "TernAPI", "TernPolicy", "TernResources",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The data plane (identity certifier now; listeners and stacks with the proxy issue).
        .target(
            name: "TernProxy",
            dependencies: [
                "TernCore", "TernTLS", "TernAPI", "TernPolicy",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Pure decisions and the domain values control plane and proxy share. No NIO, no gRPC.
        .target(name: "TernPolicy", dependencies: ["TernCore"], swiftSettings: swiftSettings),
        // The local runtime: netns + iptables pods, process supervision, the Faces demo workloads
        // (small NIO HTTP/1 servers and clients) and `tern check`'s table of checks.
        .target(
            name: "TernLocal",
            dependencies: [
                "TernCore", "TernResources", "TernTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Executables: thin, parse config and run.
        .executableTarget(
            name: "tern",
            dependencies: [
                "TernCore", "TernResources", "TernTLS", "TernMigrate", "TernAPI", "TernPolicy", "TernLocal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tern-proxy",
            dependencies: [
                "TernCore", "TernTLS", "TernProxy",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tern-controller",
            dependencies: [
                "TernCore", "TernTLS", "TernControl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmarks (bench/): Certify throughput against an in-process identity server.
        .executableTarget(
            name: "tern-bench-certify",
            dependencies: ["TernCore", "TernTLS", "TernControl", "TernProxy"],
            path: "bench/certify",
            swiftSettings: swiftSettings
        ),
        // Benchmarks (bench/): control-plane change propagation against a real tern-controller.
        .executableTarget(
            name: "tern-bench-controller",
            dependencies: [
                "TernAPI", "TernPolicy",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            path: "bench/controller",
            swiftSettings: swiftSettings
        ),
        // Tests.
        .testTarget(name: "TernCLITests", dependencies: ["tern", "tern-controller"], swiftSettings: swiftSettings),
        .testTarget(name: "TernPolicyTests", dependencies: ["TernPolicy", "TernCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TernControlTests",
            dependencies: [
                "TernControl", "TernPolicy", "TernResources", "TernCore", "TernAPI",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TernCoreTests", dependencies: ["TernCore"], swiftSettings: swiftSettings),
        .testTarget(name: "TernLocalTests", dependencies: ["TernLocal", "TernCore", "TernResources", "tern"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TernProxyTests",
            dependencies: [
                "TernProxy", "TernCore", "TernTLS", "TernControl", "TernResources", "TernAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TernTLSTests",
            dependencies: [
                "TernCore", "TernTLS", "TernAPI", "TernControl", "TernProxy",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "TernCore", "TernTLS", "TernLocal",
                // The HTTP test server (HTTP/1.1 and h2c on one port) and the gRPC test service.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TernResourcesTests",
            dependencies: ["TernResources", "TernCore", .product(name: "Yams", package: "Yams")],
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
