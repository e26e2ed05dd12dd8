import Foundation
import Testing
@testable import AllianceSearch

/// CSV and TSV as programs read them: Python's `csv` module reads back every field exactly.
struct DelimitedRendererTests {
    /// Fields that once split or shifted rows: "\r\n" is one `Character`, and so are a comma or a quote followed by a
    /// combining mark, so comparing `Character`s with "\n", "\r", "," or "\"" missed them.
    static let titles = [
        "two\r\nlines", "lone\rreturn", "line\nfeed", "comma,\u{301} accent", "quote\"\u{301} accent", "plain title",
        "tab\there", "\"quoted\", and, commas",
    ]

    private func results() -> SearchResults {
        let hits = Self.titles.enumerated().map { index, title in
            SearchHit(
                rank: index + 1, id: "id\(index)", type: "page", title: title, aliases: [], issues: ["a", "b\r\nc"],
                path: "corpus/p\(index).md", line: 1, score: 1.5, metadata: [:],
                snippets: [Snippet(text: "snippet\r\n\(title)", start: 0, end: 1, highlights: [])], explanation: nil)
        }
        return SearchResults(
            request: SearchRequest(query: "q"), parsed: "", expression: "", filters: QueryFilters(), mode: .all,
            relaxed: false, total: hits.count, hits: hits, facets: [:], suggestion: nil, expansions: [], warnings: [],
            tookMilliseconds: 1)
    }

    /// The rows Python reads from `text`, with `csv.reader` (CSV) or split on line feeds and tabs (TSV).
    private func pythonRows(_ text: String, csv: Bool) throws -> [[String]] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("delimited-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(text.utf8).write(to: file)
        let script = csv
            ? "import csv, json, sys\nwith open(sys.argv[1], newline='', encoding='utf-8') as f: print(json.dumps(list(csv.reader(f))))"
            : "import json, sys\nwith open(sys.argv[1], newline='', encoding='utf-8') as f: print(json.dumps([l.split('\\t') for l in f.read().split('\\n')[:-1]]))"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try JSONDecoder().decode([[String]].self, from: data)
    }

    @Test func pythonsCSVReaderReadsEveryFieldBack() throws {
        let rows = try pythonRows(DelimitedRenderer(style: .csv).render(results()), csv: true)
        #expect(rows.count == Self.titles.count + 1)
        #expect(rows.first == DelimitedRenderer.header)
        for (index, title) in Self.titles.enumerated() {
            #expect(rows[index + 1] == ["\(index + 1)", "id\(index)", "page", title, "1.5", "corpus/p\(index).md", "1", "a; b\r\nc", "snippet\r\n\(title)"])
        }
    }

    @Test func tsvHasOneRowPerLineAndNineFieldsPerRow() throws {
        let rows = try pythonRows(DelimitedRenderer(style: .tsv).render(results()), csv: false)
        #expect(rows.count == Self.titles.count + 1)
        #expect(rows.allSatisfy { $0.count == DelimitedRenderer.header.count }, "\(rows)")
        #expect(rows.allSatisfy { $0.allSatisfy { !$0.contains("\r") } })
        #expect(rows[1][3] == "two lines" && rows[2][3] == "lone return" && rows[7][3] == "tab here")
    }
}
