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
    let queue: DatabaseQueue

    private init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
    }

    /// Closes the connection, then removes the write-ahead log and shared-memory file that a read-only connection
    /// leaves behind (SQLite lets only a read-write one remove them), when no other process has the index open.
    ///
    /// They are removed by SQLite itself, through a read-write connection that only opens and closes, under the
    /// index's `WriterLock` (taken here, or already held by this process): no rebuild can rename another file into
    /// place meanwhile, and SQLite removes them only when it can lock the whole file, that is, when nobody else
    /// reads or writes it. Where another process holds the lock (it removes them itself) or the folder is
    /// read-only, nothing is done.
    deinit {
        try? queue.close()
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

    /// Opens a read-only connection (`SQLITE_OPEN_READONLY`, and `PRAGMA query_only` as well).
    ///
    /// Searching never needs to write, so an index on read-only media, or one the user may only read, is searched
    /// like any other. A search never removes files either: a read-write connection that outlived a rebuild (which
    /// renames a new file over the index) would, on closing, delete the new file's write-ahead log by its name.
    /// Two cases need more:
    /// - An index left in rollback-journal mode by an ingest that was killed halfway has a hot journal, which only
    ///   a read-write connection can roll back (`SQLITE_READONLY_ROLLBACK`). When the file is writable, it is
    ///   opened read-write for that, still with `query_only`; otherwise the error says so.
    /// - A write-ahead-log index where SQLite cannot create or use the shared-memory file beside it
    ///   (`SQLITE_CANTOPEN`, or `SQLITE_READONLY` in a folder this user may not write): it is read as immutable,
    ///   without locks. What it holds is whole; a write another user makes meanwhile is seen at the next open.
    ///
    /// - Throws: `IndexError` for a missing, foreign or damaged file, or a path that is no file at all.
    static func openUnchecked(at path: String) throws -> SearchIndex {
        guard try IndexLocation.state(of: path) == .file else { throw IndexError.missing(path: path) }
        // The header is read by SQLite here, never through a descriptor of our own: closing one would drop every
        // lock this process's other connections hold on the file (POSIX locks are the process's), and a writer
        // could then remove the log they read. A read-only connection changes nothing in a file that is not ours.
        func open(_ location: String, readonly: Bool) throws -> SearchIndex {
            var configuration = Self.configuration
            configuration.readonly = readonly
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA query_only = 1") }
            let queue = try DatabaseQueue(path: location, configuration: configuration)
            // Opening is lazy in SQLite: the first read is what finds a hot journal or a missing shared-memory file.
            try queue.read { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_schema") }
            let index = SearchIndex(path: path, queue: queue)
            try index.checkApplicationID()
            return index
        }
        do {
            do {
                return try open(path, readonly: true)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
                throw IndexError.foreign(path: path)
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_READONLY_ROLLBACK {
                // Rolling back writes the file: only when it is ours.
                try checkHeader(at: path)
                guard access(path, W_OK) == 0 else {
                    throw IndexError.io(path: path, detail: "an interrupted ingest left it half-written, and it is read-only here; run any search once where it is writable, which rolls the ingest back")
                }
                return try open(path, readonly: false)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN || error.resultCode == .SQLITE_READONLY {
                // Only where this user cannot make the shared-memory file: elsewhere `SQLITE_READONLY` is a passing
                // state of a log a writer is recovering, and an immutable connection would never see its commits.
                let folder = URL(fileURLWithPath: IndexLocation.writablePath(path)).deletingLastPathComponent().path
                guard error.resultCode == .SQLITE_CANTOPEN || access(folder, W_OK) != 0 else { throw error }
                return try open(immutableURI(path), readonly: true)
            }
        } catch let error as IndexError {
            throw error
        } catch {
            throw IndexError.translating(error, path: path)
        }
    }

    /// `file:…?immutable=1` for `path`, percent-encoded (SQLite here is built with URI file names).
    static func immutableURI(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let absolute = (path as NSString).isAbsolutePath ? path : FileManager.default.currentDirectoryPath + "/" + path
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
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
    private static func checkHeader(at path: String) throws {
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
            let index = SearchIndex(path: path, queue: queue)
            try index.checkApplicationID()
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
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch {
            throw IndexError.translating(error, path: path)
        }
    }

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
