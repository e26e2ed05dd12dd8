import Foundation
import Testing

/// Requests NIO's HTTP parser refuses, sent over a raw socket: each gets an answer that says what was wrong, as JSON
/// under /api/ and as a page elsewhere, with the security headers every response carries, and the connection closes.
@Suite(.serialized)
struct ProtocolErrorTests {
    static let server: ServerProcess = try! ServerProcess(in: ServerProcess.folder())

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Each case: what is sent, the status, the content type's start, and what the message must say.
    @Test(arguments: [
        ("a request line over 80 KB", bytes("GET /api/search?q=" + String(repeating: "a", count: 90_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
         414, "application/json", "the request line is longer than 80 KB"),
        ("the same, for the page", bytes("GET /?q=" + String(repeating: "a", count: 90_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
         414, "text/html", "the request line is longer than 80 KB"),
        ("an absolute-form line over 80 KB", bytes("GET http://127.0.0.1/api/search?q=" + String(repeating: "a", count: 90_000) + " HTTP/1.1\r\n\r\n"),
         414, "application/json", "the request line is longer than 80 KB"),
        ("a header over 80 KB", bytes("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: " + String(repeating: "a", count: 90_000) + "\r\n\r\n"),
         431, "application/json", "the request's headers are longer than 80 KB or more than 1000"),
        ("headers over 80 KB in all", bytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (0..<30).map { "X-\($0): " + String(repeating: "b", count: 3_000) + "\r\n" }.joined() + "\r\n"),
         431, "text/html", "the request's headers are longer than 80 KB"),
        ("too many headers", bytes("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (0..<1_100).map { "X-\($0): c\r\n" }.joined() + "\r\n"),
         431, "application/json", "or more than 1000"),
        ("an HTTP/0.9 line", bytes("GET /api/health\r\n\r\n"), 400, "application/json", "HTTP/1.1 (or HTTP/1.0)"),
        ("HTTP/2 without TLS", bytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 400, "text/html", "this server speaks HTTP/1.x only"),
        ("bare LF line ends", bytes("GET /api/health HTTP/1.1\nHost: 127.0.0.1\n\n"), 400, "application/json", "must end with CR LF"),
        ("no method", bytes("GARBAGE\r\n\r\n"), 400, "text/html", "the request does not start with an HTTP method"),
        ("a TLS hello", [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03, 0x0D, 0x0A], 400, "text/html", "the request does not start with an HTTP method"),
        ("a space in a header name", bytes("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Name: x\r\n\r\n"), 400, "application/json", "a header name or value holds a character"),
        ("a NUL in the path", bytes("GET /api/he\u{0}alth HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 400, "application/json", "not a valid URL path"),
        ("a bad chunk size", bytes("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n"),
         400, "application/json", "chunk size that is not a hexadecimal number"),
        ("Content-Length with Transfer-Encoding", bytes("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
         400, "application/json", "Content-Length"),
        ("a Content-Length that is no number", bytes("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ten\r\n\r\n"),
         400, "application/json", "Content-Length is not one number"),
        ("a request cut off", bytes("GET /api/health HTTP/1.1\r\nHost: 127.0"), 400, "application/json", "closed in the middle of the request"),
    ])
    func refusedRequestsAreAnsweredInFull(name: String, request: [UInt8], status: Int, type: String, message: String) throws {
        let replies = try Self.server.raw(request)
        let reply = try #require(replies.first, "\(name): no answer")
        #expect(replies.count == 1, "\(name): \(replies.map(\.status))")
        #expect(reply.status == status, "\(name): \(reply.status) \(reply.body)")
        #expect(reply.headers["content-type"]?.hasPrefix(type) == true, "\(name): \(reply.headers)")
        #expect(reply.headers["connection"] == "close", "\(name)")
        #expect(reply.headers["content-length"] == String(reply.body.utf8.count), "\(name)")
        Self.expectSecurityHeaders(reply, name)
        if type == "application/json" {
            let error = reply.json?["error"] as? [String: Any]
            #expect(error?["status"] as? Int == status, "\(name): \(reply.body)")
            #expect((error?["message"] as? String)?.contains(message) == true, "\(name): \(reply.body)")
        } else {
            #expect(reply.body.contains("<h1>This request cannot be answered</h1>"), "\(name): \(reply.body)")
            #expect(reply.body.contains(Self.htmlEscaped(message)), "\(name): \(reply.body)")
        }
    }

    static func expectSecurityHeaders(_ reply: ServerProcess.Reply, _ context: String) {
        #expect(reply.headers["content-security-policy"]?.hasPrefix("default-src 'none'") == true, "\(context): \(reply.headers)")
        #expect(reply.headers["x-content-type-options"] == "nosniff", "\(context)")
        #expect(reply.headers["referrer-policy"] == "no-referrer", "\(context)")
        #expect(reply.headers["x-frame-options"] == "DENY", "\(context)")
        #expect(reply.headers["cache-control"] == "no-store", "\(context)")
    }

    static func htmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "'", with: "&#39;")
    }

    /// Pipelined requests are answered in order: the good ones first, then the refusal of the malformed one, and
    /// nothing after it is read.
    @Test func aMalformedRequestAfterGoodOnesIsAnsweredInItsTurn() throws {
        let good = "GET /api/search?q=police&limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        let replies = try Self.server.raw(Self.bytes(good + good + "GET /api/health HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n" + good))
        #expect(replies.map(\.status) == [200, 200, 400], "\(replies.map(\.body))")
        #expect(replies.first?.json?["total"] != nil)
        #expect(replies.last?.headers["connection"] == "close")
        replies.forEach { Self.expectSecurityHeaders($0, "pipelined") }
    }

    /// A body the parser refuses belongs to a request the application already has: its answer is the 400 in place
    /// of that request's response, not a second response after it.
    @Test func aMalformedBodyIsAnsweredInPlaceOfItsRequest() throws {
        let replies = try Self.server.raw(Self.bytes(
            "GET /api/search?q=police HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nxyz\r\n\r\n"))
        #expect(replies.map(\.status) == [400], "\(replies.map(\.body))")
    }

    /// A well-formed body on a GET is read past and the request answered, as are the requests after it.
    @Test func aBodyOnAGetIsSkipped() throws {
        let replies = try Self.server.raw(Self.bytes(
            "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhelloGET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
        #expect(replies.map(\.status) == [200, 200], "\(replies.map(\.body))")
    }
}
