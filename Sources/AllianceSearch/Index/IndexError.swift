import Foundation
import GRDB

/// A problem with the index file itself: missing, unreadable, damaged, busy, built differently, or out of space.
///
/// `alliance-query` exits with status 3 on these, and `alliance-ingest` too. Each message says what to run next.
public enum IndexError: Error, Sendable, LocalizedError, Equatable {
    /// No index file at the path, and no default corpus to build one from.
    case missing(path: String)
    /// The file is not an SQLite database, or SQLite found it damaged.
    case corrupt(path: String, detail: String)
    /// A file that is not an Alliance Search index (another SQLite database, or no database at all): never replaced.
    case foreign(path: String)
    /// Built with another schema version or tokenizer: it must be rebuilt before this version can search it.
    case incompatible(path: String, reason: String)
    /// Built by a newer version of Alliance Search; this one cannot read it.
    case newerSchema(path: String, found: Int, supported: Int)
    /// Another process holds a lock on the index for longer than the busy timeout.
    case locked(path: String)
    /// The disk (or the file system's quota) is full. Nothing was changed.
    case diskFull(path: String)
    /// The path, or a file the index keeps beside it, is not a regular file (a folder, a pipe, a device, a socket,
    /// a link that leads nowhere): it can never be an index, and is left as it is.
    case wrongKind(path: String, detail: String)
    /// Any other SQLite or file-system failure.
    case io(path: String, detail: String)
    /// Documents were removed, and no search finds them any more, but the scrub that overwrites their text in the
    /// file could not finish (`Scrub`): their text may still be in it. The index records this, and the next purge,
    /// ingest or `--check --repair` finishes the scrub.
    case scrubUnfinished(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .missing(let path):
            "no index at \(path); build one with `alliance-ingest PATH… --index \(path)`"
        case .corrupt(let path, let detail):
            "the index \(path) is damaged (\(detail)); rebuild it with `alliance-ingest --rebuild --index \(path)`"
        case .foreign(let path):
            "\(path) is not an Alliance Search index; point --index at another file (or delete this one, if it is a damaged index)"
        case .incompatible(let path, let reason):
            "the index \(path) must be rebuilt: \(reason); run `alliance-ingest --rebuild --index \(path)`"
        case .newerSchema(let path, let found, let supported):
            "the index \(path) has schema version \(found), newer than this build supports (\(supported)); upgrade Alliance Search or rebuild with `alliance-ingest --rebuild --index \(path)`"
        case .locked(let path):
            "the index \(path) is locked by another process; wait for it to finish and try again"
        case .diskFull(let path):
            "the disk is full while writing \(path); nothing was changed. Free some space and run the command again"
        case .io(let path, let detail), .wrongKind(let path, let detail):
            "cannot use the index \(path): \(detail)"
        case .scrubUnfinished(let path, let reason):
            "the documents were removed from \(path) and no search finds them, but their text may still be in the index file: \(reason). The unfinished scrub is recorded in the index; run `alliance-ingest --check --repair --index \(path)` to finish it"
        }
    }

    /// Translates an SQLite error met while using the index at `path` into a message of ours: SQLite's own text
    /// (and the SQL it was running) is not for users.
    static func translating(_ error: any Error, path: String) -> any Error {
        if let malformed = error as? IndexSettings.Malformed {
            return IndexError.corrupt(path: path, detail: malformed.detail)
        }
        guard let error = error as? DatabaseError else { return error }
        switch error.resultCode {
        case .SQLITE_NOTADB:
            return IndexError.corrupt(path: path, detail: "it is not a database")
        case .SQLITE_CORRUPT:
            return IndexError.corrupt(path: path, detail: "its pages are damaged")
        case .SQLITE_ERROR where (error.message ?? "").hasPrefix("fts5: syntax error") || (error.message ?? "").contains("unterminated string"):
            // The query reached FTS5 in a form it cannot read: a defect of ours, reported as a query error.
            return QueryError.unreadable(detail: "FTS5 could not read the expression built from it; please report this query")
        case .SQLITE_ERROR where (error.message ?? "").contains("no such") || (error.message ?? "").contains("fts5"):
            return IndexError.corrupt(path: path, detail: "its tables are not those of an index of this version")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return IndexError.locked(path: path)
        case .SQLITE_FULL:
            return IndexError.diskFull(path: path)
        case .SQLITE_READONLY:
            return IndexError.io(path: path, detail: "the file or its folder is read-only to this user")
        case .SQLITE_CANTOPEN:
            return IndexError.io(path: path, detail: "it cannot be opened; check that its folder exists and can be written")
        case .SQLITE_PROTOCOL:
            return IndexError.io(path: path, detail: "its write-ahead log is in a state only a writer can recover (a writer was stopped mid-write); run an ingest, or any search where the index is writable")
        case .SQLITE_PERM:
            return IndexError.io(path: path, detail: "permission denied")
        case .SQLITE_IOERR where isNearlyFull(folderOf: path):
            // A write, or growing the shared-memory file, that failed for want of space reaches SQLite as an
            // input/output error; the space left tells the two apart.
            return IndexError.diskFull(path: path)
        case .SQLITE_IOERR:
            return IndexError.io(path: path, detail: "the disk reported an input/output error")
        default:
            return IndexError.io(path: path, detail: "unexpected database error \(error.resultCode.rawValue)")
        }
    }

    /// Whether the file system holding `path` has less than a megabyte left for this user.
    static func isNearlyFull(folderOf path: String) -> Bool {
        var info = statvfs()
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard statvfs(folder, &info) == 0 else { return false }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize) < 1 << 20
    }

    /// The same error, saying that the write it stopped left the index as it was: for damage met inside a write
    /// transaction, which SQLite rolled back.
    func unwritten() -> IndexError {
        guard case .corrupt(let path, let detail) = self, !detail.contains("nothing was written") else { return self }
        return .corrupt(path: path, detail: detail + "; nothing was written")
    }

    /// The same error about `path`, when it was met on the temporary file `temporary` of a rebuild.
    func naming(_ path: String, instead temporary: String) -> IndexError {
        switch self {
        case .diskFull: return .diskFull(path: path)
        case .io(let other, let detail) where other == temporary: return .io(path: path, detail: detail)
        case .locked(let other) where other == temporary: return .locked(path: path)
        case .corrupt(let other, let detail) where other == temporary: return .io(path: path, detail: detail)
        default: return self
        }
    }
}
