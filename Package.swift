// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Aftercare",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "aftercare", targets: ["aftercare"])
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing.git", from: "1.19.7"),
    ],
    targets: [
        .target(
            name: "AftercareDomain",
            path: "Sources/AftercareDomain"
        ),
        .target(
            name: "AftercareDispatch",
            path: "Sources/AftercareDispatch"
        ),
        .target(
            name: "AftercareStore",
            dependencies: [
                "AftercareDomain",
                "AftercareDispatch",
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQL", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "AftercareServer",
            dependencies: [
                "AftercareDomain",
                "AftercareStore",
                "AftercareDispatch",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "Leaf", package: "leaf"),
            ]
        ),
        .executableTarget(
            name: "aftercare",
            dependencies: ["AftercareServer"]
        ),
        .target(
            name: "AftercareTestSupport",
            dependencies: [
                "AftercareStore",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
            ],
            path: "Tests/AftercareTestSupport"
        ),
        .testTarget(name: "AftercareDomainTests", dependencies: ["AftercareDomain"]),
        .testTarget(name: "AftercareDispatchTests", dependencies: ["AftercareDispatch"]),
        .testTarget(
            name: "AftercareStoreTests",
            dependencies: ["AftercareStore", "AftercareDomain", "AftercareTestSupport"]
        ),
        .testTarget(
            name: "AftercareServerTests",
            dependencies: [
                "AftercareServer",
                "AftercareStore",
                "AftercareDomain",
                "AftercareTestSupport",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
            ],
            exclude: ["__Snapshots__"]
        ),
    ]
)
