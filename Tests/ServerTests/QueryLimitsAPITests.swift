import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The HTTP API holds a query to the same bounds as the command line (issue 14): it goes through the same engine.
@Suite(.serialized)
struct QueryLimitsAPITests {
    static let server: ServerProcess = try! ServerProcess(in: ServerProcess.folder())

    @Test func aRawExpressionOverABoundIsABadRequestNamingIt() async throws {
        let reply = try await Self.server.get("/api/search?raw=true&q=" + String(repeating: "a*+", count: 300))
        #expect(reply.status == 400)
        let message = (reply.json?["error"] as? [String: Any])?["message"] as? String
        #expect(message?.contains("a --raw expression may hold at most 4 prefixes") == true, "\(reply.body)")
    }

    @Test func aRepeatedWordIsSearchedOnce() async throws {
        let repeated = try await Self.server.get("/api/search?q=" + String(repeating: "police+", count: 100))
        let once = try await Self.server.get("/api/search?q=police")
        #expect(repeated.status == 200)
        #expect(repeated.json?["expression"] as? String == once.json?["expression"] as? String)
        #expect((repeated.json?["warnings"] as? [Any])?.isEmpty == true)
    }
}
