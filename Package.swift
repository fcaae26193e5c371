// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "LeadRouter",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LeadRouterCore", targets: ["LeadRouterCore"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        .target(
            name: "LeadRouterCore",
            dependencies: [
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "HashTreeCollections", package: "swift-collections"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "LeadRouterCoreTests",
            dependencies: ["LeadRouterCore"]
        ),
    ]
)
