import Foundation
import Testing

/// The performance harness (`bench/perf.py`) runs in the test suite as a tiny smoke run, through the built
/// executables, so that it cannot rot: 2,000 CACM abstracts, one repeat, 20 queries of each kind, no PyPI peers.
struct PerformanceHarnessTests {
    @Test func harnessSmokeRunReportsEveryMeasurement() throws {
        let collection = CLIRunner.cacm
        let archive = collection.appendingPathComponent("documents.jsonl.gz")
        try #require(FileManager.default.fileExists(atPath: archive.path), "the CACM collection is expected at \(collection.path)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("perf-smoke-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let corpus = folder.appendingPathComponent("cacm.jsonl")
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gunzip.arguments = ["-c", "gunzip -c '\(archive.path)' > '\(corpus.path)'"]
        try gunzip.run()
        gunzip.waitUntilExit()

        let (status, json) = try CLIRunner.benchJSON("perf.py", [
            "--smoke", "--no-peers", "--corpus", corpus.path, "--binary", CLIRunner.productsFolder.path, "--json",
        ])
        #expect(status == 0)
        let results = try #require(json)
        #expect(results["documents"] as? Int == 2000)
        let ingest = try #require(results["ingest"] as? [String: [String: Any]])
        for name in ["alliance-ingest", "alliance-ingest, unchanged corpus again", "raw FTS5, porter (sqlite3 shell)", "raw FTS5, alliance tokenizer"] {
            #expect((ingest[name]?["seconds"] as? Double ?? 0) > 0, "\(name)")
        }
        let queries = try #require(results["queries"] as? [String: [String: Any]])
        for engine in ["alliance, library", "alliance, CLI --batch (took_ms)", "raw FTS5, porter"] {
            for kind in ["1 term", "2 terms AND", "phrase", "prefix", "question"] {
                let p50 = (queries[engine]?[kind] as? [String: Any])?["p50"] as? Double
                #expect(p50 != nil && p50! > 0, "\(engine), \(kind)")
            }
        }
    }
}
