import Foundation

extension SearchIndex {
    /// Opens an index for searching, building or updating it first when it is missing, stale or built differently.
    ///
    /// - A missing index is built from `corpus/` when that folder exists (the bundled corpus on a fresh clone).
    /// - With `refresh`, an index whose recorded folders changed since it was built (files added, changed or
    ///   deleted, judged by size and date) is updated first, and one built by another version is rebuilt. When the
    ///   update cannot be written (a read-only index, a full disk), the index is searched as it is, with a note.
    ///
    /// What it does is said through `notice`, one line at a time, for stderr; so are the ingest's file errors.
    ///
    /// - Throws: `IndexError` when there is no index and nothing to build it from, or it cannot be read.
    public static func openRefreshing(at path: String, refresh: Bool = true, notice: (String) -> Void) throws -> SearchIndex {
        if !exists(at: path) {
            let corpus = Ingester.defaultCorpus
            guard FileManager.default.fileExists(atPath: corpus) else { throw IndexError.missing(path: path) }
            notice("no index at \(path): building it from \(corpus)/ …")
            try ingest(into: path, roots: [corpus], notice: notice)
            return try openForReading(at: path)
        }
        let usable: Bool
        do {
            let index = try openForReading(at: path)
            guard refresh, let change = try Ingester.staleness(of: index) else { return index }
            notice("the corpus changed since \(path) was built (\(change)): updating it …")
            usable = true
        } catch IndexError.incompatible(_, let reason) where refresh {
            notice("\(path) must be rebuilt (\(reason)): rebuilding it …")
            usable = false
        }
        do {
            try ingest(into: path, roots: [], notice: notice)
        } catch where usable {
            notice("could not update \(path): \(error.localizedDescription); searching it as it is")
        }
        return try openForReading(at: path)
    }

    private static func ingest(into path: String, roots: [String], notice: (String) -> Void) throws {
        let report = try Ingester.run(.init(roots: roots, indexPath: path))
        for error in report.errors { notice(error.description) }
        for warning in report.warnings { notice(warning.prefixed("warning")) }
        notice(report.summary)
    }
}
