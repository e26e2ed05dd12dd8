import Foundation
import GRDB

/// An open index file.
///
/// Opening checks that the file is an Alliance Search index this build can read (`PRAGMA application_id` and the
/// recorded schema version), so that a wrong `--index` path or a damaged file is reported as such and not as an
/// SQL error halfway through a query.
public final class SearchIndex: Sendable {
    /// The path as the user gave it, for messages.
    public let path: String
    let connection: ReadConnection
    var queue: DatabaseQueue { connection.queue }

    private init(path: String, connection: ReadConnection) {
        self.path = path
        self.connection = connection
    }

    /// Closes the connection, then removes what it left beside the index (`removeUnusedCompanions(of:)`).
    deinit {
        try? queue.close()
        Self.removeUnusedCompanions(of: path)
    }

    /// Removes the write-ahead log and shared-memory file that a read-only connection leaves behind (SQLite lets
    /// only a read-write one remove them), when no other process has the index open.
    ///
    /// They are removed by SQLite itself, through a read-write connection that only opens and closes, under the
    /// index's `WriterLock` (taken here, or already held by this process): no rebuild can rename another file into
    /// place meanwhile, and SQLite removes them only when it can lock the whole file, that is, when nobody else
    /// reads or writes it. Where another process holds the lock (it removes them itself) or the user may not write
    /// the file (an immutable reader made none), nothing is done.
    static func removeUnusedCompanions(of path: String) {
        let target = IndexLocation.writablePath(path)
        guard ["-wal", "-shm"].contains(where: { FileKind.at(target + $0) != .missing }), access(target, W_OK) == 0 else {
            return
        }
        let lock = WriterLock.isHeldHere(for: path) ? nil : try? WriterLock.acquire(for: path, waiting: false)
        guard lock != nil || WriterLock.isHeldHere(for: path) else { return }
        defer { lock?.release() }
        var configuration = Configuration()
        configuration.busyMode = .immediateError
        guard let tidier = try? DatabaseQueue(path: target, configuration: configuration) else { return }
        _ = try? tidier.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_schema") }
        try? tidier.close()
    }

    /// The index path used when neither `--index` nor `ALLIANCE_INDEX` names one.
    public static let defaultPath = "index/alliance.sqlite"

    /// The index path from an option, else from the `ALLIANCE_INDEX` environment variable, else the default.
    public static func resolvePath(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let option, !option.isEmpty { return option }
        if let path = environment["ALLIANCE_INDEX"], !path.isEmpty { return path }
        return defaultPath
    }

    /// Opens an existing index for searching.
    ///
    /// - Throws: `IndexError.missing` when there is no file; `.corrupt`, `.foreign`, `.incompatible` or
    ///   `.newerSchema` when it cannot be searched as an index of this version.
    public static func openForReading(at path: String) throws -> SearchIndex {
        let index = try openUnchecked(at: path)
        let settings = try index.settings()
        if settings.schemaVersion > IndexSchema.version {
            throw IndexError.newerSchema(path: path, found: settings.schemaVersion, supported: IndexSchema.version)
        }
        if let reason = settings.rebuildReason { throw IndexError.incompatible(path: path, reason: reason) }
        return index
    }

    /// The settings recorded in the index at `path`, whichever version built it.
    public static func recordedSettings(at path: String) throws -> IndexSettings {
        try openUnchecked(at: path).settings()
    }

    /// Opens a search connection (`ReadConnection`) and checks that the file is ours, whatever its version.
    ///
    /// - Throws: `IndexError` for a missing, foreign or damaged file, or a path that is no file at all.
    static func openUnchecked(at path: String) throws -> SearchIndex {
        guard try IndexLocation.state(of: path) == .file else { throw IndexError.missing(path: path) }
        // The header is read by SQLite here, never through a descriptor of our own: closing one would drop every
        // lock this process's other connections hold on the file (POSIX locks are the process's), and a writer
        // could then remove the log they read. A read-only connection changes nothing in a file that is not ours.
        do {
            let index = SearchIndex(path: path, connection: try ReadConnection.open(at: path))
            try index.checkApplicationID()
            return index
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            removeUnusedCompanions(of: path)
            throw IndexError.foreign(path: path)
        } catch let error as IndexError {
            removeUnusedCompanions(of: path)
            throw error
        } catch {
            removeUnusedCompanions(of: path)
            throw IndexError.translating(error, path: path)
        }
    }

    /// Puts the index in write-ahead-log mode, which the file keeps: readers see the last committed state while
    /// an ingest writes, and neither waits for the other (in rollback-journal mode a long ingest could lock
    /// queries out for longer than their busy timeout). A file system that cannot share memory (some network
    /// drives) keeps the rollback journal, as does an index another process is reading at that moment (the switch
    /// needs it alone; the next ingest switches it).
    static func useWriteAheadLog(_ queue: DatabaseQueue) {
        queue.inDatabase { db in _ = try? String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
    }

    /// How long a connection waits for a lock another process holds, in seconds.
    static let busyTimeout: TimeInterval = 10

    /// What every connection to an index needs: the `alliance` tokenizer and `alliance_rank()`, without which the
    /// FTS5 table can be neither read nor written, and a wait of up to 10 s for a lock another process holds.
    public static var configuration: Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in prepare(db) }
        return configuration
    }

    /// Registers the tokenizer and the ranking function on `db`.
    public static func prepare(_ db: Database) {
        TokenizerSettings.register(in: db)
        RankFunction.register(in: db)
    }

    /// Refuses a file that is not an index: not an SQLite database at all, or one without our application id in its
    /// header (offset 68). Such a file is someone else's, damaged or not, and must never be replaced.
    ///
    /// Read through a descriptor of its own, before SQLite may write the file (a rollback replays a journal into
    /// it): only where this process holds no connection to the file, since closing the descriptor drops the
    /// process's locks on it.
    static func checkHeader(at path: String) throws {
        guard let descriptor = try? FileKind.openForReading(path) else { return }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        defer { try? handle.close() }
        let header = [UInt8]((try? handle.read(upToCount: 72)) ?? Data())
        guard header.count == 72, header.prefix(16).elementsEqual(Array("SQLite format 3\u{0}".utf8)) else {
            throw IndexError.foreign(path: path)
        }
        let applicationID = header[68..<72].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        if applicationID != UInt32(bitPattern: IndexSchema.applicationID) { throw IndexError.foreign(path: path) }
    }

    /// Opens an index for writing, creating the file and its schema when it does not exist yet.
    ///
    /// An existing index must pass SQLite's quick check before anything is written to it (`quickCheck(_:)`), here
    /// or, with `checkingLater`, by the caller just before its first write (an ingest that finds nothing to do
    /// writes nothing, and does not pay for reading every page).
    static func openForWriting(at path: String, checkingLater: Bool = false) throws -> SearchIndex {
        let existing = try IndexLocation.state(of: path) == .file
        if existing {
            try checkHeader(at: path)
        } else {
            // A write-ahead log or journal left beside a file that was deleted belongs to that file: SQLite would
            // replay it into the new one.
            try IndexLocation.removeCompanions(of: path)
        }
        let configuration = Self.configuration
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let index = SearchIndex(path: path, connection: ReadConnection(path: path, queue: queue))
            try index.checkApplicationID()
            if existing, let settings = try index.read({ db in try IndexSettings.fetch(db) }),
                settings.schemaVersion > IndexSchema.version
            {
                // Its tables are a newer build's: writing them with this build's SQL could break them.
                throw IndexError.newerSchema(path: path, found: settings.schemaVersion, supported: IndexSchema.version)
            }
            if existing && !checkingLater { try index.read { db in try index.quickCheck(db) } }
            try IndexSchema.migrator.migrate(queue)
            useWriteAheadLog(queue)
            return index
        } catch let error as CocoaError {
            throw IndexError.io(path: path, detail: error.localizedDescription)
        } catch {
            throw IndexError.translating(error, path: path)
        }
    }

    /// The recorded settings.
    ///
    /// - Throws: `IndexError.foreign` for an SQLite file that is not an index, `.corrupt` for one that is damaged.
    public func settings() throws -> IndexSettings {
        try read { db in
            try checkApplicationID(db)
            guard let settings = try IndexSettings.fetch(db) else {
                throw IndexError.corrupt(path: path, detail: "its settings are missing")
            }
            return settings
        }
    }

    /// Stops the statement running on this index's connection, from any thread (`sqlite3_interrupt`): it fails
    /// with `SQLITE_INTERRUPT`. A no-op when none runs.
    public func interrupt() {
        queue.interrupt()
    }

    /// How many documents the index holds, in constant time (FTS5's own count).
    public func documentCount() throws -> Int {
        try read { db in try IndexSchema.documentCount(db) }
    }

    /// Runs `body` in a read transaction, translating SQLite errors into `IndexError` (other errors pass through).
    ///
    /// An immutable connection (`ReadConnection`) is opened again first when the file changed, and once more when a
    /// read fails because a writer changed the file under it.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            try connection.reopenIfChanged()
            do {
                return try queue.read(body)
            } catch let error as DatabaseError where connection.isImmutable {
                guard try connection.reopenIfChanged() else { throw error }
                return try queue.read(body)
            }
        } catch {
            throw IndexError.translating(error, path: path)
        }
    }

    /// Changes with every reopening of an immutable connection: a cache keyed by `PRAGMA data_version` must
    /// also be keyed by this, since a new connection counts its versions again.
    var generation: Int { connection.generation }

    /// Runs `body` in one write transaction: all of it is committed, or none of it.
    ///
    /// GRDB begins it `IMMEDIATE` on a writable connection: it takes the write lock when it begins, so a second
    /// ingest waits for the first (up to the busy timeout) instead of failing when it first writes on a snapshot
    /// that is no longer the latest.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.write(body)
        } catch {
            throw IndexError.translating(error, path: path)
        }
    }

    /// Throws `IndexError.corrupt` with SQLite's first finding when `PRAGMA quick_check` finds damage (every page
    /// and cell, without comparing indexes with their tables: 0.3 s on a 378 MB index): a write to a damaged file
    /// could spread the damage, so it must stop before it begins, and nothing is written.
    func quickCheck(_ db: Database) throws {
        let findings: [String]
        do {
            findings = try String.fetchAll(db, sql: "PRAGMA quick_check(3)")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
            // Some damage stops the check itself before it can list what it found.
            throw IndexError.corrupt(path: path, detail: "SQLite's quick check stopped at a damaged page; nothing was written")
        }
        guard findings != ["ok"] else { return }
        // SQLite heads its findings with the schema's name; the first line after says where the damage is.
        let lines = findings.flatMap { $0.split(separator: "\n") }.filter { !$0.hasPrefix("***") }
        let more = lines.count > 1 ? ", and \(lines.count - 1) more finding(s)" : ""
        throw IndexError.corrupt(
            path: path, detail: "SQLite's quick check found damage: \(lines.first ?? "unknown")\(more); nothing was written")
    }

    /// `write(_:)`, whose damage errors say that nothing was written (the transaction was rolled back).
    func writeOrNothing<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try write(body)
        } catch let error as IndexError {
            throw error.unwritten()
        }
    }

    private func checkApplicationID() throws {
        try read { db in try checkApplicationID(db) }
    }

    /// An empty file (a new index) has no application id and no tables; anything else must carry ours.
    private func checkApplicationID(_ db: Database) throws {
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        if applicationID == IndexSchema.applicationID { return }
        let tableCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_schema") ?? 0
        if applicationID != 0 || tableCount > 0 { throw IndexError.foreign(path: path) }
    }
}
