import Foundation
import GRDB
import Testing
@testable import AllianceSearch

/// `--check`: SQLite's and FTS5's integrity checks.
struct IndexCheckTests {
    @Test func aSoundIndexPassesAndADamagedOneIsReported() throws {
        let space = try IngesterTests.Workspace([
            "orgs/a.md": Fixtures.markdown(id: "a", title: "Alpha collective", body: "Domestic workers organising."),
            "orgs/b.md": Fixtures.markdown(id: "b", title: "Beta network", body: "Sex workers against police violence."),
        ])
        defer { space.remove() }
        _ = try space.ingest()
        let sound = try IndexCheck.run(indexPath: space.indexPath)
        #expect(sound.isSound && sound.documents == 2)

        // A delete that names the wrong text: FTS5 no longer agrees with its content.
        let queue = try DatabaseQueue(path: space.indexPath, configuration: SearchIndex.configuration)
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO "documents_fts"("documents_fts", "rowid", "title", "aliases", "issues", "body", "khmer")
                SELECT 'delete', "docid", '', '', '', 'unrelated words', '' FROM "documents" WHERE "id" = 'a'
                """)
        }
        try queue.close()
        let damaged = try IndexCheck.run(indexPath: space.indexPath)
        #expect(!damaged.isSound)
        #expect(damaged.problems.contains { $0.hasPrefix("FTS5 integrity-check: ") })
    }

    @Test func aMissingOrForeignFileIsAnError() throws {
        let folder = try Fixtures.temporaryFolder()
        #expect(throws: IndexError.self) { try IndexCheck.run(indexPath: folder.appendingPathComponent("none.sqlite").path) }
        let foreign = folder.appendingPathComponent("notes.sqlite")
        try Data("not a database at all, just notes".utf8).write(to: foreign)
        #expect(throws: IndexError.self) { try IndexCheck.run(indexPath: foreign.path) }
    }
}
