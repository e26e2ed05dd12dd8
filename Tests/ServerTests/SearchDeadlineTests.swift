import Foundation
import Testing

/// The time a request waits for a search thread counts against `--timeout`: with one thread held by slow searches,
/// every request is answered within its timeout (plus a small margin), not after the searches queued before it.
///
/// The servers run with `ALLIANCE_SERVE_TEST_STALL`, which makes each search sleep first, deaf to SQLite's interrupt:
/// a search the watchdog cannot stop is the worst case for the requests waiting behind it.
@Suite(.serialized)
struct SearchDeadlineTests {
    /// How late after its deadline an answer may come, for scheduling on a loaded machine.
    static let margin: TimeInterval = 1

    struct Answer {
        var status: Int
        var message: String
        var seconds: TimeInterval
    }

    /// Sends `count` searches at once, each on its own connection from its own thread, and returns each one's
    /// status, error message and seconds until its answer.
    static func searches(_ count: Int, to server: ServerProcess) async -> [Answer] {
        let port = server.base.port!
        return await withTaskGroup(of: Answer.self) { group in
            for _ in 0..<count {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        DispatchQueue.global().async {
                            let start = Date()
                            let request = Array("GET /api/search?q=police&limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
                            let reply = (try? ServerProcess.raw(request, port: port, timeout: 30))?.first
                            let message = (reply?.json?["error"] as? [String: Any])?["message"] as? String ?? ""
                            continuation.resume(returning: Answer(status: reply?.status ?? 0, message: message, seconds: Date().timeIntervalSince(start)))
                        }
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// One thread, a 1 s timeout, searches that take 3 s: six at once are all answered 503 within about 1 s, the one
    /// that got the thread stopped, the others not run.
    @Test func aQueueOfSlowSearchesIsAnsweredWithinTheTimeout() async throws {
        let server = try ServerProcess(
            in: ServerProcess.folder(), arguments: ["--threads", "1", "--timeout", "1"], environment: ["ALLIANCE_SERVE_TEST_STALL": "3"])
        defer { server.stop() }
        let answers = await Self.searches(6, to: server)
        #expect(answers.map(\.status) == Array(repeating: 503, count: 6), "\(answers)")
        let slowest = answers.map(\.seconds).max() ?? 0
        #expect(slowest < 1 + Self.margin, "the last answer took \(slowest) s")
        #expect(answers.filter { $0.message.hasPrefix("the search ran longer than 1 s and was stopped") }.count == 1, "\(answers)")
        #expect(answers.filter { $0.message.hasPrefix("the server is busy: the search waited its whole 1 s limit for a thread and was not run") }.count == 5, "\(answers)")
    }

    /// One thread, a 3 s timeout, searches that take 2.5 s: of two sent together, the first is answered; the second
    /// gets the thread at 2.5 s, only what is left of its 3 s, and is answered 503 at its deadline, saying how long it
    /// waited and ran. (The long stall leaves room for the two to reach the server up to 1.5 s apart on a loaded
    /// machine: the second still waits more than its remaining time.)
    @Test func aSearchThatStartsLateGetsWhatIsLeftOfItsTimeout() async throws {
        let server = try ServerProcess(
            in: ServerProcess.folder(), arguments: ["--threads", "1", "--timeout", "3"], environment: ["ALLIANCE_SERVE_TEST_STALL": "2.5"])
        defer { server.stop() }
        let answers = await Self.searches(2, to: server).sorted { $0.seconds < $1.seconds }
        #expect(answers.map(\.status) == [200, 503], "\(answers)")
        let late = try #require(answers.last)
        #expect(late.seconds < 3 + Self.margin, "the late search took \(late.seconds) s")
        #expect(late.message.hasPrefix("the search was stopped at its 3 s limit, after waiting "), "\(late.message)")
        #expect(late.message.contains("s for a thread and running "), "\(late.message)")
    }
}
