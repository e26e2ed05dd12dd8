import Foundation
import Testing

/// `alliance-query` on queries that ask too much (issue 14): a `--raw` expression over a bound is a usage error that
/// names the bound, on the command line and on a `--batch` line alike, and a repeated word costs nothing more.
@Suite(.serialized)
struct QueryLimitsCLITests {
    @Test func rawExpressionsOverABoundAreUsageErrorsNamingIt() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try CLIRunner.run("alliance-ingest", [], in: folder)

        let prefixes = try CLIRunner.run("alliance-query", ["--raw", String(repeating: "a*", count: 5_000)], in: folder)
        #expect(prefixes.status == 2)
        #expect(prefixes.stderr.hasPrefix("alliance-query: the query asks too much of the index: a --raw expression may hold at most 4 prefixes"), "\(prefixes.stderr)")

        let chain = try CLIRunner.run("alliance-query", ["--raw", String(repeating: "traffick* OR ", count: 2_000) + "traffick*"], in: folder)
        #expect(chain.status == 2)
        #expect(chain.stderr.contains("at most 4 prefixes"), "\(chain.stderr)")

        try """
            {"id": "prefixes", "query": "a* b* c* d* e*", "raw": true}
            {"id": "words", "query": "\(Array(repeating: "police", count: 100).joined(separator: " "))", "raw": true}
            {"id": "fine", "query": "police", "raw": true}

            """.write(to: folder.appendingPathComponent("queries.jsonl"), atomically: true, encoding: .utf8)
        let batch = try CLIRunner.run("alliance-query", ["--batch", "queries.jsonl"], in: folder)
        #expect(batch.status == 2, "\(batch.stderr)")
        let answers = batch.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(answers.map { $0["id"] as? String } == ["prefixes", "words", "fine"])
        let messages = answers.map { ($0["error"] as? [String: Any])?["message"] as? String }
        #expect(messages[0]?.contains("at most 4 prefixes") == true, "\(messages)")
        #expect(messages[1]?.contains("at most 64 words and phrases") == true, "\(messages)")
        #expect(messages[2] == nil && answers[2]["total"] as? Int == 1)
    }

    @Test func aRepeatedWordIsSearchedOnceWithoutAWarning() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try CLIRunner.run("alliance-ingest", [], in: folder)
        let repeated = try CLIRunner.run("alliance-query", ["--format", "json", String(repeating: "police ", count: 500)], in: folder)
        #expect(repeated.status == 0)
        #expect(repeated.stderr == "")
        let once = try CLIRunner.run("alliance-query", ["--format", "json", "police"], in: folder)
        let expression = { (output: String) in
            (try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])?["expression"] as? String
        }
        #expect(expression(repeated.stdout) != nil && expression(repeated.stdout) == expression(once.stdout))
    }
}
