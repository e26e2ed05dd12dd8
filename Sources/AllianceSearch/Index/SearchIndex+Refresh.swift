import Foundation

extension SearchIndex {
    /// Opens an index for searching, building or updating it first when it is missing, stale or built differently.
    ///
    /// - A missing index is built from `corpus/` when that folder exists (the bundled corpus on a fresh clone).
    /// - With `refresh`, an index whose recorded folders changed since it was built (files added, changed or
    ///   deleted, judged by size and date) is updated first, and one built by another version is rebuilt. When the
    ///   update cannot be written (a read-only index, a full disk, damage), the index is searched as it is, with a
    ///   note. The update never waits for another process writing the index: while an ingest runs, the index is
    ///   searched as it is, and a query never makes an ingest wait or fail.
    /// - Files a rebuild that was killed left beside the index are removed, or named when they cannot be.
    ///
    /// What it does is said through `notice`, one line at a time, for stderr; so are the ingest's file errors.
    ///
    /// - Throws: `IndexError` when there is no index and nothing to build it from, or it cannot be read.
    public static func openRefreshing(at path: String, refresh: Bool = true, notice: (String) -> Void) throws -> SearchIndex {
        if try IndexLocation.state(of: path) == .none {
            let corpus = Ingester.defaultCorpus
            guard FileManager.default.fileExists(atPath: corpus) else { throw IndexError.missing(path: path) }
            notice("no index at \(path): building it from \(corpus)/ …")
            // Another process may be building it already: wait for it, then this ingest finds it up to date.
            try ingest(into: path, roots: [corpus], waiting: true, notice: notice)
            return try openForReading(at: path)
        }
        if let leftover = RebuildLeftovers.tidy(beside: path) { notice(leftover) }
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
            try ingest(into: path, roots: [], waiting: !usable, notice: notice)
        } catch IndexError.locked where usable {
            notice("another process is writing \(path); searching it as it is")
        } catch where usable {
            notice("could not update \(path): \(error.localizedDescription); searching it as it is")
        }
        return try openForReading(at: path)
    }

    private static func ingest(into path: String, roots: [String], waiting: Bool, notice: (String) -> Void) throws {
        let report = try withoutActuallyEscaping(notice) { notice in
            try Ingester.run(.init(roots: roots, indexPath: path, waitForWriters: waiting), notice: notice)
        }
        for error in report.errors { notice(error.description) }
        for warning in report.warnings { notice(warning.prefixed("warning")) }
        notice(report.summary)
    }
}
