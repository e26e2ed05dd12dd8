import Foundation
import Testing
@testable import AllianceServer

/// DNS rebinding: only the host names the server was started for are answered, and IP addresses.
struct HostPolicyTests {
    /// Each case: the `Host` value and the status it gets from a server on 127.0.0.1 started with
    /// `--allowed-host Search.Example.org.` (`nil`: answered).
    static let cases: [(String, Int?)] = [
        ("127.0.0.1", nil), ("127.0.0.1:8420", nil), ("10.1.2.3:80", nil), ("[::1]", nil), ("[::1]:8420", nil),
        ("[::ffff:127.0.0.1]", nil), ("localhost", nil), ("LocalHost:8420", nil), ("localhost.", nil),
        ("localhost.:8420", nil), ("search.example.org", nil), ("SEARCH.example.ORG.:443", nil), ("127.0.0.1:", nil),
        ("evil.example", 421), ("localhost.evil.example", 421), ("127.0.0.1.evil.example", 421),
        ("search.example.org.evil.example", 421), ("evilsearch.example.org", 421), ("127.1", 421), ("2130706433", 421),
        ("0x7f.0.0.1", 421), ("localhost..", 400), ("::1", 400), ("[::1", 400), ("[fe80::1%25eth0]", 400),
        ("127.0.0.1:http", 400), ("127.0.0.1:123456", 400), ("localhost:65536", 400), ("user@localhost", 400), ("évil.example", 400),
        ("a..b", 400), ("local host", 400), ("", 400),
    ]

    @Test func theTableOfHosts() {
        let policy = HostPolicy(listeningOn: "127.0.0.1", allowed: ["Search.Example.org."])
        for (host, status) in Self.cases {
            do {
                try policy.check(authority: host, repeated: false)
                #expect(status == nil, "\(host) was answered")
            } catch let error as ServerError {
                #expect(error.status.code == status, "\(host): \(error.status.code) \(error.message)")
            } catch {
                Issue.record("\(host): \(error)")
            }
        }
    }

    @Test func aNameGivenToHostIsAnsweredAndAnAddressAddsNoName() {
        #expect(HostPolicy(listeningOn: "Search.Local.").names == ["localhost", "search.local"])
        #expect(HostPolicy(listeningOn: "0.0.0.0").names == ["localhost"])
        #expect(HostPolicy(listeningOn: "::").names == ["localhost"])
        #expect(throws: ServerError.self) { try HostPolicy(listeningOn: "0.0.0.0").check(authority: "mybox.lan:8420", repeated: false) }
        #expect(throws: Never.self) { try HostPolicy(listeningOn: "0.0.0.0").check(authority: "192.168.1.20:8420", repeated: false) }
    }

    @Test(arguments: ["search.example.org", "Search.Example.Org.", "10.0.0.1", "[::1]", "xn--bcher-kva.example"])
    func namesAnAllowedHostMayBe(name: String) {
        #expect(HostPolicy.problem(withName: name) == nil)
    }

    @Test(arguments: ["http://search.example.org", "search.example.org:8420", "search.example.org/path", "*", "", "bücher.example", "a..b"])
    func namesAnAllowedHostMayNotBe(name: String) {
        #expect(HostPolicy.problem(withName: name)?.contains("is not a host name") == true)
    }

    static let server: ServerProcess = try! ServerProcess(in: ServerProcess.folder(), arguments: ["--allowed-host", "Search.Example.org."])

    /// The same table against the server, over a raw socket: the status, and for each refusal the server's usual
    /// error (JSON under /api/, a page elsewhere) with its security headers.
    @Test func theServerAnswersOnlyItsHosts() throws {
        for (host, status) in Self.cases {
            for path in ["/api/health", "/"] {
                let reply = try #require(try Self.server.raw(Array("GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n".utf8)).first)
                #expect(reply.status == status ?? 200, "\(host) \(path): \(reply.status) \(reply.body)")
                ProtocolErrorTests.expectSecurityHeaders(reply, "\(host) \(path)")
                guard status == 421 else { continue }
                if path == "/" {
                    #expect(reply.body.contains("<h1>This server does not answer for this host name</h1>"), "\(reply.body)")
                } else {
                    let message = (reply.json?["error"] as? [String: Any])?["message"] as? String
                    #expect(message?.contains("does not answer for the host name") == true, "\(reply.body)")
                    #expect(message?.contains("--allowed-host") == true, "\(reply.body)")
                }
            }
        }
    }

    /// Each case: the request's head after its request line, and the status.
    @Test(arguments: [
        // The host of an absolute-form target takes the place of the Host header (RFC 9112 §3.2.2).
        ("GET http://evil.example/api/health HTTP/1.1\r\nHost: 127.0.0.1", 421),
        ("GET http://user@evil.example:8420/api/health HTTP/1.1\r\nHost: 127.0.0.1", 421),
        ("GET http://localhost:8420/api/health HTTP/1.1\r\nHost: evil.example", 200),
        ("GET http://[::1]/api/health HTTP/1.1", 200),
        ("GET /api/health HTTP/1.1", 400),
        ("GET /api/health HTTP/1.0", 400),
        ("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example", 400),
        ("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: 127.0.0.1", 400),
        ("GET //evil.example/api/health HTTP/1.1\r\nHost: 127.0.0.1", 404),
    ])
    func otherFormsOfHost(head: String, status: Int) throws {
        let reply = try #require(try Self.server.raw(Array((head + "\r\nConnection: close\r\n\r\n").utf8)).first)
        #expect(reply.status == status, "\(head): \(reply.body)")
        ProtocolErrorTests.expectSecurityHeaders(reply, head)
    }
}
