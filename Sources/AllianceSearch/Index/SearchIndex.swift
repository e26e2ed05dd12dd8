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
    /// like any other. Two cases need more:
    /// - An index left in rollback-journal mode by an ingest that was killed halfway has a hot journal, which only
    ///   a read-write connection can roll back (`SQLITE_READONLY_ROLLBACK`). When the file is writable, it is
    ///   opened read-write for that, still with `query_only`; otherwise the error says so.
    /// - A write-ahead-log index in a folder where SQLite cannot create the shared-memory file beside it
    ///   (`SQLITE_CANTOPEN`): nobody can be writing it there, so it is opened as immutable.
    static func openUnchecked(at path: String) throws -> SearchIndex {
        try refuseFolder(path)
        guard exists(at: path) else { throw IndexError.missing(path: path) }
        try checkHeader(at: path)
        func open(_ location: String, readonly: Bool) throws -> SearchIndex {
            var configuration = Self.configuration
            configuration.readonly = readonly
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA query_only = 1") }
            let queue = try DatabaseQueue(path: location, configuration: configuration)
            // Opening is lazy in SQLite: the first read is what finds a hot journal or a missing shared-memory file.
            try queue.read { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_schema") }
            return SearchIndex(path: path, queue: queue)
        }
        do {
            do {
                return try open(path, readonly: true)
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_READONLY_ROLLBACK {
                guard FileManager.default.isWritableFile(atPath: path) else {
                    throw IndexError.io(path: path, detail: "an interrupted ingest left it half-written, and it is read-only here; run any search once where it is writable, which rolls the ingest back")
                }
                return try open(path, readonly: false)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN {
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

    /// What every connection to an index needs: the `alliance` tokenizer and `alliance_rank()`, without which the
    /// FTS5 table can be neither read nor written, and a wait of up to 10 s for a lock another process holds.
    public static var configuration: Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in prepare(db) }
        return configuration
    }

    /// Registers the tokenizer and the ranking function on `db`.
    public static func prepare(_ db: Database) {
        TokenizerSettings.register(in: db)
        RankFunction.register(in: db)
    }

    /// Whether there is an index file at `path`: an empty file counts as none (SQLite would treat it as new).
    public static func exists(at path: String) -> Bool {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0 > 0
    }

    /// Refuses a folder given as the index, saying which file to name instead.
    static func refuseFolder(_ path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw IndexError.io(path: path, detail: "it is a folder; name a file in it, such as \((path as NSString).appendingPathComponent("alliance.sqlite"))")
        }
    }

    /// Refuses a file that is not an index: not an SQLite database at all, or one without our application id in its
    /// header (offset 68). Such a file is someone else's, damaged or not, and must never be replaced.
    private static func checkHeader(at path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        let header = [UInt8]((try? handle.read(upToCount: 72)) ?? Data())
        guard header.count == 72, header.prefix(16).elementsEqual(Array("SQLite format 3\u{0}".utf8)) else {
            throw IndexError.foreign(path: path)
        }
        let applicationID = header[68..<72].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        if applicationID != UInt32(bitPattern: IndexSchema.applicationID) { throw IndexError.foreign(path: path) }
    }

    /// Opens an index for writing, creating the file and its schema when it does not exist yet.
    static func openForWriting(at path: String) throws -> SearchIndex {
        try refuseFolder(path)
        if exists(at: path) {
            try checkHeader(at: path)
        } else {
            // A write-ahead log or journal left beside a file that was deleted belongs to that file: SQLite would
            // replay it into the new one.
            for suffix in ["-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
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
