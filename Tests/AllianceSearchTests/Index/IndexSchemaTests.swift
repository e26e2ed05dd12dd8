import Foundation
import GRDB
import Testing
@testable import AllianceSearch

/// What the schema reads without scanning.
struct IndexSchemaTests {
    @Test func documentCountIsFTS5sOwnRowCount() throws {
        let (fromTotals, scanned) = try Fixtures.corpusIndex.read { db in
            (try IndexSchema.documentCount(db), try Int.fetchOne(db, sql: #"SELECT count(*) FROM "documents""#))
        }
        #expect(fromTotals == scanned && fromTotals == 20)
        // After a delete, the count follows.
        let (engine, folder) = try Fixtures.engine(indexing: [
            "a.md": Fixtures.markdown(id: "a", title: "A", body: "one"),
            "b.md": Fixtures.markdown(id: "b", title: "B", body: "two"),
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("b.md"))
        _ = try Ingester.run(.init(roots: [folder.path], indexPath: engine.index.path))
        let count = try SearchIndex.openForReading(at: engine.index.path).read { db in try IndexSchema.documentCount(db) }
        #expect(count == 1)
    }

    @Test(arguments: [
        ([0x05] as [UInt8], 5), ([0x7F], 127), ([0x81, 0x00], 128), ([0x94, 0xF9, 0x44], 343_236),
    ])
    func varintsAreSQLitesFormat(bytes: [UInt8], value: Int) {
        #expect(IndexSchema.varint(Data(bytes)) == value)
    }
}
