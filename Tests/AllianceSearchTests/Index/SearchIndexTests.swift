import Foundation
import GRDB
import GRDBSQLite
import Testing
@testable import AllianceSearch

/// How an index is opened for searching: read-only, and still able to recover what an interrupted ingest left.
struct SearchIndexTests {
    /// A search connection is opened with `SQLITE_OPEN_READONLY`: SQLite itself refuses a write, whatever the SQL.
    @Test func aSearchConnectionIsReadOnly() throws {
        let space = try IngesterTests.Workspace([
            "a.md": Fixtures.markdown(id: "a", title: "Alpha collective", body: "Domestic workers organising."),
        ])
        defer { space.remove() }
        _ = try space.ingest()
        let index = try SearchIndex.openForReading(at: space.indexPath)
        try index.queue.inDatabase { db in
            #expect(sqlite3_db_readonly(db.sqliteConnection, "main") == 1)
            #expect(throws: DatabaseError.self) { try db.execute(sql: #"DELETE FROM "documents""#) }
        }
        #expect(try SearchEngine(index: index).search(SearchRequest(query: "domestic")).hits.map(\.id) == ["a"])
    }

    /// An index in rollback-journal mode whose ingest died halfway has a hot journal. A read-only connection cannot
    /// roll it back, so a writable index is opened read-write for that (still `query_only`): the search sees the
    /// state before the ingest, and the journal is gone.
    @Test func aHotJournalIsRolledBackBeforeASearch() throws {
        let space = try IngesterTests.Workspace([
            "a.md": Fixtures.markdown(id: "a", title: "Alpha collective", body: "Domestic workers organising."),
        ])
        defer { space.remove() }
        _ = try space.ingest()
        let crashed = space.indexPath + ".crashed"
        let writer = try DatabaseQueue(path: space.indexPath, configuration: SearchIndex.configuration)
        try writer.inDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = DELETE; PRAGMA cache_size = 1")
            try db.execute(sql: "BEGIN IMMEDIATE")
            // Enough rows that the one-page cache spills them into the database file before any commit.
            try db.execute(sql: #"CREATE TABLE "half_written"("x")"#)
            for _ in 0..<2_000 { try db.execute(sql: #"INSERT INTO "half_written" VALUES (randomblob(1000))"#) }
            // A copy taken now is what a power cut at this moment would leave: the file and its hot journal.
            try FileManager.default.copyItem(atPath: space.indexPath, toPath: crashed)
            try FileManager.default.copyItem(atPath: space.indexPath + "-journal", toPath: crashed + "-journal")
            try db.execute(sql: "ROLLBACK")
        }
        try writer.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: crashed + "-journal")).count > 512, "no hot journal was made")

        let index = try SearchIndex.openForReading(at: crashed)
        #expect(try SearchEngine(index: index).search(SearchRequest(query: "domestic")).hits.map(\.id) == ["a"])
        let tables = try index.read { db in
            try String.fetchAll(db, sql: #"SELECT "name" FROM "sqlite_schema" WHERE "name" = 'half_written'"#)
        }
        #expect(tables.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: crashed + "-journal"))
        #expect(try IndexCheck.run(indexPath: crashed).isSound)
    }
}

/// What an index whose settings were damaged or edited by hand says of itself.
struct RecordedSettingsTests {
    @Test(arguments: ["abc", "100000000000000000000", ""])
    func aSchemaVersionThatIsNotANumberIsNamed(value: String) throws {
        let space = try IngesterTests.Workspace(["a.md": Fixtures.markdown(id: "a", title: "Alpha", body: "Domestic work.")])
        defer { space.remove() }
        _ = try space.ingest()
        let queue = try DatabaseQueue(path: space.indexPath)
        try queue.write { db in
            try db.execute(sql: #"UPDATE "index_settings" SET "value" = ? WHERE "key" = 'schema_version'"#, arguments: [value])
        }
        try queue.close()
        let expected = "its recorded schema_version is \(String(reflecting: value)), not a number"
        #expect(throws: IndexError.corrupt(path: space.indexPath, detail: expected)) {
            try SearchIndex.openForReading(at: space.indexPath)
        }
        #expect(throws: IndexError.corrupt(path: space.indexPath, detail: expected)) { try space.ingest() }
        #expect(try IndexCheck.run(indexPath: space.indexPath).problems == [expected])
        // A rebuild replaces it.
        #expect(try space.ingest(rebuild: true).documentCount == 1)
    }

    /// A search leaves no file beside the index: the log and shared-memory file a read-only connection cannot
    /// remove are removed once it closes, when nobody else has the index open.
    @Test func aSearchLeavesNoFileBesideTheIndex() throws {
        let space = try IngesterTests.Workspace(["a.md": Fixtures.markdown(id: "a", title: "Alpha", body: "Domestic work.")])
        defer { space.remove() }
        _ = try space.ingest()
        let folder = URL(fileURLWithPath: space.indexPath).deletingLastPathComponent().path
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["test.sqlite"])
        do {
            let index = try SearchIndex.openForReading(at: space.indexPath)
            #expect(try SearchEngine(index: index).search(SearchRequest(query: "domestic")).total == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["test.sqlite", "test.sqlite-shm", "test.sqlite-wal"])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["test.sqlite"])
    }

    /// Roots that are not a list are named too: read as none, they would be written back as none.
    @Test func rootsThatAreNotAListAreNamed() throws {
        let space = try IngesterTests.Workspace(["a.md": Fixtures.markdown(id: "a", title: "Alpha", body: "Domestic work.")])
        defer { space.remove() }
        _ = try space.ingest()
        let queue = try DatabaseQueue(path: space.indexPath)
        try queue.write { db in try db.execute(sql: #"UPDATE "index_settings" SET "value" = 'not json' WHERE "key" = 'roots'"#) }
        try queue.close()
        let expected = "its recorded roots is \"not json\", not a list of folders and files"
        #expect(throws: IndexError.corrupt(path: space.indexPath, detail: expected)) { try space.ingest() }
        #expect(try IndexCheck.run(indexPath: space.indexPath).problems == [expected])
    }

    /// An index a newer build made is never written by this one: not by a repair either.
    @Test func aRepairDoesNotWriteAnIndexOfANewerSchema() throws {
        let space = try IngesterTests.Workspace(["a.md": Fixtures.markdown(id: "a", title: "Alpha", body: "Domestic work.")])
        defer { space.remove() }
        _ = try space.ingest()
        let queue = try DatabaseQueue(path: space.indexPath)
        try queue.write { db in
            try db.execute(sql: #"UPDATE "index_settings" SET "value" = '99' WHERE "key" = 'schema_version'"#)
            try Scrub.markPending(db)
        }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: space.indexPath))
        #expect(throws: IndexError.newerSchema(path: space.indexPath, found: 99, supported: IndexSchema.version)) {
            try IndexCheck.run(indexPath: space.indexPath, repair: true)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: space.indexPath)) == before)
    }

    /// A query's update never waits for a scrub: with one pending and a reader holding an old state, the update is
    /// written and the query answers at once; the scrub is left for an ingest or a purge.
    @Test func aQuerysUpdateDoesNotWaitForAPendingScrub() throws {
        let space = try IngesterTests.Workspace(["a.md": Fixtures.markdown(id: "a", title: "Alpha", body: "Domestic work.")])
        defer { space.remove() }
        _ = try space.ingest()
        let marker = try DatabaseQueue(path: space.indexPath, configuration: SearchIndex.configuration)
        try marker.write { db in try Scrub.markPending(db) }
        try marker.close()
        let reader = try DatabaseQueue(path: space.indexPath, configuration: SearchIndex.configuration)
        let holding = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try? reader.read { db in
                _ = try Int.fetchOne(db, sql: #"SELECT count(*) FROM "documents""#)
                holding.signal()
                release.wait()
            }
        }
        holding.wait()
        defer { release.signal() }
        try space.write("b.md", Fixtures.markdown(id: "b", title: "Beta", body: "Domestic work abroad."))
        let start = Date()
        let index = try SearchIndex.openRefreshing(at: space.indexPath) { _ in }
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(try index.documentCount() == 2)
        #expect(try index.read { db in try Scrub.pendingSince(db) } != nil)
    }
}
