import Foundation
import Testing

/// 503 while the index cannot be read, and back to 200 without a restart once it can; an ingest that runs while
/// the server answers does not break a single request.
struct IndexAvailabilityTests {
    @Test func unavailableUntilThereIsAnIndexThenServed() async throws {
        // No index and no corpus to build one from: the server starts all the same, and says why it cannot answer.
        let folder = try ServerProcess.folder(corpus: [:])
        let server = try ServerProcess(in: folder)
        for path in ["/api/health", "/api/search?q=police", "/api/documents/ndwm"] {
            let reply = try await server.get(path)
            #expect(reply.status == 503, "\(path): \(reply.body)")
            #expect(reply.body.contains("no index at index/alliance.sqlite"), "\(path): \(reply.body)")
        }
        #expect(try await server.get("/?q=police").status == 503)
        let home = try await server.get("/")
        #expect(home.status == 503 && home.body.contains("The index is unavailable: no index at index/alliance.sqlite"), "\(home.body)")
        #expect(home.body.contains(#"<label for="q">"#))

        // An ingest makes it available; the running server picks it up.
        try FileManager.default.copyItem(
            at: ServerProcess.packageRoot.appendingPathComponent("corpus"), to: folder.appendingPathComponent("corpus"))
        try Self.ingest(in: folder, ["corpus"])
        #expect(try await server.get("/api/health").json?["documents"] as? Int == 20)

        // A damaged file is a 503 too, not a crash; a rebuild brings it back.
        let index = folder.appendingPathComponent("index/alliance.sqlite")
        try Data("not an index".utf8).write(to: index, options: .atomic)
        let damaged = try await server.get("/api/search?q=police")
        #expect(damaged.status == 503, "\(damaged.body)")
        #expect(damaged.body.contains("is not an Alliance Search index"), "\(damaged.body)")
        try FileManager.default.removeItem(at: index)
        try Self.ingest(in: folder, ["corpus"])
        #expect(try await server.get("/api/search?q=police").status == 200)
        let stopped = server.stop()
        #expect(stopped.stderr.contains("the index is unavailable until this is fixed"), "\(stopped.stderr)")
    }

    /// Requests from four tasks for as long as an ingest adds 3,000 documents, then for as long as a rebuild
    /// without them replaces the file: every request answers 200, with the total before or after, never another;
    /// and after the rebuild the server answers from the new file (the pool reopened it).
    @Test func anIngestAndARebuildDuringRequestsBreakNone() async throws {
        let folder = try ServerProcess.folder()
        let server = try ServerProcess(in: folder)
        defer { server.stop() }
        let before = try #require(try await server.get("/api/search?q=police&limit=0").json?["total"] as? Int)
        var lines = ""
        for number in 0..<3_000 {
            lines += #"{"id": "extra-\#(number)", "title": "Extra \#(number)", "body": "Police brutality report \#(number)."}"# + "\n"
        }
        let extra = folder.appendingPathComponent("corpus/extra.jsonl")
        try Data(lines.utf8).write(to: extra)

        let added = try await Self.requests(to: server, during: ["corpus"], in: folder)
        #expect(added.status == 0)
        #expect(Set(added.totals).isSubset(of: [before, before + 3_000]), "\(Set(added.totals))")
        #expect(try await server.get("/api/search?q=police&limit=0").json?["total"] as? Int == before + 3_000)

        try FileManager.default.removeItem(at: extra)
        let rebuilt = try await Self.requests(to: server, during: ["--rebuild", "corpus"], in: folder)
        #expect(rebuilt.status == 0)
        #expect(Set(rebuilt.totals).isSubset(of: [before, before + 3_000]), "\(Set(rebuilt.totals))")
        #expect(try await server.get("/api/search?q=police&limit=0").json?["total"] as? Int == before)
        #expect(try await server.get("/api/health").json?["documents"] as? Int == 20)
    }

    /// Runs `alliance-ingest arguments` in `folder` while four tasks search, until it has exited.
    static func requests(to server: ServerProcess, during arguments: [String], in folder: URL) async throws -> (status: Int32, totals: [Int]) {
        let finished = Finished()
        let ingest = Process()
        ingest.executableURL = ServerProcess.productsFolder.appendingPathComponent("alliance-ingest")
        ingest.currentDirectoryURL = folder
        ingest.standardOutput = FileHandle.nullDevice
        ingest.standardError = FileHandle.nullDevice
        ingest.arguments = arguments
        ingest.terminationHandler = { _ in finished.set() }
        try ingest.run()
        let totals = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var seen: [Int] = []
                    repeat {
                        let reply = try await server.get("/api/search?q=police&limit=1")
                        #expect(reply.status == 200, "\(reply.body)")
                        seen.append(reply.json?["total"] as? Int ?? -1)
                    } while !finished.value
                    return seen
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        ingest.waitUntilExit()
        return (ingest.terminationStatus, totals)
    }

    final class Finished: @unchecked Sendable {
        private let lock = NSLock()
        private var done = false
        var value: Bool { lock.withLock { done } }
        func set() { lock.withLock { done = true } }
    }

    static func ingest(in folder: URL, _ arguments: [String]) throws {
        let ingest = Process()
        ingest.executableURL = ServerProcess.productsFolder.appendingPathComponent("alliance-ingest")
        ingest.arguments = arguments
        ingest.currentDirectoryURL = folder
        ingest.standardOutput = FileHandle.nullDevice
        ingest.standardError = FileHandle.nullDevice
        try ingest.run()
        ingest.waitUntilExit()
    }
}
