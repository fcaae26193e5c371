// swift-tools-version:6.1
import PackageDescription

// A separate package so that users of LeadRouter never resolve benchmark dependencies.
let package = Package(
    name: "LeadRouterBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "LeadRouter", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "BenchmarkWorkload",
            dependencies: [.product(name: "LeadRouterCore", package: "LeadRouter")]
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
