import Foundation
import Testing
@testable import AllianceSearch

/// The output contract on the bundled corpus, byte for byte, against files in `Support/Golden`.
///
/// `took_ms` is the only field that varies between runs; it is set to 0 before comparing. To accept a deliberate
/// change, run the tests with `UPDATE_GOLDEN=1` and review the diff.
struct GoldenOutputTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Support/Golden")

    private func check(_ name: String, _ output: String) throws {
        let normalised = output.replacingOccurrences(
            of: #""took_ms" ?: ?[0-9.e+-]+"#, with: "\"took_ms\":0", options: .regularExpression)
        let file = Self.folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try normalised.write(to: file, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(normalised == expected, "\(name) differs from its golden file; run with UPDATE_GOLDEN=1 to accept")
    }

    @Test func json() throws {
        try check("domestic-work.json", try JSONRenderer().render(try Fixtures.search("domestic work", limit: 2, fragments: 2, facets: [.type, .country])))
    }

    @Test func jsonWithExplainAndSuggestion() throws {
        try check("polise-brutality.json", try JSONRenderer().render(try Fixtures.search("polise brutality", limit: 1, explain: true)))
    }

    @Test func jsonl() throws {
        try check("sex-work.jsonl", try JSONRenderer().renderLines(try Fixtures.search("sex work", limit: 3)))
    }

    @Test func csv() throws {
        try check("sex-work.csv", DelimitedRenderer(style: .csv).render(try Fixtures.search("sex work", limit: 3)))
    }

    @Test func tsv() throws {
        try check("police.tsv", DelimitedRenderer(style: .tsv).render(try Fixtures.search("police OR union", limit: 3)))
    }
}
