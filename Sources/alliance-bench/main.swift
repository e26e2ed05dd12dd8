import AllianceSearch
import ArgumentParser
import Foundation
import GRDB

/// `alliance-bench`: the measurements `bench/perf.py` needs from inside the process, where a subprocess per query
/// or an SQLite shell without our tokenizer cannot reach. Not installed with the tools; not part of the product.
@main
struct AllianceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alliance-bench",
        abstract: "Measurements for bench/perf.py: the raw FTS5 limit with our tokenizer, and query latency through the library.",
        subcommands: [RawFTS5.self, Queries.self, Fuzz.self])
}

/// The raw FTS5 limit with the index's own tokenizer: the rows are loaded into a plain table first (not timed),
/// then `INSERT INTO fts SELECT …` is timed, as `bench/perf.py` times the `sqlite3` shell with `porter unicode61`.
struct RawFTS5: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "raw-fts5")

    @Option(help: "The JSONL corpus ({id, title, body} per line).")
    var jsonl: String

    @Option(help: "The database file to create.")
    var database: String

    func run() throws {
        try? FileManager.default.removeItem(atPath: database)
        let queue = try DatabaseQueue(path: database, configuration: SearchIndex.configuration)
        try queue.write { db in
            try db.execute(sql: #"CREATE TABLE "docs" ("id" TEXT, "title" TEXT, "body" TEXT)"#)
            let insert = try db.makeStatement(sql: #"INSERT INTO "docs" VALUES (?, ?, ?)"#)
            let decoder = JSONDecoder()
            struct Record: Decodable { var id: String; var title: String; var body: String }
            guard let reader = FileHandle(forReadingAtPath: jsonl) else { throw ValidationError("cannot read \(jsonl)") }
            var pending = Data()
            func flush(_ line: Data) throws {
                guard !line.isEmpty, let record = try? decoder.decode(Record.self, from: line) else { return }
                try insert.execute(arguments: [record.id, record.title, record.body])
            }
            while let chunk = try reader.read(upToCount: 1 << 20), !chunk.isEmpty {
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    try flush(pending[pending.startIndex..<newline])
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            try flush(pending)
        }
        func fileBytes() -> Double {
            ((try? FileManager.default.attributesOfItem(atPath: database)[.size] as? NSNumber)?.doubleValue) ?? 0
        }
        let before = fileBytes()
        let start = Date()
        try queue.write { db in
            // English stems, as ingest gives this corpus (it has no `languages`, and its text is English).
            try db.execute(sql: """
                CREATE VIRTUAL TABLE "fts" USING fts5("title", "body", tokenize=\(TokenizerSettings.sqlArgument));
                INSERT INTO "fts"("rowid", "title", "body")
                    SELECT "rowid", char(57344) || 'en ' || "title", char(57344) || 'en ' || "body" FROM "docs";
                """)
        }
        let seconds = Date().timeIntervalSince(start)
        // The FTS5 tables alone, as `perf.py` measures the `sqlite3` shell's: the plain table is not counted.
        print(String(format: "{\"seconds\": %.3f, \"fts_mb\": %.1f}", seconds, (fileBytes() - before) / 1e6))
    }
}

/// Query latency through the library: each query of the file (one per line) is searched as `alliance-query`
/// searches it (top 10, snippets), and its time printed, in milliseconds, one per line.
struct Queries: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "queries")

    @Option(help: "The index file.")
    var index: String

    @Option(help: "The queries, one per line.")
    var queries: String

    func run() throws {
        let engine = SearchEngine(index: try SearchIndex.openForReading(at: index))
        let lines = try String(contentsOfFile: queries, encoding: .utf8).split(separator: "\n").map(String.init)
        var output = ""
        for line in lines {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try? engine.search(SearchRequest(query: line))
            output += String(format: "%.4f\n", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        print(output, terminator: "")
    }
}

/// Fuzzing parse-and-execute: `count` texts from `QueryFuzzer`, each searched as `alliance-query` searches it. A
/// `QueryError` is an answer (the user is told what is wrong); any other error, or a search over 5 s, is a failure,
/// printed with its text. Prints a JSON summary; exits 1 when anything failed.
struct Fuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz", abstract: "Run generated hostile queries through the engine; report crashes, hangs and SQLite errors.")

    @Option(help: "The index file.")
    var index: String

    @Option(help: "How many queries.")
    var count = 1_000_000

    @Option(help: "The generator's seed.")
    var seed: UInt64 = 0x5EED

    func run() throws {
        let engine = SearchEngine(index: try SearchIndex.openForReading(at: index))
        var fuzzer = QueryFuzzer(seed: seed)
        var answered = 0, refused = 0, failed = 0, slowest = 0.0
        let start = Date()
        for number in 0..<count {
            let text = fuzzer.next()
            let began = Date()
            let failedBefore = failed
            do {
                _ = try engine.search(SearchRequest(query: text, limit: 3))
                answered += 1
            } catch is QueryError {
                refused += 1
            } catch {
                failed += 1
                FileHandle.standardError.write(Data("query \(number) \(text.debugDescription): \(error)\n".utf8))
            }
            let seconds = Date().timeIntervalSince(began)
            slowest = max(slowest, seconds)
            if seconds > 5 && failed == failedBefore {
                failed += 1
                FileHandle.standardError.write(Data("query \(number) \(text.debugDescription) took \(seconds) s\n".utf8))
            }
        }
        print(String(
            format: #"{"queries": %d, "answered": %d, "refused": %d, "failed": %d, "slowest_ms": %.1f, "seconds": %.1f}"#,
            count, answered, refused, failed, slowest * 1000, Date().timeIntervalSince(start)))
        if failed > 0 { throw ExitCode(1) }
    }
}
