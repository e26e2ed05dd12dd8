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

    /// Requests from several tasks while an ingest adds 3,000 documents and then a rebuild replaces the file: every
    /// request answers 200, with the old total or the new one.
    @Test func anIngestDuringRequestsBreaksNone() async throws {
        let folder = try ServerProcess.folder()
        let server = try ServerProcess(in: folder)
        let before = try await server.get("/api/search?q=police&limit=0").json?["total"] as? Int ?? -1
        var lines = ""
        for number in 0..<3_000 {
            lines += #"{"id": "extra-\#(number)", "title": "Extra \#(number)", "body": "Police brutality report \#(number)."}"# + "\n"
        }
        try Data(lines.utf8).write(to: folder.appendingPathComponent("corpus/extra.jsonl"))
        let ingest = Process()
        ingest.executableURL = ServerProcess.productsFolder.appendingPathComponent("alliance-ingest")
        ingest.currentDirectoryURL = folder
        ingest.standardOutput = FileHandle.nullDevice
        ingest.arguments = ["corpus"]
        try ingest.run()
        let totals = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var seen: [Int] = []
                    for _ in 0..<40 {
                        let reply = try await server.get("/api/search?q=police&limit=1")
                        #expect(reply.status == 200, "\(reply.body)")
                        seen.append(reply.json?["total"] as? Int ?? -1)
                    }
                    return seen
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        ingest.waitUntilExit()
        #expect(ingest.terminationStatus == 0)
        #expect(Set(totals).isSubset(of: [before, before + 3_000]), "\(Set(totals))")
        #expect(try await server.get("/api/search?q=police&limit=0").json?["total"] as? Int == before + 3_000)
        // A rebuild renames a new file into place: the server reopens it.
        try Self.ingest(in: folder, ["--rebuild", "corpus"])
        #expect(try await server.get("/api/search?q=police&limit=0").json?["total"] as? Int == before + 3_000)
        #expect(try await server.get("/api/health").json?["documents"] as? Int == 3_020)
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
