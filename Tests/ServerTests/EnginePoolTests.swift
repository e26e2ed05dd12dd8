import Foundation
import Testing
@testable import AllianceSearch
@testable import AllianceServer

/// The pool's watchdog: a search that runs too long is stopped, and the connection serves the next one.
struct EnginePoolTests {
    @Test func aSearchThatRunsTooLongIsStoppedAndTheNextOneRuns() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-pool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("index.sqlite").path
        _ = try Ingester.run(.init(roots: [ServerProcess.packageRoot.appendingPathComponent("corpus").path], indexPath: path))
        let pool = EnginePool(path: path, timeout: 1)
        let start = Date()
        // A statement that never ends on its own.
        let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
        #expect(throws: ServerError(status: .serviceUnavailable, message: "the search ran longer than 1 s and was stopped; narrow the query or add filters")) {
            try pool.withEngine { engine in try engine.index.read { db in try Int.fetchOne(db, sql: endless) } }
        }
        let stopped = Date().timeIntervalSince(start)
        #expect(stopped >= 1 && stopped < 5, "stopped after \(stopped) s")
        // The same connection, back in the pool, answers the next search in full: the interrupt did not outlive it.
        for _ in 0..<20 {
            #expect(try pool.withEngine { engine in try engine.search(SearchRequest(query: "police brutality")).total } == 1)
        }
    }
}
