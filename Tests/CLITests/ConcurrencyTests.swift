import Foundation
import Testing

/// Queries and a second ingest while an ingest writes: the index is in write-ahead-log mode, so readers see the
/// last committed state and never wait for the writer; writers take turns (`WriterLock`): a second ingest waits as
/// long as the first takes and then runs, and a query's own update never waits and never makes an ingest fail.
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

        // A changed corpus file, so that a query without --no-refresh wants to update the index.
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: folder.appendingPathComponent("corpus/organisations/ndwm.md").path)
        let (writer, _, _) = try CLIRunner.start("alliance-ingest", ["corpus", "bulk.jsonl"], in: folder)
        // A second ingest of the same files, started once the first holds the writer's lock: it waits, then finds
        // nothing to do.
        let lock = folder.appendingPathComponent("index/alliance.sqlite.lock").path
        while writer.isRunning && !FileManager.default.fileExists(atPath: lock) { usleep(2_000) }
        let (second, secondOut, secondErr) = try CLIRunner.start("alliance-ingest", ["corpus", "bulk.jsonl"], in: folder)
        var totals: [Int] = []
        var failures: [String] = []
        var refreshing = 0
        var slowest = 0.0
        repeat {
            // Every other query may update the index: it finds the writer's lock taken and searches as it is.
            let refresh = totals.count % 2 == 1
            let start = Date()
            let query = try CLIRunner.run(
                "alliance-query", (refresh ? [] : ["--no-refresh"]) + ["--format", "json", "--limit", "1", "zebulon"], in: folder)
            if writer.isRunning { slowest = max(slowest, Date().timeIntervalSince(start)) }
            if refresh && query.stderr.contains("another process is writing index/alliance.sqlite; searching it as it is") { refreshing += 1 }
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
        #expect(second.terminationStatus == 0, "\(secondError)")
        #expect(secondOutput.contains("added 0, updated 0, unchanged \(count + 20), removed 0, failed 0"), "\(secondOutput)")
        #expect(secondError.contains("waiting for another process"), "\(secondError)")
        #expect(refreshing >= 1, "no query tried to update the index while the ingest ran")
        // A query never waited for the writer (its busy timeout is 10 s).
        #expect(slowest < 5, "a query took \(slowest) s during the ingest")
        let check = try CLIRunner.run("alliance-ingest", ["--check"], in: folder)
        #expect(check.status == 0 && check.stdout.contains("\(count + 20) documents"))
    }
}
