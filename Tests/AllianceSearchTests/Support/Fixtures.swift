import Foundation
@testable import AllianceSearch

/// Paths and builders shared by the library tests.
enum Fixtures {
    /// The package's root folder, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The bundled corpus.
    /// The CACM test collection: `$ALLIANCE_SHARED/eval/cacm`, else `../shared/eval/cacm` beside the package.
    static let cacm: URL = {
        let shared = ProcessInfo.processInfo.environment["ALLIANCE_SHARED"].map { URL(fileURLWithPath: $0) }
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return shared.appendingPathComponent("eval/cacm")
    }()

    static let corpus = packageRoot.appendingPathComponent("corpus").path

    /// A new, empty temporary folder, removed by the caller with `cleanUp`.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("alliance-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `files` (relative path → contents) under `folder`.
    static func write(_ files: [String: String], under folder: URL) throws {
        for (relative, contents) in files {
            try write(Data(contents.utf8), to: folder.appendingPathComponent(relative))
        }
    }

    static func write(_ data: Data, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    /// An index of the bundled corpus, built once per test process in a temporary folder.
    static let corpusIndex: SearchIndex = {
        let folder = try! temporaryFolder()
        let path = folder.appendingPathComponent("corpus.sqlite").path
        _ = try! Ingester.run(.init(roots: [corpus], indexPath: path))
        return try! SearchIndex.openForReading(at: path)
    }()

    /// Searches the bundled corpus.
    static func search(
        _ query: String, limit: Int = 20, types: [String] = [], match: MatchMode = .auto, fragments: Int = 1,
        facets: [Facet] = [], explain: Bool = false, raw: Bool = false, strict: Bool = false
    ) throws -> SearchResults {
        try SearchEngine(index: corpusIndex).search(SearchRequest(
            query: query, limit: limit, filters: QueryFilters(types: types), match: match, raw: raw, strict: strict,
            facets: facets, fragments: fragments, explain: explain))
    }

    /// Writes `files` into a new temporary folder, ingests it, and returns a search engine over it with the
    /// folder (for the caller to remove).
    static func engine(indexing files: [String: String]) throws -> (SearchEngine, URL) {
        let folder = try temporaryFolder()
        try write(files, under: folder)
        let indexPath = folder.appendingPathComponent("index.sqlite").path
        _ = try Ingester.run(.init(roots: [folder.path], indexPath: indexPath))
        return (SearchEngine(index: try SearchIndex.openForReading(at: indexPath)), folder)
    }

    /// A Markdown document with front matter.
    static func markdown(id: String, title: String, body: String, issues: [String] = []) -> String {
        """
        ---
        id: \(id)
        type: organisation
        title: \(title)
        issues: [\(issues.joined(separator: ", "))]
        ---
        \(body)
        """
    }
}
