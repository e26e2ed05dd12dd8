import Foundation
import Testing

/// What the tools do with an index that is damaged, half-scrubbed, or has a stopped rebuild beside it: writes stop
/// before they change anything, reads say what they met, and every message says the state the index is in.
struct IndexStateTests {
    /// Runs the sqlite3 shell on `index` and returns what it printed.
    @discardableResult
    static func sqlite3(_ index: URL, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [index.path, sql]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Overwrites the cell pointers of one leaf page of the `documents` table: SQLite's checks find it, and a read
    /// that walks the whole table meets it.
    static func damageDocumentsPage(of index: URL) throws {
        let pages = try sqlite3(index, "SELECT pageno FROM dbstat WHERE name = 'documents' AND pagetype = 'leaf' ORDER BY pageno")
            .split(separator: "\n").compactMap { Int($0) }
        let page = try #require(pages.dropFirst(pages.count / 2).first, "dbstat lists no leaf page of documents")
        let pageSize = try #require(Int(try sqlite3(index, "PRAGMA page_size").trimmingCharacters(in: .whitespacesAndNewlines)))
        let handle = try FileHandle(forUpdating: index)
        try handle.seek(toOffset: UInt64((page - 1) * pageSize + 8))
        try handle.write(contentsOf: Data(repeating: 0xFF, count: 64))
        try handle.close()
    }

    /// A damaged page in `documents`: `--check` finds it; an ingest, a purge and a query's update stop before
    /// writing, with exit 3 and the advice to rebuild, and leave the file byte for byte as it was; a query that
    /// reads the damaged page says so; a rebuild mends it.
    @Test func writesToADamagedIndexStopBeforeChangingIt() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = folder.appendingPathComponent("index/alliance.sqlite")
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).status == 0)
        try Self.damageDocumentsPage(of: index)
        let damaged = try Data(contentsOf: index)
        #expect(try CLIRunner.run("alliance-ingest", ["--check"], in: folder).status == 3)

        // Every file changed, so that an ingest has work to write.
        let now = Date()
        for file in FileManager.default.enumerator(atPath: folder.appendingPathComponent("corpus").path)!.compactMap({ $0 as? String }) {
            try FileManager.default.setAttributes([.modificationDate: now], ofItemAtPath: folder.appendingPathComponent("corpus/\(file)").path)
        }
        let advice = "rebuild it with `alliance-ingest --rebuild --index index/alliance.sqlite`"
        for arguments in [["corpus"], ["--purge", "ndwm"], ["--secure"]] {
            let result = try CLIRunner.run("alliance-ingest", arguments, in: folder)
            #expect(result.status == 3, "\(arguments): \(result.stdout)")
            #expect(result.stderr.contains("is damaged (SQLite's quick check"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("nothing was written") && result.stderr.contains(advice), "\(arguments): \(result.stderr)")
            #expect(try Data(contentsOf: index) == damaged, "\(arguments) changed the file")
        }
        // A query's update is refused the same way, and the query says so before searching what is there.
        let refreshed = try CLIRunner.run("alliance-query", ["domestic"], in: folder)
        #expect(refreshed.stderr.contains("could not update index/alliance.sqlite: the index index/alliance.sqlite is damaged"), "\(refreshed.stderr)")
        #expect(try Data(contentsOf: index) == damaged)
        // A search that reads every document meets the damaged page.
        let filtered = try CLIRunner.run("alliance-query", ["--no-refresh", "type:organisation"], in: folder)
        #expect(filtered.status == 3, "\(filtered.stdout)")
        #expect(filtered.stderr.contains("is damaged"), "\(filtered.stderr)")
        // No file is left beside it by any of this.
        #expect(try FileManager.default.contentsOfDirectory(atPath: index.deletingLastPathComponent().path) == ["alliance.sqlite"])

        let rebuilt = try CLIRunner.run("alliance-ingest", ["--rebuild"], in: folder)
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(try CLIRunner.run("alliance-ingest", ["--check"], in: folder).status == 0)
    }

    /// Settings that cannot be what they say are named, not reported as missing.
    @Test(arguments: ["abc", "100000000000000000000"])
    func aBrokenSchemaVersionIsNamed(value: String) throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = folder.appendingPathComponent("index/alliance.sqlite")
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).status == 0)
        try Self.sqlite3(index, "UPDATE index_settings SET value = '\(value)' WHERE key = 'schema_version'")
        for (tool, arguments) in [("alliance-query", ["--no-refresh", "police"]), ("alliance-ingest", ["corpus"])] {
            let result = try CLIRunner.run(tool, arguments, in: folder)
            #expect(result.status == 3)
            #expect(result.stderr.contains("is damaged (its recorded schema_version is \"\(value)\", not a number)"), "\(result.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: index.deletingLastPathComponent().path) == ["alliance.sqlite"])
    }

    /// A rebuild killed halfway leaves its file; the next search of any kind removes it.
    @Test func theFileOfAKilledRebuildIsRemovedByTheNextSearch() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).status == 0)
        let lines = (0..<30_000).map { #"{"id": "bulk-\#($0)", "title": "Bulk \#($0)", "body": "Generated text about recruitment fees, number \#($0)."}"# }
        try lines.joined(separator: "\n").write(to: folder.appendingPathComponent("bulk.jsonl"), atomically: true, encoding: .utf8)
        let indexFolder = folder.appendingPathComponent("index").path
        func leftovers() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: indexFolder)) ?? []).filter { $0.contains(".rebuild-") }
        }
        // Killed once its file is there; tried again should the rebuild finish first.
        for _ in 0..<5 where leftovers().isEmpty {
            let (rebuild, _, _) = try CLIRunner.start("alliance-ingest", ["--rebuild", "corpus", "bulk.jsonl"], in: folder)
            while rebuild.isRunning && leftovers().isEmpty { usleep(5_000) }
            usleep(50_000)
            kill(rebuild.processIdentifier, SIGKILL)
            rebuild.waitUntilExit()
        }
        try #require(!leftovers().isEmpty, "every rebuild ended before it could be killed")

        let query = try CLIRunner.run("alliance-query", ["--no-refresh", "police brutality"], in: folder)
        #expect(query.status == 0, "\(query.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: indexFolder) == ["alliance.sqlite"])
    }

    /// A purge while another process reads: it waits for the reader, then finishes, and no copy of the text is left.
    @Test func aPurgeWaitsForAReaderThenFinishes() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let marker = "qzvorpaltimnex"
        try Data("---\nid: secret\ntitle: Testimony of \(marker)\n---\nThe survivor \(marker) named the recruiter.\n".utf8)
            .write(to: folder.appendingPathComponent("corpus/secret.md"))
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).status == 0)
        // Python's sqlite3 (no tokenizer needed for `documents`) holds a read transaction for 3 s.
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        reader.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            c = sqlite3.connect('index/alliance.sqlite', isolation_level=None)
            c.execute('BEGIN'); c.execute('SELECT count(*) FROM documents').fetchall()
            print('holding', flush=True); time.sleep(3); c.execute('COMMIT')
            """]
        reader.currentDirectoryURL = folder
        let readerOut = Pipe()
        reader.standardOutput = readerOut
        try reader.run()
        _ = readerOut.fileHandleForReading.availableData
        try FileManager.default.removeItem(at: folder.appendingPathComponent("corpus/secret.md"))
        let purge = try CLIRunner.run("alliance-ingest", ["--purge", "secret"], in: folder)
        reader.waitUntilExit()
        #expect(purge.status == 0, "\(purge.stderr)")
        #expect(purge.stdout.contains("purged 1 document(s)"))
        let bytes = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("index").path)
            .map { try Data(contentsOf: folder.appendingPathComponent("index/\($0)")) }
        #expect(!bytes.contains { $0.range(of: Data(marker.utf8)) != nil })
        #expect(try CLIRunner.run("alliance-ingest", ["--check"], in: folder).status == 0)
    }

    /// Damage that SQLite does not notice while reading: a page of `documents` whose rows it skips. A search whose
    /// hits are on it says the index is damaged instead of showing a short page.
    @Test func aSearchThatMeetsLostRowsSaysTheIndexIsDamaged() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = folder.appendingPathComponent("index/alliance.sqlite")
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).status == 0)
        try Self.damageDocumentsPage(of: index)
        // Every document holds "the": the page of twenty holds those on the damaged page.
        let result = try CLIRunner.run("alliance-query", ["--no-refresh", "--format", "json", "--limit", "20", "the"], in: folder)
        #expect(result.status == 3, "\(result.stdout.prefix(300))")
        #expect(result.stderr.contains("is damaged"), "\(result.stderr)")
    }
}
