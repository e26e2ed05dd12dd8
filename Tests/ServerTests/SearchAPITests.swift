import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The JSON API against a server started on a free port: every status code it can answer, and the same JSON as
/// the CLI.
@Suite(.serialized)
struct SearchAPITests {
    static let server: ServerProcess = try! ServerProcess(in: ServerProcess.folder())

    @Test func searchAnswersExactlyWhatTheCLIPrints() async throws {
        let reply = try await Self.server.get("/api/search?q=domestic+work&type=organisation&facets=country&limit=2")
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"] == "application/json; charset=utf-8")
        let cli = Process()
        cli.executableURL = ServerProcess.productsFolder.appendingPathComponent("alliance-query")
        cli.arguments = ["--format", "json", "--no-refresh", "--type", "organisation", "--facets", "country", "--limit", "2", "domestic work"]
        cli.currentDirectoryURL = Self.server.folder
        let pipe = Pipe()
        cli.standardOutput = pipe
        try cli.run()
        let printed = pipe.fileHandleForReading.readDataToEndOfFile()
        cli.waitUntilExit()
        func withoutTime(_ data: Data) throws -> NSDictionary {
            var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(object["took_ms"] != nil)
            object["took_ms"] = nil
            return object as NSDictionary
        }
        #expect(try withoutTime(Data(reply.body.utf8)) == withoutTime(printed))
        let hits = try #require(reply.json?["hits"] as? [[String: Any]])
        #expect(hits.map { $0["id"] as? String } == ["ndwm", "sintrasedom"])
        #expect(reply.json?["schema"] as? Int == 1)
    }

    @Test func aDocumentComesWithItsTextAndTheQuerysWordsMarked() async throws {
        let reply = try await Self.server.get("/api/documents/ndwm?q=domestic+work")
        #expect(reply.status == 200)
        let json = try #require(reply.json)
        #expect(json["title"] as? String == "National Domestic Workers Movement (NDWM)")
        #expect((json["metadata"] as? [String: Any])?["country"] as? String == "India")
        let body = try #require(json["body"] as? String)
        let scalars = Array(body.unicodeScalars)
        let marked = try #require(json["highlights"] as? [[String: Int]]).map { range in
            String(String.UnicodeScalarView(scalars[range["start"]!..<range["end"]!])).lowercased()
        }
        #expect(marked.contains("domestic workers") && marked.contains("domestic work"))
        let plain = try await Self.server.get("/api/documents/ndwm")
        #expect((plain.json?["highlights"] as? [Any])?.isEmpty == true)
    }

    @Test func healthSaysHowManyDocuments() async throws {
        let reply = try await Self.server.get("/api/health")
        #expect(reply.status == 200)
        #expect(reply.json?["status"] as? String == "ok")
        #expect(reply.json?["documents"] as? Int == 20)
    }

    /// Each case: the request, its status, and what the error message must say.
    @Test(arguments: [
        ("/api/search?q=", 400, "the query is empty"),
        ("/api/search?q=domestic&limit=101", 400, "parameter 'limit' must be a whole number from 0 to 100"),
        ("/api/search?q=domestic&limit=ten", 400, "parameter 'limit'"),
        ("/api/search?q=domestic&offset=-1", 400, "parameter 'offset'"),
        ("/api/search?q=domestic&offset=10001", 400, "parameter 'offset'"),
        ("/api/search?q=domestic&match=most", 400, "parameter 'match' must be all, any or auto"),
        ("/api/search?q=domestic&facets=colour", 400, "unknown facet 'colour'"),
        ("/api/search?q=domestic&explain=maybe", 400, "parameter 'explain' must be true or false"),
        ("/api/search?q=domestic&lmit=5", 400, "parameter 'lmit' is unknown"),
        ("/api/search?q=%E0%A4", 400, "parameter 'q' is not valid percent-encoded UTF-8"),
        ("/api/search?q=" + String(repeating: "a+", count: 501), 400, "parameter 'q' is longer than 1000 characters"),
        ("/api/search?q=police+title:&strict=1", 400, "the query is not valid as typed (--strict)"),
        ("/api/search?q=NEAR(&raw=true", 400, "invalid FTS5 expression"),
        ("/api/documents/no-such-document", 404, "no document has the id 'no-such-document'"),
        ("/api/documents/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", 404, "no document has the id '../../etc/passwd'"),
        ("/api/documents/ndwm?limit=3", 400, "parameter 'limit' is unknown"),
        ("/api/nothing-here", 404, "nothing is served at /api/nothing-here"),
    ])
    func errorsAreJSONWithTheirStatus(path: String, status: Int, message: String) async throws {
        let reply = try await Self.server.get(path)
        #expect(reply.status == status, "\(path): \(reply.body)")
        #expect(reply.headers["content-type"] == "application/json; charset=utf-8")
        let error = try #require(reply.json?["error"] as? [String: Any], "\(path): \(reply.body)")
        #expect(error["status"] as? Int == status)
        #expect((error["message"] as? String)?.contains(message) == true, "\(path): \(error)")
    }

    /// A path that climbs out of the document routes reaches no file: the router has no route for it, and an id is
    /// only ever compared with the `id` column.
    @Test(arguments: ["/api/documents/../../../etc/passwd", "/documents/../../etc/passwd", "/static/../Package.swift", "/static/..%2F..%2FPackage.swift"])
    func noPathTraversal(target: String) throws {
        let reply = try Self.server.rawGet(target)
        #expect(reply.status == 404 || reply.status == 400, "\(target): \(reply.status)")
        #expect(!reply.body.contains("root:") && !reply.body.contains("PackageDescription"))
    }

    /// Only GET and HEAD: anything else is a 405 that says what is allowed; HEAD answers as GET, without a body.
    @Test func otherMethodsAreRefusedAndHeadAnswers() async throws {
        for method in ["POST", "PUT", "DELETE", "PATCH"] {
            var request = URLRequest(url: URL(string: Self.server.base.absoluteString + "api/search?q=police")!)
            request.httpMethod = method
            let (data, response) = try await URLSession.shared.data(for: request)
            let http = try #require(response as? HTTPURLResponse)
            #expect(http.statusCode == 405, "\(method)")
            #expect(http.value(forHTTPHeaderField: "Allow") == "GET, HEAD")
            let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect((json?["error"] as? [String: Any])?["message"] as? String == "\(method) is not allowed; every route here answers GET (and HEAD)")
        }
        var head = URLRequest(url: URL(string: Self.server.base.absoluteString + "?q=police")!)
        head.httpMethod = "HEAD"
        let (data, response) = try await URLSession.shared.data(for: head)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type") == "text/html; charset=utf-8")
        #expect(data.isEmpty)
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        for path in ["/api/health", "/api/search?q=x&limit=1000", "/", "/?q=police", "/documents/nope", "/static/app.css"] {
            let reply = try await Self.server.get(path)
            #expect(reply.headers["content-security-policy"]?.hasPrefix("default-src 'none'") == true, "\(path)")
            #expect(reply.headers["x-content-type-options"] == "nosniff", "\(path)")
            #expect(reply.headers["referrer-policy"] == "no-referrer", "\(path)")
        }
    }
}
