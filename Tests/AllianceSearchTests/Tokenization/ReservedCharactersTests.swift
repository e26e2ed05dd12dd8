import Foundation
import Testing
@testable import AllianceSearch

/// The code points the engine writes as markers of its own (U+E000 before a row's languages, U+E001 before a stem,
/// U+FDD0 and U+FDD1 around a highlight) never come from outside: not from a query, whatever the path, and not
/// from a document's text.
///
/// U+FDD0 and U+FDD1 are built from their values: Swift takes no noncharacter in a `\u{…}` escape.
private let open = String(Unicode.Scalar(0xFDD0)!), close = String(Unicode.Scalar(0xFDD1)!)

struct ReservedCharactersTests {
    /// Each becomes a space, one scalar for one, so that words are not glued together and offsets into the text
    /// (a PDF's page starts, highlights) stay where they were; other private-use characters are text.
    @Test(arguments: [
        ("\u{E001}enwork", " enwork"),
        ("a\u{E000}b" + open + "c" + close + "d", "a b c d"),
        ("work\u{E001}ers", "work ers"),
        ("e\u{301}\u{E001}", "é "),
        ("plain text", "plain text"),
        ("\u{E002}\u{F8FF}\u{10FFFD}", "\u{E002}\u{F8FF}\u{10FFFD}"),
    ])
    func reservedCharactersInTextBecomeSpaces(text: String, expected: String) {
        #expect(text.nfc == expected)
    }

    private static let documents = [
        "real.md": "---\nid: real\ntitle: Report\nlanguages: [en]\n---\nThe workers were working.",
        "markers.md": "---\nid: markers\ntitle: Marked \u{E001}entitl\nlanguages: [en]\ncountry: Côte d'Ivoire\n---\n"
            + "Nothing here but \u{E001}enwork and \u{E000}es text, a " + open + "fake" + close + " mark, and police.",
    ]

    /// A stem token typed in a query, on any path, is text: it matches no document's stems, and the query says so.
    @Test(arguments: [
        ("\u{E001}enwork", false), ("\"\u{E001}enwork\"", false), ("title:\u{E001}enwork", false),
        ("NEAR(\u{E001}enwork workers)", false), ("\u{E001}enwork OR zzzz", false), ("type:\u{E001}x \u{E001}enwork", false),
        ("\"\u{E001}enwork\"", true), ("\u{E001}enwork*", true), ("\u{E001}enwork OR zzzz", true),
    ])
    func aTypedStemMarkerMatchesNoStem(query: String, raw: Bool) throws {
        let (engine, folder) = try Fixtures.engine(indexing: Self.documents)
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = try engine.search(SearchRequest(query: query, raw: raw))
        #expect(!results.hits.map(\.id).contains("real"), "\(query.debugDescription) raw \(raw)")
        #expect(results.warnings.contains { $0.message.hasPrefix("U+E000, U+E001, U+FDD0 and U+FDD1 are reserved") }, "\(results.warnings)")
        #expect(throws: QueryError.self) { try engine.search(SearchRequest(query: query, raw: raw, strict: true)) }
    }

    /// A document holding the markers is indexed and highlighted as plain text.
    @Test func aDocumentHoldingMarkersIsPlainText() throws {
        let (engine, folder) = try Fixtures.engine(indexing: Self.documents)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Its "\u{E001}enwork" is not the stem of "working"; it is the word "enwork".
        #expect(try engine.search(SearchRequest(query: "working")).hits.map(\.id) == ["real"])
        #expect(try engine.search(SearchRequest(query: "enwork")).hits.map(\.id) == ["markers"])
        #expect(try engine.search(SearchRequest(query: "entitl")).hits.map(\.id) == ["markers"])

        let hit = try #require(try engine.search(SearchRequest(query: "police")).hits.first)
        let snippet = try #require(hit.snippets.first)
        let reserved: Set<Unicode.Scalar> = ["\u{E000}", "\u{E001}", Unicode.Scalar(0xFDD0)!, Unicode.Scalar(0xFDD1)!]
        #expect(!snippet.text.unicodeScalars.contains(where: reserved.contains))
        let scalars = Array(snippet.text.unicodeScalars)
        #expect(snippet.highlights.map { String(String.UnicodeScalarView(scalars[$0.start..<$0.end])) } == ["police"])

        let view = try #require(try engine.document(id: "markers", highlighting: "police"))
        #expect(!view.body.text.unicodeScalars.contains(where: reserved.contains))
        #expect(!view.title.unicodeScalars.contains(where: reserved.contains))
        let body = Array(view.body.text.unicodeScalars)
        #expect(view.body.ranges.map { String(String.UnicodeScalarView(body[$0])) } == ["police"])
        #expect(try #require(try engine.document(id: "markers")).body.ranges.isEmpty)
    }

    /// The document view's highlighting reads its query as a search does: a typed stem marks nothing.
    @Test func theDocumentViewDoesNotHighlightATypedStem() throws {
        let (engine, folder) = try Fixtures.engine(indexing: Self.documents)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try #require(try engine.document(id: "real", highlighting: "\u{E001}enwork")).body.ranges.isEmpty)
        #expect(try #require(try engine.document(id: "real", highlighting: "working")).body.ranges.count == 1)
    }

    /// Filter values given as options are read as documents are stored: in NFC, without markers.
    @Test func filterValuesAreNormalizedAsDocumentsAre() throws {
        let (engine, folder) = try Fixtures.engine(indexing: Self.documents)
        defer { try? FileManager.default.removeItem(at: folder) }
        let decomposed = QueryFilters(countries: ["Co\u{302}te d'Ivoire"])
        #expect(try engine.search(SearchRequest(query: "police", filters: decomposed)).hits.map(\.id) == ["markers"])
    }

    /// Did-you-mean is built from the query as it was read: no marker comes back in the suggestion.
    @Test func aSuggestionHoldsNoMarker() throws {
        #expect(try Fixtures.search("\u{E001} polise").suggestion == "police")
        // The marker was read as a space: the words stay apart.
        #expect(try Fixtures.search("polise \u{E001}brutality").suggestion == "police  brutality")
    }
}
