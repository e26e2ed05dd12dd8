// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "AllianceSearch",
    platforms: [.macOS(.v13)],
    products: [
        // All behaviour: corpus reading, tokenisation, indexing, query parsing, ranking, snippets, output.
        .library(name: "AllianceSearch", targets: ["AllianceSearch"]),
        // Thin command-line front ends over the library.
        .executable(name: "alliance-ingest", targets: ["alliance-ingest"]),
        .executable(name: "alliance-query", targets: ["alliance-query"]),
    ],
    dependencies: [
        // SQLite access and migrations, over the system libsqlite3 (FTS5 is built in).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // Command-line parsing for the two executables.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // YAML front matter in Markdown documents.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Snowball's stemmers, from Debian's libstemmer-dev (`apt-get install libstemmer-dev`).
        .systemLibrary(
            name: "CStemmer",
            providers: [.apt(["libstemmer-dev"])]
        ),
        // The search engine library.
        .target(
            name: "AllianceSearch",
            dependencies: [
                "CStemmer",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the FTS5 tokenizer and ranking function written in Swift.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // `alliance-ingest`: parses arguments, calls `Ingester`, prints the report.
        .executableTarget(
            name: "alliance-ingest",
            dependencies: [
                "AllianceSearch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `alliance-query`: parses arguments, calls `SearchEngine`, renders the results.
        .executableTarget(
            name: "alliance-query",
            dependencies: [
                "AllianceSearch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `alliance-bench`: in-process measurements for bench/perf.py (raw FTS5 with our tokenizer, library latency).
        .executableTarget(
            name: "alliance-bench",
            dependencies: [
                "AllianceSearch",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Library tests, one folder per library folder, on the bundled corpus and temporary corpora.
        .testTarget(
            name: "AllianceSearchTests",
            dependencies: ["AllianceSearch"],
            // Data read from the source tree by path: golden outputs and the per-language fixtures.
            exclude: ["Support/Golden", "Support/Languages"]
        ),
        // Runs the built executables and checks stdout, stderr and exit codes.
        .testTarget(
            name: "CLITests",
            dependencies: ["alliance-ingest", "alliance-query", "alliance-bench"]
        ),
    ]
)
