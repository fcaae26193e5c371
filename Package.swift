// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "LeadRouter",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LeadRouterCore", targets: ["LeadRouterCore"]),
        .library(name: "LeadRouterClient", targets: ["LeadRouterClient"]),
        .library(name: "LeadRouterServer", targets: ["LeadRouterServer"]),
        .library(name: "LeadRouterTesting", targets: ["LeadRouterTesting"]),
        .library(name: "LeadRouterStorage", targets: ["LeadRouterStorage"]),
        .library(name: "LeadRouterWire", targets: ["LeadRouterWire"]),
        .executable(name: "leadrouter", targets: ["leadrouter"]),
        .executable(name: "leadctl", targets: ["leadctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .target(
            name: "LeadRouterCore",
            dependencies: [
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "HashTreeCollections", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "LeadRouterWire",
            dependencies: [
                "LeadRouterCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(
            name: "LeadRouterStorage",
            dependencies: [
                "LeadRouterCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "LeadRouterServer",
            dependencies: [
                "LeadRouterCore",
                "LeadRouterWire",
                "LeadRouterStorage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "LeadRouterClient",
            dependencies: [
                "LeadRouterWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "LeadRouterTesting",
            dependencies: ["LeadRouterServer", "LeadRouterClient", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "leadrouter",
            dependencies: [
                "LeadRouterServer",
                "LeadRouterStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "leadctl",
            dependencies: [
                "LeadRouterClient",
                "LeadRouterWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Clients/leadctl"
        ),
        .testTarget(
            name: "LeadRouterCoreTests",
            dependencies: ["LeadRouterCore"]
        ),
        .testTarget(
            name: "LeadRouterStorageTests",
            dependencies: ["LeadRouterStorage", .product(name: "Atomics", package: "swift-atomics")]
        ),
        .testTarget(
            name: "LeadRouterWireTests",
            dependencies: [
                "LeadRouterWire", .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "LeadRouterIntegrationTests",
            dependencies: [
                "LeadRouterTesting", "LeadRouterStorage", .product(name: "Atomics", package: "swift-atomics"),
            ]
        ),
    ]
)
