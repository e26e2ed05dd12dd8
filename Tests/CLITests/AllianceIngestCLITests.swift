import Foundation
import Testing

/// `alliance-ingest` as a user and a script see it.
@Suite(.serialized)
struct AllianceIngestCLITests {
    @Test func ingestPrintsASummaryAndSkipsUnchangedFiles() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try CLIRunner.run("alliance-ingest", [], in: folder)
        #expect(first.status == 0)
        #expect(first.stderr == "")
        let lines = first.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "built index/alliance.sqlite (there was no index)")
        #expect(lines.last?.hasPrefix("added 20, updated 0, unchanged 0, removed 0, failed 0 in ") == true)
        #expect(lines.last?.hasSuffix(" s (20 documents)") == true)

        let second = try CLIRunner.run("alliance-ingest", ["corpus"], in: folder)
        #expect(second.stdout.hasPrefix("added 0, updated 0, unchanged 20, removed 0, failed 0 in "))
    }

    @Test func brokenFilesAreNamedOnStderrAndExitOne() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "---\nid: broken\ntitle: \"unclosed\n---\nBody\n".write(
            to: folder.appendingPathComponent("corpus/organisations/broken.md"), atomically: true, encoding: .utf8)
        try #"{"id": "ok", "title": "Fine", "body": "fine"}"# .appending("\n{not json}\n").write(
            to: folder.appendingPathComponent("corpus/export.jsonl"), atomically: true, encoding: .utf8)
        let result = try CLIRunner.run("alliance-ingest", [], in: folder)
        #expect(result.status == 1)
        let errors = result.stderr.split(separator: "\n").map(String.init)
        #expect(errors.count == 2)
        #expect(errors[0] == "corpus/export.jsonl:2: invalid JSON at column 2: 'n' where a key was expected; keys are strings in double quotes")
        #expect(errors[1].hasPrefix("corpus/organisations/broken.md:3: invalid YAML front matter: "))
        #expect(result.stdout.contains("added 21, updated 0, unchanged 0, removed 0, failed 2 in "))
    }

    @Test func usageAndIndexErrors() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try CLIRunner.run("alliance-ingest", ["no-such-folder"], in: folder)
        #expect(missing.status == 2)
        #expect(missing.stderr == "alliance-ingest: no-such-folder: no such file or folder\n")

        // A file that is not a database is never replaced, even by --rebuild.
        let index = folder.appendingPathComponent("index/alliance.sqlite")
        try Data("not an index".utf8).write(to: index)
        for arguments in [[], ["--rebuild"]] {
            let refused = try CLIRunner.run("alliance-ingest", arguments, in: folder)
            #expect(refused.status == 3)
            #expect(refused.stderr == "alliance-ingest: index/alliance.sqlite is not an Alliance Search index; point --index at another file (or delete this one, if it is a damaged index)\n")
        }
        #expect(try String(contentsOf: index, encoding: .utf8) == "not an index")

        // A damaged index is reported, and replaced by --rebuild.
        try FileManager.default.removeItem(at: index)
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).status == 0)
        let handle = try #require(FileHandle(forWritingAtPath: index.path))
        try handle.seek(toOffset: 100)
        handle.write(Data(repeating: 0xEE, count: 3900))
        try handle.close()
        let corrupt = try CLIRunner.run("alliance-ingest", [], in: folder)
        #expect(corrupt.status == 3)
        #expect(corrupt.stderr.contains("is damaged"))
        let rebuilt = try CLIRunner.run("alliance-ingest", ["--rebuild", "corpus"], in: folder)
        #expect(rebuilt.status == 0)
        #expect(rebuilt.stdout.hasPrefix("built index/alliance.sqlite (--rebuild was asked for)\nadded 20,"))
    }

    /// `--check` and `--purge`, with their statuses: 0, 1 for an id not found, 2 for misuse, 3 for damage.
    @Test func checkAndPurge() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).status == 0)
        let sound = try CLIRunner.run("alliance-ingest", ["--check"], in: folder)
        #expect(sound.status == 0 && sound.stderr == "")
        #expect(sound.stdout.hasPrefix("index/alliance.sqlite: sound (SQLite integrity_check and FTS5 integrity-check passed; 20 documents, "))

        let purged = try CLIRunner.run("alliance-ingest", ["--purge", "speak-out-take-action", "--purge", "no-such-id"], in: folder)
        #expect(purged.status == 1)
        #expect(purged.stdout.hasPrefix("purged 1 document(s); the index file was rewritten ("))
        #expect(purged.stderr.contains("alliance-ingest: no document has the id \"no-such-id\"\n"))
        #expect(purged.stderr.contains("corpus/publications/speak-out-take-action.md:1: still holds a purged document; "))
        let query = try CLIRunner.run("alliance-query", ["Speak Out, Take Action", "--format", "json"], in: folder)
        #expect(!query.stdout.contains("\"speak-out-take-action\""))

        for misuse in [["--check", "corpus"], ["--purge", "x", "--rebuild"], ["--purge", " "]] {
            #expect(try CLIRunner.run("alliance-ingest", misuse, in: folder).status == 2, "\(misuse)")
        }

        let index = folder.appendingPathComponent("index/alliance.sqlite")
        let handle = try #require(FileHandle(forWritingAtPath: index.path))
        try handle.seek(toOffset: 8192)
        handle.write(Data(repeating: 0xEE, count: 4096))
        try handle.close()
        let damaged = try CLIRunner.run("alliance-ingest", ["--check"], in: folder)
        #expect(damaged.status == 3)
        #expect(damaged.stderr.hasSuffix("alliance-ingest: index/alliance.sqlite failed its checks; rebuild it with `alliance-ingest --rebuild --index index/alliance.sqlite`\n")
            || damaged.stderr.contains("is damaged"), "\(damaged.stderr)")
    }

    /// Kill -9 in the middle of a large ingest: the index keeps its previous contents and stays searchable.
    @Test func aKilledIngestLeavesThePreviousIndexIntact() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CLIRunner.run("alliance-ingest", ["corpus"], in: folder).status == 0)
        let indexPath = folder.appendingPathComponent("index/alliance.sqlite").path
        let before = try Data(contentsOf: URL(fileURLWithPath: indexPath))

        var lines: [String] = []
        for number in 0..<60_000 {
            lines.append(#"{"id": "bulk-\#(number)", "title": "Bulk record \#(number)", "body": "Generated text about labour migration and recruitment number \#(number)."}"#)
        }
        try lines.joined(separator: "\n").write(to: folder.appendingPathComponent("bulk.jsonl"), atomically: true, encoding: .utf8)

        let (process, _, _) = try CLIRunner.start("alliance-ingest", ["bulk.jsonl"], in: folder)
        usleep(400_000)
        let wasRunning = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(wasRunning, "the ingest finished before it could be interrupted; make the bulk file larger")

        let after = try CLIRunner.run("alliance-query", ["--no-refresh", "--format", "json", "bulk"], in: folder)
        #expect(after.status == 1, "\(after.stderr)")
        let police = try CLIRunner.run("alliance-query", ["--no-refresh", "police brutality"], in: folder)
        #expect(police.status == 0)
        #expect(police.stdout.contains("1. **Speak Out, Take Action"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: indexPath)) == before)
    }
}
