import Foundation
import Testing
@testable import AllianceSearch

/// A corpus of everything that should not be in one: each bad file gets an error naming it, nothing crashes or
/// hangs, and the good documents are indexed.
struct HostileCorpusTests {
    /// The time limit guards against a hang; it is loose enough for a run under a sanitizer (about 8 minutes there,
    /// 8 seconds in a plain debug build).
    @Test(.timeLimit(.minutes(15)))
    func everyBadFileIsNamedAndTheRestIsIndexed() throws {
        let words = ["rights", "migrant", "women", "labour", "justice", "domestic", "survivor", "recruitment"]
        let fifty = String((0..<6_000_000).map { words[$0 % words.count] }.joined(separator: " ").prefix(50_000_000))
        let nested = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        var bomb = "---\nid: bomb\ntitle: Bomb\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for (name, previous) in zip("bcdefghi", "abcdefgh") {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
        }
        bomb += "---\nBody\n"
        let space = try IngesterTests.Workspace([
            "ok.md": Fixtures.markdown(id: "ok", title: "Fine document", body: "Domestic work is work."),
            "nul.md": "---\nid: nul\ntitle: Has a NUL\n---\nBefore\u{0}after, about trafficking.\n",
            "bomb.md": bomb,
            "deep.md": "---\nid: deep\ntitle: Deep\nx: \(nested)\n---\nbody\n",
            "wrong.md": "---\nid: wrong\ntitle: [a, b]\n---\nbody\n",
            "long.md": "---\nid: long\ntitle: One long line\n---\n" + fifty + "\n",
            "export.jsonl": #"{"id": "j1", "title": "Good record", "body": "Access to justice."}"# + "\n"
                + #"{"id": "j2", "title": "Huge", "body": ""# + fifty + "\"}\n"
                + #"{"id": "j3", "title": "Cut off"#,
        ])
        defer { space.remove() }
        let corpus = space.corpus
        var bad = Data("---\nid: bad\ntitle: Bad bytes\n---\nCaf".utf8)
        bad.append(contentsOf: [0xE9, 0x20, 0x61, 0x0A])
        try bad.write(to: corpus.appendingPathComponent("badutf8.md"))
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }).write(to: corpus.appendingPathComponent("binary.md"))
        try FileManager.default.createSymbolicLink(atPath: corpus.appendingPathComponent("loop-a.md").path, withDestinationPath: "loop-b.md")
        try FileManager.default.createSymbolicLink(atPath: corpus.appendingPathComponent("loop-b.md").path, withDestinationPath: "loop-a.md")
        #expect(mkfifo(corpus.appendingPathComponent("pipe.md").path, 0o644) == 0)

        let report = try space.ingest()
        let messages = Dictionary(grouping: report.errors, by: { URL(fileURLWithPath: $0.path).lastPathComponent })
            .mapValues { $0.map { "\($0.line.map(String.init) ?? "-"): \($0.message)" } }
        func expect(_ file: String, _ fragment: String, line: Int? = nil) {
            let found = messages[file] ?? []
            #expect(found.contains { $0.contains(fragment) && (line == nil || $0.hasPrefix("\(line!):")) }, "\(file): \(found)")
        }
        expect("bomb.md", "front matter too large")
        expect("deep.md", "invalid YAML front matter", line: 4)
        expect("wrong.md", "'title' must be a single value", line: 3)
        expect("long.md", "too large: 47 MB")
        expect("export.jsonl", "too large: 47 MB", line: 2)
        expect("export.jsonl", "invalid JSON at column 23: this string is never closed", line: 3)
        expect("badutf8.md", "invalid UTF-8", line: 5)
        expect("binary.md", "invalid UTF-8")
        expect("loop-a.md", "a link that leads to no file (Too many levels of symbolic links)")
        expect("loop-b.md", "a link that leads to no file")
        expect("pipe.md", "not a regular file")
        #expect(report.errors.count == 11, "\(report.errors.map(\.description))")
        #expect(report.added == 3)
        #expect(try space.ids("domestic") == ["ok"])
        #expect(try space.ids("trafficking") == ["nul"])
        #expect(try space.ids("justice") == ["j1"])
        #expect(try IndexCheck.run(indexPath: space.indexPath).isSound)
    }

    /// A file deleted after the scan listed it, while the ingest runs: the error names it and says what happened
    /// and what to do, and the other files are indexed. The ingest is run on a scan taken before the deletion, which
    /// is the moment a deletion mid-ingest falls into.
    @Test func aFileDeletedMidIngestIsNamedAndTheRestIsIndexed() throws {
        let space = try IngesterTests.Workspace([
            "a.md": Fixtures.markdown(id: "a", title: "Alpha collective", body: "Domestic workers organising."),
            "gone.md": Fixtures.markdown(id: "gone", title: "Short-lived", body: "Police violence against sex workers."),
            "export.jsonl": #"{"id": "j1", "title": "Good record", "body": "Access to justice."}"# + "\n",
        ])
        defer { space.remove() }
        let scan = try CorpusScanner.scan(roots: [space.corpus.path])
        #expect(scan.files.count == 3)
        try FileManager.default.removeItem(at: space.corpus.appendingPathComponent("gone.md"))

        let index = try SearchIndex.openForWriting(at: space.indexPath)
        let report = try index.write { db in
            var run = Ingester.Run(
                db: db, paths: IndexPaths(indexPath: space.indexPath), scan: scan, roots: [space.corpus.path], progress: nil)
            try run.ingest()
            try IndexSettings.current(roots: [space.corpus.path], now: Ingester.now()).save(db)
            return run.report
        }
        #expect(report.errors.map(\.description) == [
            "\(DisplayPath.relative(space.corpus.appendingPathComponent("gone.md").path)): cannot read: it was deleted or moved while the ingest ran; run the ingest again",
        ])
        #expect(report.added == 2 && report.failed == 1)
        #expect(try space.ids("domestic") == ["a"])
        #expect(try space.ids("justice") == ["j1"])
        #expect(try space.ids("police").isEmpty)

        // The next run finds the file gone, and reports nothing.
        #expect(try space.ingest().errors.isEmpty)
    }

    /// A link the scan allowed (to a file inside the corpus) and that is pointed out of it before the file is read:
    /// the reader checks what it opened, refuses it, and indexes nothing from outside.
    @Test func aLinkRepointedAfterTheScanIsRefusedWhenRead() throws {
        let space = try IngesterTests.Workspace([
            "a.md": Fixtures.markdown(id: "a", title: "Alpha collective", body: "Domestic workers organising."),
            "inside.md": Fixtures.markdown(id: "inside", title: "Inside", body: "Shelters inside the corpus."),
        ])
        defer { space.remove() }
        let outside = space.folder.appendingPathComponent("outside/secret.md")
        try Fixtures.write(Data(Fixtures.markdown(id: "secret", title: "Secret", body: "The qzmarrowfend payroll.").utf8), to: outside)
        let link = space.corpus.appendingPathComponent("z.md").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: space.corpus.appendingPathComponent("inside.md").path)
        let scan = try CorpusScanner.scan(roots: [space.corpus.path])
        #expect(scan.files.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["a.md", "inside.md", "z.md"])
        try FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: outside.path)

        let index = try SearchIndex.openForWriting(at: space.indexPath)
        let report = try index.write { db in
            var run = Ingester.Run(
                db: db, paths: IndexPaths(indexPath: space.indexPath), scan: scan, roots: [space.corpus.path], progress: nil)
            try run.ingest()
            try IndexSettings.current(roots: [space.corpus.path], now: Ingester.now()).save(db)
            return run.report
        }
        #expect(report.errors.map(\.description) == [
            "\(DisplayPath.relative(link)): cannot read: it now leads to \(outside.path), outside the folders being ingested; ingest with --follow-links to follow such links; skipped",
        ])
        #expect(try space.ids("qzmarrowfend").isEmpty)
    }
}
