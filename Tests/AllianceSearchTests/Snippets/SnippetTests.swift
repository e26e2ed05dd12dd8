import Testing
@testable import AllianceSearch

struct SnippetTests {
    private let open = String(MarkedText.openMarker), close = String(MarkedText.closeMarker)

    @Test func markedTextGivesPlainTextAndRangesCountedInUnicodeScalars() {
        let marked = MarkedText("…of \(open)trabajadoras\(close) domésticas and \(open)महिला\(close)")
        #expect(marked.text == "…of trabajadoras domésticas and महिला")
        #expect(marked.ranges == [4..<16, 32..<37])
        #expect(MarkedText("").ranges.isEmpty)
        #expect(MarkedText("\(open)\(close)x").ranges.isEmpty)
    }

    private func ranges(of words: [String], in text: String) -> [Range<Int>] {
        let scalars = Array(text.unicodeScalars)
        var result: [Range<Int>] = []
        for word in words {
            let needle = Array(word.unicodeScalars)
            var start = 0
            while start + needle.count <= scalars.count {
                if Array(scalars[start..<(start + needle.count)]) == needle { result.append(start..<(start + needle.count)) }
                start += 1
            }
        }
        return result.sorted { $0.lowerBound < $1.lowerBound }
    }

    @Test(arguments: [
        // Fragments are sentences; the ones with the most distinct matched words win, shown in document order.
        ("One sentence about nothing. Police brutality was the topic. Police came back.\nAnother line on brutality and police.",
         ["police", "brutality"], 2, ["Police brutality was the topic.", "Another line on brutality and police."]),
        // Devanagari sentences end at the danda.
        ("महिला अधिकार। बेचबिखन विरुद्ध काम। अन्य कुरा।", ["बेचबिखन"], 1, ["बेचबिखन विरुद्ध काम।"]),
        // Khmer sentences end at the khan.
        ("សិទ្ធិ​ស្ត្រី។ ការងារ​ផ្ទះ។", ["ការងារ"], 1, ["ការងារ​ផ្ទះ។"]),
        // No match in the body: the first sentence.
        ("First sentence. Second one.", [], 1, ["First sentence."]),
    ])
    func choosesSentences(text: String, words: [String], count: Int, expected: [String]) {
        let fragments = SnippetBuilder(count: count).fragments(of: text, matches: ranges(of: words, in: text))
        #expect(fragments.map(\.text) == expected)
        for fragment in fragments {
            let document = Array(text.unicodeScalars)
            #expect(String(String.UnicodeScalarView(document[fragment.start..<fragment.end])) == fragment.text)
            for highlight in fragment.highlights {
                #expect(highlight.documentStart - fragment.start == highlight.start)
                #expect(highlight.documentEnd - highlight.documentStart == highlight.end - highlight.start)
            }
        }
    }

    @Test func aLongSentenceIsCutAroundItsMatchAtGraphemeBoundaries() {
        // Bengali with no spaces for long stretches: the cut must fall between grapheme clusters.
        let filler = String(repeating: "যৌনকর্মীঅধিকার", count: 40)
        let text = filler + " police " + filler
        let fragment = SnippetBuilder(count: 1, maxLength: 60).fragments(of: text, matches: ranges(of: ["police"], in: text))[0]
        #expect(fragment.text.contains("police"))
        #expect(fragment.text.unicodeScalars.count <= 60)
        let characters = Set(text.indices.map { text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: $0) })
        #expect(characters.contains(fragment.start))
        #expect(characters.contains(fragment.end))
        #expect(fragment.highlights.count == 1)
    }

    @Test func markedRendersHighlights() {
        let snippet = Snippet(text: "of महिला rights", start: 10, end: 25, highlights: [.init(start: 3, end: 8, documentStart: 13, documentEnd: 18)])
        #expect(snippet.marked(open: "[", close: "]") == "of [महिला] rights")
    }
}
