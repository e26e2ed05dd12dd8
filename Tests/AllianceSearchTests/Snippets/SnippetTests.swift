import Testing
@testable import AllianceSearch

struct SnippetTests {
    private let open = String(Snippet.openMarker), close = String(Snippet.closeMarker)

    @Test func readsMarkedTextIntoTextAndHighlightsCountedInUnicodeScalars() {
        let snippet = Snippet(marked: "…of \(open)trabajadoras\(close) domésticas and \(open)महिला\(close)")
        #expect(snippet.text == "…of trabajadoras domésticas and महिला")
        #expect(snippet.highlights == [.init(start: 4, end: 16), .init(start: 32, end: 37)])
        #expect(snippet.marked(open: "[", close: "]") == "…of [trabajadoras] domésticas and [महिला]")
    }

    @Test func emptyOrUnmarkedTextHasNoHighlights() {
        #expect(!Snippet(marked: "").hasHighlights)
        #expect(!Snippet(marked: "plain").hasHighlights)
        #expect(Snippet(marked: "\(open)\(close)x").highlights.isEmpty)
    }
}
