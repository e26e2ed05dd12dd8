import Foundation
import Testing
@testable import AllianceSearch

/// One document in full, with the words of a query marked, on the bundled corpus.
struct DocumentViewTests {
    private let engine = SearchEngine(index: Fixtures.corpusIndex)

    private func markedWords(_ view: DocumentView) -> [String] {
        let scalars = Array(view.body.text.unicodeScalars)
        return view.body.ranges.map { String(String.UnicodeScalarView(scalars[$0])).lowercased() }
    }

    @Test func aDocumentIsFoundByIdWithItsFields() throws {
        let view = try #require(try engine.document(id: "ndwm"))
        #expect(view.title == "National Domestic Workers Movement (NDWM)")
        #expect(view.type == "organisation")
        #expect(view.aliases == ["NDWM", "National Domestic Workers' Movement"])
        #expect(view.issues.contains("domestic work"))
        #expect(view.metadata["country"]?.text == "India")
        #expect(view.path.hasSuffix("corpus/organisations/ndwm.md"))
        #expect(view.body.text.hasPrefix("The National Domestic Workers Movement (NDWM) works with domestic workers"))
        #expect(view.body.ranges.isEmpty)
    }

    /// Every word of the query is marked wherever it occurs, even words a search in `all` mode would not need, and
    /// concepts in other languages are marked as well.
    @Test(arguments: [
        ("ndwm", "domestic work", ["domestic workers", "domestic work", "works"]),
        ("ndwm", "domestic nonexistentword", ["domestic"]),
        ("sintrasedom", "trabajo doméstico", ["domestic work"]),
    ])
    func theQuerysWordsAreMarked(id: String, query: String, expected: [String]) throws {
        let view = try #require(try engine.document(id: id, highlighting: query))
        let marked = Set(markedWords(view))
        for word in expected { #expect(marked.contains(word), "\(id) \(query): \(marked)") }
    }

    @Test(arguments: ["", "   ", "\"", "NEAR(", "-", "title:", String(repeating: "(", count: 500)])
    func aQueryThatCannotBeReadMarksNothingAndStillShowsTheDocument(query: String) throws {
        let view = try #require(try engine.document(id: "ndwm", highlighting: query))
        #expect(view.title == "National Domestic Workers Movement (NDWM)")
    }

    @Test(arguments: ["no-such-id", "", "../../etc/passwd", "ndwm' OR '1'='1", "NDWM"])
    func anUnknownIdIsNil(id: String) throws {
        #expect(try engine.document(id: id) == nil)
    }
}
