import Foundation
import GRDB

/// The connection a search reads an index through, and how it is opened for the user who runs the search.
///
/// Every search connection is read-only (`SQLITE_OPEN_READONLY`, and `PRAGMA query_only` as well), so an index on
/// read-only media, or one the user may only read, is searched like any other. A search never removes files either:
/// a read-write connection that outlived a rebuild (which renames a new file over the index) would, on closing,
/// delete the new file's write-ahead log by its name. Three cases need more:
/// - An index left in rollback-journal mode by an ingest that was killed halfway has a hot journal, which only a
///   read-write connection can roll back (`SQLITE_READONLY_ROLLBACK`). When the file is ours and writable, it is
///   opened read-write for that, still with `query_only`; otherwise the error says where to run a search.
/// - A user who could not remove the log and shared-memory file a write-ahead-log read makes beside the index (the
///   file or its folder is another user's), when nobody has them open: the index is read as immutable, without
///   locks, so that no file of this user's is left in the owner's way.
/// - Where SQLite cannot make or use the shared-memory file for such a user (`SQLITE_CANTOPEN`, `SQLITE_READONLY`,
///   `SQLITE_PROTOCOL` after a writer was killed): immutable too.
///
/// An immutable connection sees no later change by itself, so it keeps the file's `Fingerprint`: when the file
/// changes (a commit reaches it, a purge rewrites it, a writer opens its log), the connection is opened again.
final class ReadConnection: @unchecked Sendable {
    private let path: String
    private let lock = NSLock()
    private var current: DatabaseQueue
    /// For an immutable connection, the file as it was when opened; `nil` for one that follows changes itself.
    private var frozen: Fingerprint?
    /// How many times the connection was opened again: what a cache of the index's contents is keyed by, with
    /// `PRAGMA data_version`, which a new connection starts again.
    private(set) var generation = 0

    /// The file's identity, size and date, and whether a writer has the log open: what tells an immutable reader
    /// that the file changed.
    struct Fingerprint: Equatable {
        var device: UInt64, inode: UInt64, size: Int64, modified: Int, modifiedNanoseconds: Int
        var sharedMemory: Bool

        init?(_ target: String) {
            var info = stat()
            guard stat(target, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modified = info.st_mtim.tv_sec
            modifiedNanoseconds = info.st_mtim.tv_nsec
            sharedMemory = FileKind.at(target + "-shm") != .missing
        }
    }

    private init(path: String, queue: DatabaseQueue, frozen: Fingerprint?) {
        self.path = path
        current = queue
        self.frozen = frozen
    }

    /// A connection that is what it is: a writer's, or a check's.
    convenience init(path: String, queue: DatabaseQueue) {
        self.init(path: path, queue: queue, frozen: nil)
    }

    var queue: DatabaseQueue { lock.withLock { current } }

    /// Whether it was opened immutable (it takes no locks and creates no file).
    var isImmutable: Bool { lock.withLock { frozen != nil } }

    /// Opens a search connection to the index at `path`, as this user can.
    static func open(at path: String) throws -> ReadConnection {
        let (queue, frozen) = try openQueue(at: path)
        return ReadConnection(path: path, queue: queue, frozen: frozen)
    }

    /// Opens the connection again when it is immutable and the file changed since; returns whether it did.
    @discardableResult
    func reopenIfChanged() throws -> Bool {
        try lock.withLock {
            guard let frozen, Fingerprint(IndexLocation.writablePath(path)) != frozen else { return false }
            let (queue, fingerprint) = try Self.openQueue(at: path)
            try? current.close()
            current = queue
            self.frozen = fingerprint
            generation += 1
            return true
        }
    }

    private static func openQueue(at path: String) throws -> (DatabaseQueue, Fingerprint?) {
        let target = IndexLocation.writablePath(path)
        let folder = URL(fileURLWithPath: target).deletingLastPathComponent().path
        let canTidy = access(target, R_OK | W_OK) == 0 && access(folder, W_OK | X_OK) == 0
        let idle = FileKind.at(target + "-shm") == .missing && FileKind.at(target + "-journal") == .missing
        if !canTidy && idle { return try immutable(path, target) }
        do {
            return (try queue(path, readonly: true), nil)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_READONLY_ROLLBACK {
            // Rolling back writes the file: only when it is ours.
            try SearchIndex.checkHeader(at: path)
            guard access(target, W_OK) == 0 else {
                throw IndexError.io(path: path, detail: "an interrupted ingest left it half-written, and it is read-only here; run any search once where it is writable, which rolls the ingest back")
            }
            return (try queue(path, readonly: false), nil)
        } catch let error as DatabaseError
            where !canTidy && [.SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PROTOCOL].contains(error.resultCode)
        {
            return try immutable(path, target)
        }
    }

    private static func immutable(_ path: String, _ target: String) throws -> (DatabaseQueue, Fingerprint?) {
        let fingerprint = Fingerprint(target)
        return (try queue(immutableURI(path), readonly: true), fingerprint)
    }

    /// A search connection at `location`, opened: SQLite opens lazily, and the first read is what finds a hot
    /// journal, a file that is not a database, or a shared-memory file it cannot make.
    private static func queue(_ location: String, readonly: Bool) throws -> DatabaseQueue {
        var configuration = SearchIndex.configuration
        configuration.readonly = readonly
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA query_only = 1") }
        let queue = try DatabaseQueue(path: location, configuration: configuration)
        try queue.read { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_schema") }
        return queue
    }

    /// `file:…?immutable=1` for `path`, percent-encoded (SQLite here is built with URI file names).
    static func immutableURI(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let absolute = (path as NSString).isAbsolutePath ? path : FileManager.default.currentDirectoryPath + "/" + path
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }
}
