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
        // The search page and JSON API over HTTP.
        .library(name: "AllianceServer", targets: ["AllianceServer"]),
        .executable(name: "alliance-serve", targets: ["alliance-serve"]),
    ],
    dependencies: [
        // SQLite access and migrations, over the system libsqlite3 (FTS5 is built in).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // Command-line parsing for the two executables.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // YAML front matter in Markdown documents.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // HTTP server for `alliance-serve`, on SwiftNIO.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Logic-less HTML templates for the search page, HTML-escaping every value by default.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // NIO's thread pool, where searches (blocking SQLite calls) run off the server's event loops.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // HTTP field names for the server's security headers.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // The server's logger, set to warnings only.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Snowball's stemmers, from Debian's libstemmer-dev (`apt-get install libstemmer-dev`).
        .systemLibrary(
            name: "CStemmer",
            providers: [.apt(["libstemmer-dev"])]
        ),
        // libxml2's HTML parser, from Debian's libxml2-dev, for saved web pages.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // The search engine library.
        .target(
            name: "AllianceSearch",
            dependencies: [
                "CStemmer",
                "CLibXML2",
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
        // The web layer: routes, the pool of read-only engines, page templates. Search itself is `AllianceSearch`.
        .target(
            name: "AllianceServer",
            dependencies: [
                "AllianceSearch",
                .product(name: "Hummingbird", package: "hummingbird"),
                // The HTTP/1 channel's configuration, to add the handlers that answer requests NIO's parser rejects.
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // `alliance-serve`: parses arguments, starts `SearchServer`, prints where it listens.
        .executableTarget(
            name: "alliance-serve",
            dependencies: [
                "AllianceServer",
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
        // Starts `alliance-serve` on a free port: every API status code, hostile input on the page, and the page in
        // headless Chromium.
        .testTarget(
            name: "ServerTests",
            dependencies: ["AllianceServer", "alliance-serve", "alliance-ingest"]
        ),
    ]
)
