import Foundation
import Testing
@testable import AllianceSearch
@testable import AllianceServer

/// The pool's watchdog: a search that runs too long is stopped, and the connection serves the next one.
struct EnginePoolTests {
    /// A statement that never ends on its own.
    static let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"

    /// An index of the bundled corpus in a new folder, removed with `folder`.
    static func index() throws -> (folder: URL, path: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-pool-\(UUID().uuidString)")
        let path = folder.appendingPathComponent("index.sqlite").path
        _ = try Ingester.run(.init(roots: [ServerProcess.packageRoot.appendingPathComponent("corpus").path], indexPath: path))
        return (folder, path)
    }

    @Test func aSearchThatRunsTooLongIsStoppedAndTheNextOneRuns() throws {
        let (folder, path) = try Self.index()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pool = EnginePool(path: path, timeout: 1)
        // The connection is opened first: what is timed is the search.
        try pool.withEngine { _ in }
        let start = Date()
        let endless = Self.endless
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

    /// The deadline counts from when the request came: a search that starts with half a second left of a 2 s
    /// timeout is stopped after half a second, and one whose deadline has passed is not run at all.
    @Test func aSearchRunsOnlyUntilItsRequestsDeadline() throws {
        let (folder, path) = try Self.index()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pool = EnginePool(path: path, timeout: 2)
        try pool.withEngine { _ in }
        let start = Date()
        #expect(throws: ServerError.self) {
            try pool.withEngine(until: .now() + 0.5) { engine in try engine.index.read { db in try Int.fetchOne(db, sql: Self.endless) } }
        }
        let stopped = Date().timeIntervalSince(start)
        #expect(stopped >= 0.5 && stopped < 1.5, "stopped after \(stopped) s")
        var ran = false
        #expect(throws: ServerError(status: .serviceUnavailable, message: "the server is busy: the search waited its whole 2 s limit for a thread and was not run; try again shortly")) {
            try pool.withEngine(until: .now() - 0.1) { _ in ran = true }
        }
        #expect(!ran)
    }

    /// The watchdog keeps its deadline when every thread of Dispatch's pool (Swift concurrency's, on Linux) is
    /// blocked: it has a thread of its own.
    @Test func theWatchdogFiresWhileDispatchsThreadsAreBlocked() throws {
        let (folder, path) = try Self.index()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pool = EnginePool(path: path, timeout: 0.5)
        try pool.withEngine { _ in }
        let release = DispatchSemaphore(value: 0)
        let blockers = ProcessInfo.processInfo.activeProcessorCount * 4
        for _ in 0..<blockers {
            DispatchQueue.global().async { _ = release.wait(timeout: .now() + 5) }
        }
        defer { for _ in 0..<blockers { release.signal() } }
        let start = Date()
        #expect(throws: ServerError.self) {
            try pool.withEngine { engine in try engine.index.read { db in try Int.fetchOne(db, sql: Self.endless) } }
        }
        let stopped = Date().timeIntervalSince(start)
        #expect(stopped >= 0.5 && stopped < 1.5, "stopped after \(stopped) s")
    }
}
