// swift-tools-version:6.1
import PackageDescription

// A separate package so that users of LeadRouter never resolve benchmark dependencies.
let package = Package(
    name: "LeadRouterBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "LeadRouter", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
    ],
    targets: [
        .target(
            name: "BenchmarkWorkload",
            dependencies: [.product(name: "LeadRouterCore", package: "LeadRouter")]
        ),
        // What leadbench and the servers it compares agree on: the roster, the Route message, the
        // gRPC method.
        .target(
            name: "LoadProtocol",
            dependencies: [
                .product(name: "LeadRouterWire", package: "LeadRouter"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "leadbench",
            dependencies: [
                "LoadProtocol",
                .product(name: "LeadRouterWire", package: "LeadRouter"),
                .product(name: "LeadRouterClient", package: "LeadRouter"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ],
            path: "Sources/LeadBench"
        ),
        // The ceiling reference: the same Route message answered with a fixed reply, no engine.
        .executableTarget(
            name: "CeilingServer",
            dependencies: [
                "LoadProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // What a team would build instead: the same engine behind grpc-swift-2 over HTTP/2.
        .executableTarget(
            name: "GRPCPeer",
            dependencies: [
                "LoadProtocol",
                .product(name: "LeadRouterCore", package: "LeadRouter"),
                .product(name: "LeadRouterWire", package: "LeadRouter"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ]
        ),
        .executableTarget(
            name: "DurabilityBench",
            dependencies: [
                .product(name: "LeadRouterTesting", package: "LeadRouter"),
                .product(name: "LeadRouterClient", package: "LeadRouter"),
                .product(name: "LeadRouterServer", package: "LeadRouter"),
                .product(name: "LeadRouterStorage", package: "LeadRouter"),
                .product(name: "LeadRouterCore", package: "LeadRouter"),
            ]
        ),
        .executableTarget(
            name: "TailProbe",
            dependencies: ["BenchmarkWorkload", .product(name: "LeadRouterCore", package: "LeadRouter")]
        ),
        .executableTarget(
            name: "EngineProbe",
            dependencies: ["BenchmarkWorkload", .product(name: "LeadRouterCore", package: "LeadRouter")]
        ),
        .executableTarget(
            name: "RouteDecision",
            dependencies: [
                "BenchmarkWorkload",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LeadRouterCore", package: "LeadRouter"),
            ],
            path: "Benchmarks/RouteDecision",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
