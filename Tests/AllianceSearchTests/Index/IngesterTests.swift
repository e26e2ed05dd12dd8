import Foundation
import GRDB
import Testing
@testable import AllianceSearch

/// Incremental ingest on temporary corpora.
struct IngesterTests {
    /// A temporary corpus folder and an index path beside it.
    struct Workspace {
        let folder: URL
        var corpus: URL { folder.appendingPathComponent("corpus") }
        var indexPath: String { folder.appendingPathComponent("index/test.sqlite").path }

        init(_ files: [String: String]) throws {
            folder = try Fixtures.temporaryFolder()
            try Fixtures.write(files, under: corpus)
        }

        func ingest(rebuild: Bool = false) throws -> IngestReport {
            try Ingester.run(.init(roots: [corpus.path], indexPath: indexPath, rebuild: rebuild))
        }

        func ids(_ query: String) throws -> [String] {
            try SearchEngine(index: SearchIndex.openForReading(at: indexPath)).search(SearchRequest(query: query)).hits.map(\.id)
        }

        func write(_ relative: String, _ contents: String) throws {
            try Fixtures.write([relative: contents], under: corpus)
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    private let starting = [
        "orgs/a.md": Fixtures.markdown(id: "a", title: "Alpha collective", body: "Domestic workers organising."),
        "orgs/b.md": Fixtures.markdown(id: "b", title: "Beta network", body: "Sex workers against police violence."),
        "notes.txt": "Gamma notes\nReturnee migrants and recruitment fees.",
        "export.jsonl": """
            {"id": "j1", "title": "Jay one", "body": "Access to justice for trafficked persons."}
            {"id": "j2", "title": "Jay two", "body": "Accountability of stakeholders."}
            """,
    ]

    @Test func addChangeAndDeleteChangeTheCountsAndTheResults() throws {
        let space = try Workspace(starting)
        defer { space.remove() }

        var report = try space.ingest()
        #expect((report.added, report.updated, report.unchanged, report.removed, report.failed) == (5, 0, 0, 0, 0))
        #expect(report.documentCount == 5)
        #expect(report.rebuildReason == "there was no index")
        #expect(try space.ids("notes") == ["corpus/notes"])

        report = try space.ingest()
        #expect((report.added, report.updated, report.unchanged, report.removed) == (0, 0, 5, 0))

        // Change one file, add one, delete one, and change one record of the JSONL export.
        try space.write("orgs/a.md", Fixtures.markdown(id: "a", title: "Alpha collective", body: "Household workers organising."))
        try space.write("orgs/c.md", Fixtures.markdown(id: "c", title: "Gamma union", body: "Domestic workers union."))
        try FileManager.default.removeItem(at: space.corpus.appendingPathComponent("orgs/b.md"))
        try space.write("export.jsonl", """
            {"id": "j1", "title": "Jay one", "body": "Access to justice for trafficked persons."}
            {"id": "j2", "title": "Jay two", "body": "Accountability of all stakeholders."}
            """)
        report = try space.ingest()
        #expect((report.added, report.updated, report.unchanged, report.removed, report.failed) == (1, 2, 2, 1, 0))
        #expect(report.documentCount == 5)
        #expect(report.rebuildReason == nil)
        #expect(try space.ids("domestic") == ["c"])
        #expect(try space.ids("household") == ["a"])
        #expect(try space.ids("police").isEmpty)
        #expect(try space.ids("all stakeholders") == ["j2"])

        // A record removed from the export is removed from the index.
        try space.write("export.jsonl", #"{"id": "j1", "title": "Jay one", "body": "Access to justice."}"#)
        report = try space.ingest()
        #expect((report.updated, report.removed) == (1, 1))
        #expect(try space.ids("accountability").isEmpty)
    }

    @Test func aBrokenFileIsNamedAndTheOthersAreStillIndexed() throws {
        var files = starting
        files["orgs/broken.md"] = "---\nid: broken\ntitle: [unclosed\n---\nBody"
        files["orgs/untitled.md"] = "---\nid: untitled\n---\nNo title here"
        let space = try Workspace(files)
        defer { space.remove() }
        let report = try space.ingest()
        #expect(report.added == 5)
        #expect(report.failed == 2)
        let descriptions = report.errors.map(\.description)
        #expect(descriptions.contains { $0.hasSuffix("corpus/orgs/broken.md:4: invalid YAML front matter: while parsing a flow sequence did not find expected ',' or ']'") },
                "\(descriptions)")
        #expect(descriptions.contains { $0.hasSuffix("corpus/orgs/untitled.md:1: missing title: add a 'title' field") })
        // A broken file is read again next time, and reported again, until it is fixed.
        let again = try space.ingest()
        #expect((again.failed, again.unchanged) == (2, 5))
        try space.write("orgs/broken.md", Fixtures.markdown(id: "broken", title: "Mended", body: "Fixed now."))
        try FileManager.default.removeItem(at: space.corpus.appendingPathComponent("orgs/untitled.md"))
        let fixed = try space.ingest()
        #expect((fixed.added, fixed.failed) == (1, 0))
    }

    @Test func aFileThatBreaksKeepsTheDocumentsItHad() throws {
        let space = try Workspace(starting)
        defer { space.remove() }
        _ = try space.ingest()
        var bytes = Data("Gamma notes\nReturnee ".utf8)
        bytes.append(0xFF)
        try Fixtures.write(bytes, to: space.corpus.appendingPathComponent("notes.txt"))
        let report = try space.ingest()
        #expect(report.failed == 1)
        #expect(report.errors.first?.description.hasSuffix("notes.txt:2: invalid UTF-8 at byte 21; re-save the file as UTF-8 (for example with `iconv -t UTF-8`)") == true)
        #expect(try space.ids("returnee") == ["corpus/notes"])
    }

    @Test func aDuplicateIDIsAnErrorNamingBothFiles() throws {
        var files = starting
        files["orgs/z-copy.md"] = Fixtures.markdown(id: "a", title: "Copy of alpha", body: "Copy.")
        let space = try Workspace(files)
        defer { space.remove() }
        let report = try space.ingest()
        #expect(report.failed == 1)
        let message = try #require(report.errors.first?.description)
        #expect(message.contains("orgs/z-copy.md:1: duplicate id \"a\": "))
        #expect(message.contains("orgs/a.md:1 already uses it"))
    }

    /// Within one export the first line with an id wins, whether the second is in the same batch or thousands of
    /// lines later, in a new index or in one being updated; the file keeps its errors and is read again next time.
    @Test(arguments: [false, true])
    func aDuplicateIDInsideAnExportNamesItsFirstLine(updating: Bool) throws {
        var lines = (1...12_000).map { #"{"id": "r\#($0)", "title": "Record \#($0)", "body": "Migrant domestic workers."}"# }
        lines.insert(#"{"id": "r2", "title": "Again", "body": "Second use of r2."}"#, at: 3)
        lines.append(#"{"id": "r11000", "title": "Late again", "body": "Much later."}"#)
        let space = try Workspace(updating ? starting : [:])
        defer { space.remove() }
        if updating { _ = try space.ingest() }
        try space.write("big.jsonl", lines.joined(separator: "\n"))
        let report = try space.ingest()
        let messages = report.errors.map(\.description)
        #expect(messages.count == 2)
        #expect(messages.first?.hasSuffix("big.jsonl:4: duplicate id \"r2\" (first used on line 2); ids must be unique") == true)
        #expect(messages.last?.hasSuffix("big.jsonl:12002: duplicate id \"r11000\" (first used on line 11001); ids must be unique") == true)
        #expect(report.added == 12_000)
        #expect(try space.ids("again").isEmpty)
        #expect(try space.ids("\"record 11000\"") == ["r11000"])
    }

    @Test func anUnreadableFileIsReportedAndTheRestIndexed() throws {
        guard getuid() != 0 else { return }  // root reads every file: the permission cannot be taken away.
        let space = try Workspace(starting)
        defer { space.remove() }
        let locked = space.corpus.appendingPathComponent("orgs/a.md").path
        chmod(locked, 0)
        defer { chmod(locked, 0o644) }
        let report = try space.ingest()
        #expect(report.failed == 1)
        #expect(report.errors.first?.message.hasPrefix("cannot read: Permission denied") == true)
    }

    @Test func aFailedIngestLeavesThePreviousIndexIntact() throws {
        let space = try Workspace(starting)
        defer { space.remove() }
        _ = try space.ingest()
        let before = try Data(contentsOf: URL(fileURLWithPath: space.indexPath))

        // Hold a write lock from another connection: the ingest cannot commit and must change nothing.
        try space.write("orgs/c.md", Fixtures.markdown(id: "c", title: "Gamma union", body: "Domestic workers union."))
        var unsafe = Configuration()
        unsafe.allowsUnsafeTransactions = true
        let blocker = try DatabaseQueue(path: space.indexPath, configuration: unsafe)
        try blocker.inDatabase { db in try db.execute(sql: "BEGIN EXCLUSIVE") }
        #expect(throws: IndexError.locked(path: space.indexPath)) { try space.ingest() }
        try blocker.inDatabase { db in try db.execute(sql: "ROLLBACK") }
        try blocker.close()

        #expect(try Data(contentsOf: URL(fileURLWithPath: space.indexPath)) == before)
        #expect(try space.ids("domestic") == ["a"])
        #expect(try space.ingest().added == 1)
    }

    @Test func rebuildStartsOverAndAChangedTokenizerForcesOne() throws {
        let space = try Workspace(starting)
        defer { space.remove() }
        _ = try space.ingest()
        let rebuilt = try space.ingest(rebuild: true)
        #expect((rebuilt.added, rebuilt.rebuildReason) == (5, "--rebuild was asked for"))

        // An index recorded with other tokenizer settings cannot be searched and is rebuilt by the next ingest.
        let queue = try DatabaseQueue(path: space.indexPath)
        try queue.write { db in
            try db.execute(sql: #"UPDATE "index_settings" SET "value" = 'unicode61' WHERE "key" = 'tokenizer'"#)
        }
        try queue.close()
        #expect(throws: IndexError.self) { try SearchIndex.openForReading(at: space.indexPath) }
        let report = try space.ingest()
        #expect(report.rebuildReason?.contains("tokenised with `unicode61`") == true)
        #expect(report.added == 5)
        #expect(try space.ids("alpha") == ["a"])

        // So is one whose documents were read by another version of the reader.
        let again = try DatabaseQueue(path: space.indexPath)
        try again.write { db in
            try db.execute(sql: #"UPDATE "index_settings" SET "value" = '0' WHERE "key" = 'reader_version'"#)
        }
        try again.close()
        #expect(try space.ingest().rebuildReason == "its documents were read by reader version 0 and this build's reader is version \(DocumentReader.version)")
    }

    /// Damages an index the way a bad disk would: the SQLite header survives, the schema page does not.
    static func damage(_ path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: 100)
        handle.write(Data(repeating: 0xEE, count: 3900))
        try handle.close()
    }

    @Test func aDamagedIndexIsReportedAndReplacedOnlyByARebuild() throws {
        let space = try Workspace(starting)
        defer { space.remove() }
        _ = try space.ingest()
        try Self.damage(space.indexPath)
        #expect {
            try space.ingest()
        } throws: { error in
            guard case IndexError.corrupt(let path, _) = error else { return false }
            return path == space.indexPath
        }
        #expect(try space.ingest(rebuild: true).added == 5)
        #expect(try space.ids("alpha") == ["a"])
    }

    @Test func aFileThatIsNotADatabaseIsNeverReplaced() throws {
        let space = try Workspace(starting)
        defer { space.remove() }
        let notes = Data("my notes, typed by hand\n".utf8)
        try Fixtures.write(notes, to: URL(fileURLWithPath: space.indexPath))
        #expect(throws: IndexError.foreign(path: space.indexPath)) { try space.ingest() }
        #expect(throws: IndexError.foreign(path: space.indexPath)) { try space.ingest(rebuild: true) }
        #expect(throws: IndexError.foreign(path: space.indexPath)) { try SearchIndex.openForReading(at: space.indexPath) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: space.indexPath)) == notes)
    }

    @Test func anEmptyIndexFileIsANewIndex() throws {
        let space = try Workspace(starting)
        defer { space.remove() }
        try Fixtures.write(Data(), to: URL(fileURLWithPath: space.indexPath))
        #expect(throws: IndexError.missing(path: space.indexPath)) { try SearchIndex.openForReading(at: space.indexPath) }
        #expect(try space.ingest().added == 5)
    }

    @Test func anotherSQLiteDatabaseIsNeverOverwritten() throws {
        let space = try Workspace(starting)
        defer { space.remove() }
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: space.indexPath).deletingLastPathComponent(), withIntermediateDirectories: true)
        let other = try DatabaseQueue(path: space.indexPath)
        try other.write { db in try db.execute(sql: "CREATE TABLE precious (x)") }
        try other.close()
        #expect(throws: IndexError.foreign(path: space.indexPath)) { try space.ingest(rebuild: true) }
        #expect(throws: IndexError.foreign(path: space.indexPath)) { try space.ingest() }
    }

    @Test func stalenessSeesAddedChangedAndDeletedFiles() throws {
        let space = try Workspace(starting)
        defer { space.remove() }
        _ = try space.ingest()
        let index = try SearchIndex.openForReading(at: space.indexPath)
        #expect(try Ingester.staleness(of: index) == nil)
        try space.write("orgs/new.md", Fixtures.markdown(id: "new", title: "New", body: "New."))
        try FileManager.default.removeItem(at: space.corpus.appendingPathComponent("notes.txt"))
        #expect(try Ingester.staleness(of: index) == "1 new, 0 changed and 1 deleted file(s)")
    }

    @Test func twoFilesSwappingTheirIDsIsNotADuplicate() throws {
        let space = try Workspace(starting)
        defer { space.remove() }
        _ = try space.ingest()
        try space.write("orgs/a.md", Fixtures.markdown(id: "b", title: "Alpha collective", body: "Domestic workers organising."))
        try space.write("orgs/b.md", Fixtures.markdown(id: "a", title: "Beta network", body: "Sex workers against police violence."))
        let report = try space.ingest()
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect((report.updated, report.removed) == (2, 0))
        #expect(try space.ids("alpha") == ["b"])
        #expect(try space.ids("beta") == ["a"])
    }

    @Test func anIDMovingToAFileThatSortsEarlierIsNotADuplicate() throws {
        let space = try Workspace(starting)
        defer { space.remove() }
        _ = try space.ingest()
        try space.write("orgs/0-new.md", Fixtures.markdown(id: "b", title: "Beta network, new edition", body: "Rewritten."))
        try space.write("orgs/b.md", Fixtures.markdown(id: "b-2019", title: "Beta network 2019", body: "Archived."))
        let report = try space.ingest()
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect((report.added, report.updated) == (1, 1))
        #expect(try space.ids("edition") == ["b"])
        #expect(try space.ids("archived") == ["b-2019"])
    }

    @Test func anIndexMovedWithItsCorpusKeepsWorking() throws {
        let space = try Workspace(starting)
        defer { space.remove() }
        _ = try space.ingest()
        let moved = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: moved) }
        let target = moved.appendingPathComponent("bundle")
        try FileManager.default.moveItem(at: space.folder, to: target)
        let indexPath = target.appendingPathComponent("index/test.sqlite").path
        let index = try SearchIndex.openForReading(at: indexPath)
        #expect(try Ingester.staleness(of: index) == nil)
        let hit = try #require(try SearchEngine(index: index).search(SearchRequest(query: "alpha")).hits.first)
        #expect(hit.path == target.appendingPathComponent("corpus/orgs/a.md").path)

        try Fixtures.write(["orgs/a.md": Fixtures.markdown(id: "a", title: "Alpha collective", body: "Moved and edited.")], under: target.appendingPathComponent("corpus"))
        #expect(try Ingester.staleness(of: index) == "0 new, 1 changed and 0 deleted file(s)")
        let report = try Ingester.run(.init(roots: [], indexPath: indexPath))
        #expect((report.updated, report.unchanged, report.failed) == (1, 4, 0))
    }

    @Test func aRootThatBecameALinkIsFollowedAndAnEmptyRootEmptiesNothing() throws {
        let space = try Workspace(starting)
        defer { space.remove() }
        _ = try space.ingest()
        let elsewhere = space.folder.appendingPathComponent("elsewhere")
        try FileManager.default.moveItem(at: space.corpus, to: elsewhere)
        try FileManager.default.createSymbolicLink(at: space.corpus, withDestinationURL: elsewhere)
        let index = try SearchIndex.openForReading(at: space.indexPath)
        #expect(try Ingester.staleness(of: index) == nil)
        #expect(try space.ingest().unchanged == 5)

        // An emptied folder (an unmounted drive) removes nothing, and says so.
        try FileManager.default.removeItem(at: space.corpus)
        try FileManager.default.createDirectory(at: space.corpus, withIntermediateDirectories: true)
        #expect(try Ingester.staleness(of: index) == nil)
        let report = try space.ingest()
        #expect((report.removed, report.documentCount) == (0, 5))
        #expect(report.errors.map(\.message) == ["no documents found here any more, so none were removed from the index; if the files were deleted on purpose, run `alliance-ingest --rebuild`"])
    }

    /// A link to a file outside the corpus is skipped with a warning; with `followLinks` it is read through the
    /// link, and a change to the file it leads to is seen.
    @Test func aLinkedFileIsReadThroughItsLinkOnlyWhenLinksAreFollowed() throws {
        let space = try Workspace(starting)
        defer { space.remove() }
        let real = space.folder.appendingPathComponent("real/linked.txt")
        try Fixtures.write(Data("Linked notes\nFirst version.".utf8), to: real)
        try FileManager.default.createSymbolicLink(at: space.corpus.appendingPathComponent("linked.txt"), withDestinationURL: real)
        let skipped = try space.ingest()
        #expect(skipped.added == 5 && skipped.failed == 0)
        #expect(skipped.warnings.map(\.message) == ["a link to \(real.path), outside the folders being ingested; skipped (ingest with --follow-links to follow such links)"])
        let ingest = { try Ingester.run(.init(roots: [space.corpus.path], indexPath: space.indexPath, followLinks: true)) }
        #expect(try ingest().added == 1)
        try Fixtures.write(Data("Linked notes\nSecond version, longer.".utf8), to: real)
        #expect(try ingest().updated == 1)
        #expect(try space.ids("second") == ["corpus/linked"])
    }

    @Test func aRebuildKeepsWhatABrokenFileHeld() throws {
        let space = try Workspace(starting)
        defer { space.remove() }
        _ = try space.ingest()
        try space.write("orgs/a.md", "---\nid: a\ntitle: [broken\n---\n")
        let report = try space.ingest(rebuild: true)
        #expect((report.added, report.failed, report.documentCount) == (4, 1, 5))
        #expect(try space.ids("alpha") == ["a"])
    }

    @Test func aFirstBuildThatReadsNothingWritesNoIndex() throws {
        let space = try Workspace(["broken.md": "---\ntitle: [broken\n---\n"])
        defer { space.remove() }
        let report = try space.ingest()
        #expect(report.documentCount == 0)
        #expect(report.rebuildReason == nil)
        #expect(report.errors.last?.message == "no document could be read, so no index was written")
        #expect(!FileManager.default.fileExists(atPath: space.indexPath))
    }

    @Test func filesOfAKilledRebuildAreRemovedByTheNextOne() throws {
        let space = try Workspace(starting)
        defer { space.remove() }
        _ = try space.ingest()
        // No process has this id: pids are below 2^22 on Linux.
        let abandoned = space.indexPath + ".rebuild-99999999"
        try Fixtures.write(Data("partial".utf8), to: URL(fileURLWithPath: abandoned))
        _ = try space.ingest(rebuild: true)
        #expect(!FileManager.default.fileExists(atPath: abandoned))
    }

    @Test func aForcedRebuildKeepsBrokenRecordsAndMissingFolders() throws {
        let space = try Workspace(starting)
        defer { space.remove() }
        let extra = space.folder.appendingPathComponent("extra")
        try Fixtures.write(["e.md": Fixtures.markdown(id: "e", title: "Narwhal notes", body: "Narwhal.")], under: extra)
        _ = try Ingester.run(.init(roots: [space.corpus.path, extra.path], indexPath: space.indexPath))
        try space.write("export.jsonl", #"{"id": "j1", "title": "Jay one", "body": "Access to justice for trafficked persons."}"# + "\n{\"id\": \"j2\" BROKEN")
        try FileManager.default.moveItem(at: extra, to: space.folder.appendingPathComponent("extra.off"))
        let queue = try DatabaseQueue(path: space.indexPath)
        try queue.write { db in try db.execute(sql: #"UPDATE "index_settings" SET "value" = '0' WHERE "key" = 'reader_version'"#) }
        try queue.close()

        let report = try Ingester.run(.init(roots: [], indexPath: space.indexPath))
        #expect(report.rebuildReason?.hasPrefix("its documents were read by reader version 0") == true)
        #expect(report.documentCount == 6)
        #expect(try space.ids("accountability") == ["j2"])
        #expect(try space.ids("narwhal") == ["e"])
        #expect(report.errors.map(\.message).contains("this folder, which the index was built from, is missing; what the index holds from it is kept"))
        #expect(try SearchIndex.openForReading(at: space.indexPath).settings().roots == ["../corpus", "../extra"])
    }

    @Test func whenEveryRecordedFolderIsMissingNothingElseIsIngested() throws {
        let space = try Workspace(starting)
        defer { space.remove() }
        _ = try space.ingest()
        try FileManager.default.moveItem(at: space.corpus, to: space.folder.appendingPathComponent("away"))
        // The working directory of the tests holds the bundled corpus/: it must not be taken instead.
        let report = try Ingester.run(.init(roots: [], indexPath: space.indexPath))
        #expect((report.added, report.removed, report.documentCount) == (0, 0, 5))
        #expect(report.failed == 1)
    }

    @Test func idsAreTheSameFromAnIncrementalIngestAndARebuild() throws {
        let space = try Workspace(["reports/2019/annual.md": "# Annual report\n\nText.", "reports/notes.txt": "Notes\nText."])
        defer { space.remove() }
        _ = try Ingester.run(.init(roots: [space.corpus.appendingPathComponent("reports").path], indexPath: space.indexPath))
        let first = try space.ids("text").sorted()
        #expect(first == ["corpus/reports/2019/annual", "corpus/reports/notes"])
        _ = try space.ingest(rebuild: true)
        #expect(try space.ids("text").sorted() == first)

        // An id written in one file and then moved to another is not a duplicate of the default id left behind.
        try space.write("reports/notes.txt", "Notes\nText.")
        try space.write("reports/2019/annual.md", "---\nid: annual\ntitle: Annual report\n---\nText.")
        _ = try space.ingest()
        try space.write("reports/2019/annual.md", "# Annual report\n\nText again.")
        try space.write("reports/new.md", "---\nid: annual\ntitle: New home of the id\n---\nText.")
        let report = try space.ingest()
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(try space.ids("home") == ["annual"])
    }

    @Test func theBundledCorpusIngestsWithoutErrors() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try Ingester.run(.init(roots: [Fixtures.corpus], indexPath: folder.appendingPathComponent("i.sqlite").path))
        #expect((report.added, report.failed, report.documentCount) == (20, 0, 20))
    }
}
