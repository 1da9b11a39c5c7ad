// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "roster",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "roster", targets: ["roster"]),
        .library(name: "RosterCore", targets: ["RosterCore"]),
        .library(name: "RosterPostgres", targets: ["RosterPostgres"]),
        .library(name: "RosterKafka", targets: ["RosterKafka"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // MARK: - C at the edge
        .systemLibrary(
            name: "CRdkafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"]), .brew(["librdkafka"])]
        ),
        .systemLibrary(
            name: "CLibpq",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),

        // MARK: - Libraries
        .target(
            name: "RosterCore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RosterPostgres",
            dependencies: [
                "CLibpq",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RosterKafka",
            dependencies: [
                "CRdkafka",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RosterWorker",
            dependencies: [
                "RosterCore",
                "RosterPostgres",
                "RosterKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RosterTesting",
            dependencies: [
                "RosterCore",
                "RosterPostgres",
                "RosterKafka",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "roster",
            dependencies: [
                "RosterCore",
                "RosterPostgres",
                "RosterKafka",
                "RosterWorker",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Tests
        .testTarget(
            name: "RosterCoreTests",
            dependencies: ["RosterCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RosterPostgresTests",
            dependencies: [
                "RosterPostgres",
                "RosterTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RosterKafkaTests",
            dependencies: ["RosterKafka", "RosterTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RosterWorkerTests",
            dependencies: ["RosterWorker", "RosterTesting"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
