import Foundation
import Testing

/// Queries and a second ingest while an ingest writes: the index is in write-ahead-log mode, so readers see the
/// last committed state and never wait for the writer; writers take turns.
@Suite(.serialized)
struct ConcurrencyTests {
    @Test func queriesDuringAnIngestAlwaysAnswerFromOneStateAndASecondIngestWaitsItsTurn() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).status == 0)
        let count = 12_000
        let lines = (0..<count).map { number in
            #"{"id": "bulk-\#(number)", "title": "Bulk record \#(number)", "body": "Generated zebulon text about labour migration, number \#(number)."}"#
        }
        try lines.joined(separator: "\n").write(to: folder.appendingPathComponent("bulk.jsonl"), atomically: true, encoding: .utf8)

        let (writer, _, _) = try CLIRunner.start("alliance-ingest", ["corpus", "bulk.jsonl"], in: folder)
        // A second ingest of the same files, started while the first writes: it waits, then finds nothing to do.
        usleep(100_000)
        let (second, secondOut, secondErr) = try CLIRunner.start("alliance-ingest", ["corpus", "bulk.jsonl"], in: folder)
        var totals: [Int] = []
        var failures: [String] = []
        repeat {
            let query = try CLIRunner.run("alliance-query", ["--no-refresh", "--format", "json", "--limit", "1", "zebulon"], in: folder)
            if query.status > 1 { failures.append(query.stderr) }
            if let data = query.stdout.data(using: .utf8),
                let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let total = json["total"] as? Int
            {
                totals.append(total)
            }
        } while writer.isRunning
        writer.waitUntilExit()
        second.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        #expect(failures.isEmpty, "\(failures)")
        // Every answer saw the index before the commit or after it, never part of the batch.
        #expect(totals.count >= 3, "the ingest ended before the queries could overlap it; make the bulk file larger")
        #expect(totals.allSatisfy { $0 == 0 || $0 == count }, "\(Set(totals))")
        let secondOutput = String(decoding: secondOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let secondError = String(decoding: secondErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if second.terminationStatus == 0 {
            #expect(secondOutput.contains("added 0, updated 0, unchanged \(count + 20), removed 0, failed 0"))
        } else {
            #expect(second.terminationStatus == 3)
            #expect(secondError.contains("is locked by another process; wait for it to finish and try again"))
        }
        let check = try CLIRunner.run("alliance-ingest", ["--check"], in: folder)
        #expect(check.status == 0 && check.stdout.contains("\(count + 20) documents"))
    }
}
