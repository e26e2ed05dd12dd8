import Foundation
import Testing
@testable import AllianceSearch

/// Khmer words are found inside running Khmer text, which has no spaces between words.
struct KhmerGramsTests {
    /// ការងារ is four grapheme clusters, កា រ ងា រ: three pairs, then the last cluster alone.
    @Test(arguments: [
        ("ការងារ", "ការ រងា ងារ រ"),
        ("ក", "ក"),
        ("Human rights", ""),
        ("ការ and ងារ", "ការ រ ងារ រ"),
        // A subscript consonant (after the coeng, U+17D2) stays in its stack: ស្រុ + ក.
        ("ស្រុក", "ស្រុក ក"),
    ])
    func writesClusterPairs(text: String, expected: String) {
        #expect(KhmerGrams.indexText(text) == expected)
    }

    @Test func aKhmerWordIsFoundInsideRunningText() throws {
        // "Human rights and domestic work" and "Women's rights", written, as Khmer is, without spaces between words.
        let (engine, folder) = try Fixtures.engine(indexing: [
            "km.md": "---\nid: km\ntitle: អង្គការ\n---\nសិទ្ធិមនុស្សនិងការងារផ្ទះ។",
            "km2.md": "---\nid: km2\ntitle: ស្ត្រី\n---\nសិទ្ធិស្ត្រី។",
            "en.md": "---\nid: en\ntitle: Rights\n---\nHuman rights.",
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        func ids(_ query: String) throws -> [String] {
            try engine.search(SearchRequest(query: query, match: .all)).hits.map(\.id).sorted()
        }
        #expect(try ids("ការងារ") == ["km"])
        #expect(try ids("មនុស្ស") == ["km"])
        #expect(try ids("សិទ្ធិ") == ["km", "km2"])
        #expect(try ids("ស្ត្រី") == ["km2"])
        #expect(try ids("ការងារ human") == [])
        // Not a substring of either text.
        #expect(try ids("ផ្ទះស្ត្រី") == [])
        // A prefix finds a word's beginning inside running text; NEAR, fields and mixed-script phrases are
        // matched as written, never through the pairs, so they cannot match words out of order.
        #expect(try ids("មនុ*") == ["km"])
        #expect(try ids("NEAR(ការងារ ផ្ទះ, 3)") == [])
        #expect(try ids("title:អង្គការ") == ["km"])
        #expect(try ids("\"human ការងារ\"") == [])
        #expect(try ids("\"ផ្ទះ ការងារ\"") == [])
        // The match is marked in the fragment.
        let hit = try #require(try engine.search(SearchRequest(query: "ការងារ")).hits.first)
        let snippet = try #require(hit.snippets.first)
        let marked = snippet.highlights.map { String(String.UnicodeScalarView(Array(snippet.text.unicodeScalars)[$0.start..<$0.end])) }
        #expect(marked == ["ការងារ"])
    }
}
