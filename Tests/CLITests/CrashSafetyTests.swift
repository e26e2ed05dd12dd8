import Foundation
import Testing

/// `alliance-ingest` killed with SIGKILL at random moments, in place and during `--rebuild`: every time, the index
/// opens, passes SQLite's and FTS5's integrity checks (`--check`), and holds exactly the old documents or exactly
/// the new ones.
@Suite(.serialized)
struct CrashSafetyTests {
    static let trials = 50

    /// The documents and the manifest, as text: equal texts, equal states.
    private func state(of index: URL) throws -> String {
        let sqlite3 = try #require(
            ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "the sqlite3 shell is needed (apt-get install sqlite3)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sqlite3)
        process.arguments = [
            index.path,
            #"SELECT count(*), group_concat("id" || ' ' || "content_hash", ',') FROM (SELECT * FROM "documents" ORDER BY "id");"#
                + #"SELECT group_concat("path" || ' ' || ifnull("content_hash", '-'), ',') FROM (SELECT * FROM "sources" ORDER BY "path");"#,
        ]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }

    @Test func aKilledIngestLeavesTheOldIndexOrTheNewOneNeverAMix() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = folder.appendingPathComponent("index/alliance.sqlite")
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).status == 0)
        let oldBytes = try Data(contentsOf: index)
        let old = try state(of: index)

        let lines = (0..<8_000).map { number in
            #"{"id": "bulk-\#(number)", "title": "Bulk record \#(number)", "body": "Generated text about labour migration, recruitment fees and domestic work, number \#(number)."}"#
        }
        try lines.joined(separator: "\n").write(to: folder.appendingPathComponent("bulk.jsonl"), atomically: true, encoding: .utf8)
        let start = Date()
        #expect(try CLIRunner.run("alliance-ingest", ["corpus", "bulk.jsonl"], in: folder).status == 0)
        let duration = Date().timeIntervalSince(start)
        let new = try state(of: index)
        #expect(new != old && new.hasPrefix("8020|"))

        var outcomes = (old: 0, new: 0, mixed: 0)
        for trial in 0..<Self.trials {
            // Back to the old index; nothing of the previous trial is left beside it.
            for name in try FileManager.default.contentsOfDirectory(atPath: index.deletingLastPathComponent().path) {
                try FileManager.default.removeItem(at: index.deletingLastPathComponent().appendingPathComponent(name))
            }
            try oldBytes.write(to: index)
            let arguments = trial % 2 == 0 ? ["corpus", "bulk.jsonl"] : ["--rebuild", "corpus", "bulk.jsonl"]
            let (process, _, _) = try CLIRunner.start("alliance-ingest", arguments, in: folder)
            // Up to twice the measured run: under the load of the other tests, a run takes longer than it did alone.
            usleep(UInt32(Double.random(in: 0...(duration * 2)) * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            let check = try CLIRunner.run("alliance-ingest", ["--check"], in: folder)
            #expect(check.status == 0, "trial \(trial): \(check.stderr)")
            #expect(check.stdout.contains(": sound ("), "trial \(trial)")
            let now = try state(of: index)
            if now == old {
                outcomes.old += 1
            } else if now == new {
                outcomes.new += 1
            } else {
                outcomes.mixed += 1
                Issue.record("trial \(trial) (\(arguments.joined(separator: " "))): neither the old state nor the new one")
            }
            // Still searchable, and the next ingest completes the work.
            #expect(try CLIRunner.run("alliance-query", ["--no-refresh", "police brutality"], in: folder).status == 0)
        }
        print("crash trials: \(Self.trials) kills within \(String(format: "%.2f", duration * 2)) s; old state \(outcomes.old), new state \(outcomes.new), mixed \(outcomes.mixed)")
        #expect(outcomes.mixed == 0)
        // Kills landed both before and after the commit, or the test proves little.
        #expect(outcomes.old > 0 && outcomes.new > 0)
        #expect(try CLIRunner.run("alliance-ingest", ["corpus", "bulk.jsonl"], in: folder).status == 0)
        #expect(try state(of: index) == new)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: index.deletingLastPathComponent().path)
        #expect(leftovers == ["alliance.sqlite"])
    }

    /// `alliance-ingest --purge` killed at random moments: the index is never damaged, and holds the document
    /// (killed before the delete committed), or does not (after); when the kill came between the commit and the end
    /// of the scrub, `--check` says a scrub is unfinished and `--check --repair` finishes it, after which no copy of
    /// the text is in any file of the index.
    @Test func aKilledPurgeLeavesTheDocumentOrAScrubThatTheNextRunFinishes() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = folder.appendingPathComponent("index/alliance.sqlite")
        let indexFolder = index.deletingLastPathComponent()
        let marker = "qzkelvarontipus"
        try Data("---\nid: secret\ntitle: Testimony of \(marker)\n---\nThe survivor \(marker) named the recruiter.\n".utf8)
            .write(to: folder.appendingPathComponent("corpus/secret.md"))
        let lines = (0..<8_000).map { number in
            #"{"id": "bulk-\#(number)", "title": "Bulk record \#(number)", "body": "Generated text about labour migration, recruitment fees and domestic work, number \#(number)."}"#
        }
        try lines.joined(separator: "\n").write(to: folder.appendingPathComponent("bulk.jsonl"), atomically: true, encoding: .utf8)
        #expect(try CLIRunner.run("alliance-ingest", ["corpus", "bulk.jsonl"], in: folder).status == 0)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("corpus/secret.md"))
        let oldBytes = try Data(contentsOf: index)
        func textLeft() throws -> Bool {
            try FileManager.default.contentsOfDirectory(atPath: indexFolder.path).contains { name in
                try Data(contentsOf: indexFolder.appendingPathComponent(name)).range(of: Data(marker.utf8)) != nil
            }
        }
        let start = Date()
        #expect(try CLIRunner.run("alliance-ingest", ["--purge", "secret"], in: folder).status == 0)
        let duration = Date().timeIntervalSince(start)
        #expect(try !textLeft())

        let trials = 25
        var outcomes = (kept: 0, pending: 0, done: 0)
        for trial in 0..<trials {
            for name in try FileManager.default.contentsOfDirectory(atPath: indexFolder.path) {
                try FileManager.default.removeItem(at: indexFolder.appendingPathComponent(name))
            }
            try oldBytes.write(to: index)
            let (process, _, _) = try CLIRunner.start("alliance-ingest", ["--purge", "secret"], in: folder)
            usleep(UInt32(Double.random(in: 0...(duration * 1.2)) * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            let check = try CLIRunner.run("alliance-ingest", ["--check"], in: folder)
            #expect(!check.stderr.contains("failed its checks"), "trial \(trial): \(check.stderr)")
            let found = try CLIRunner.run("alliance-query", ["--no-refresh", marker], in: folder).status == 0
            if check.status == 0 {
                if found { outcomes.kept += 1 } else { outcomes.done += 1; #expect(try !textLeft(), "trial \(trial)") }
            } else {
                #expect(check.stderr.contains("did not finish scrubbing"), "trial \(trial): \(check.stderr)")
                #expect(!found, "trial \(trial): a scrub is pending but the document is still found")
                outcomes.pending += 1
                let repair = try CLIRunner.run("alliance-ingest", ["--check", "--repair"], in: folder)
                #expect(repair.status == 0, "trial \(trial): \(repair.stderr)")
                #expect(try !textLeft(), "trial \(trial): text left after --repair")
            }
        }
        print("purge crash trials: \(trials) kills within \(String(format: "%.2f", duration * 1.2)) s; document kept \(outcomes.kept), scrub pending \(outcomes.pending), purge complete \(outcomes.done)")
        #expect(outcomes.kept + outcomes.pending + outcomes.done == trials)
        #expect(outcomes.kept > 0 && outcomes.pending + outcomes.done > 0, "the kills did not land both before and after the commit")
    }
}
