import Foundation
import Testing
@testable import AllianceSearch

/// What reaches a terminal: control characters from documents, file names and queries are shown, never obeyed.
struct TerminalTextTests {
    @Test(arguments: [
        ("Esc \u{1B}[31mRED", "Esc ␛[31mRED"),
        ("title \u{1B}]0;pwned\u{07}", "title ␛]0;pwned␇"),
        ("C1 \u{9B}31m and NEL \u{85}", "C1 �31m and NEL �"),
        ("over\rwritten", "over␍written"),
        ("line\r\nend\n\ttab", "line\r\nend\n\ttab"),
        ("NUL \u{0} DEL \u{7F} BS \u{8}", "NUL ␀ DEL ␡ BS ␈"),
        ("\u{202E}txt.exe\u{202C} \u{2066}isolate\u{2069} \u{202A}\u{202B}\u{202D}", "�txt.exe� �isolate� ���"),
        ("Ünïcødé — 日本語 ភាសាខ្មែរ \u{200F}mark\u{200E} \u{FEFF}", "Ünïcødé — 日本語 ភាសាខ្មែរ \u{200F}mark\u{200E} \u{FEFF}"),
    ])
    func controlCharactersBecomeVisibleOneForOne(text: String, shown: String) {
        let visible = TerminalText.visible(text)
        #expect(visible == shown)
        // One scalar for one, so that offsets into the text (a snippet's highlights) still hold.
        #expect(visible.unicodeScalars.count == text.unicodeScalars.count)
        #expect(!visible.unicodeScalars.contains { TerminalText.isControl($0) && $0 != "\n" && $0 != "\t" && $0 != "\r" })
    }

    /// Every field of the text output that comes from a document or the user.
    @Test func textOutputShowsNoControlCharacterFromAnyField() throws {
        let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[31m\u{9B}2J\u{202E}\r"
        let snippetText = "before \(hostile) the police came\nafter"
        let start = snippetText.unicodeScalars.count - "police came\nafter".unicodeScalars.count
        let snippet = Snippet(
            text: snippetText, start: 0, end: snippetText.unicodeScalars.count,
            highlights: [.init(start: start, end: start + 6, documentStart: start, documentEnd: start + 6)])
        let hit = SearchHit(
            rank: 1, id: "id\(hostile)", type: "page\(hostile)", title: "Esc \u{1B}[31mRED\ntitle", aliases: [], issues: [],
            path: "corpus/\(hostile).md", line: 1, score: 1, metadata: [:], snippets: [snippet], explanation: nil)
        let results = SearchResults(
            request: SearchRequest(query: "police \(hostile)", explain: true), parsed: "", expression: "",
            filters: QueryFilters(), mode: .all, relaxed: true, total: 1, hits: [hit],
            facets: [.country: [FacetCount(value: "Nepal\(hostile)", count: 1)]], suggestion: "polite\(hostile)",
            expansions: [.init(concept: "c\(hostile)", matched: "m\(hostile)", terms: ["t\(hostile)"])],
            feedback: [.init(word: "w\(hostile)", weight: 1)], warnings: [], tookMilliseconds: 1)

        for style in [HighlightStyle.markers, .bold] {
            let text = TextRenderer(style: style).render(results)
            // The style's own markers are the only control sequences.
            let withoutStyle = text.replacingOccurrences(of: style.open, with: "").replacingOccurrences(of: style.close, with: "")
            #expect(!withoutStyle.unicodeScalars.contains { TerminalText.isControl($0) && $0 != "\n" }, "\(text.debugDescription)")
            #expect(text.contains("␛]0;pwned␇␛[31m�2J�␍"))
            #expect(text.contains("\(style.open)Esc ␛[31mRED title\(style.close)"))
            // The highlight is still on the word it marked.
            #expect(text.contains("\(style.open)police\(style.close) came after"))
        }
    }

    @Test func theProgressLineIsControlTextOfItsOwn() {
        let line = ProgressLine.render(IngestProgress(filesDone: 3, filesTotal: 9, documentsDone: 12))
        #expect(line.text == "\r  3/9 files, 12 documents")
        #expect(ProgressLine.clear.text == "\r\u{1B}[2K")
    }
}
