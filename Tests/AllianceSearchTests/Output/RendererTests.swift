import Foundation
import Testing
@testable import AllianceSearch

struct RendererTests {
    @Test(arguments: [
        (true, [String: String](), HighlightStyle.bold),
        (true, ["NO_COLOR": "1"], .markers),
        (true, ["NO_COLOR": ""], .bold),
        (false, [:], .markers),
    ])
    func highlightStyleFollowsTheTerminalAndNO_COLOR(isTerminal: Bool, environment: [String: String], expected: HighlightStyle) {
        #expect(HighlightStyle.detect(isTerminal: isTerminal, environment: environment) == expected)
    }

    @Test func textShowsRankTitleTypeIDPathScoreAndMarkedSnippet() throws {
        let text = TextRenderer(style: .markers).render(try Fixtures.search("police brutality", limit: 1))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix("1 result") || lines[0].contains("results for \"police brutality\""))
        #expect(lines[2].hasPrefix("1. **Speak Out, Take Action"))
        #expect(lines[3].contains("publication · speak-out-take-action · "))
        #expect(lines[3].contains("publications/speak-out-take-action.md · score "))
        #expect(lines[4].lowercased().contains("**police"))
        let bold = TextRenderer(style: .bold).render(try Fixtures.search("police brutality", limit: 1))
        #expect(bold.contains("\u{1B}[1m") && !bold.contains("**"))
    }

    @Test func textSaysWhenNothingMatched() throws {
        #expect(TextRenderer(style: .markers).render(try Fixtures.search("zzzzqqq")) == "No results for \"zzzzqqq\".\n")
    }

    @Test func jsonCarriesTheVersionedContract() throws {
        let json = try JSONRenderer().render(try Fixtures.search("survivors", limit: 2))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["schema"] as? Int == 1)
        #expect(object["query"] as? String == "survivors")
        // The word, and its stem in each language the index stems (U+E001 marks a stem token).
        #expect((object["expression"] as? String)?.hasPrefix("(\"survivors\" OR \"\u{E001}ensurvivor\"") == true)
        #expect(object["parsed"] as? String == "survivors")
        #expect(object["mode"] as? String == "all")
        #expect(object["relaxed"] as? Bool == false)
        #expect(object["question"] as? Bool == false)
        #expect(object["feedback"] as? [Any] != nil)
        #expect(object["suggestions"] as? [String] == [])
        #expect((object["total"] as? Int ?? 0) >= 1)
        #expect(object["warnings"] as? [String] == [])
        let hits = try #require(object["hits"] as? [[String: Any]])
        let first = try #require(hits.first)
        for key in ["rank", "id", "type", "title", "aliases", "issues", "path", "line", "score", "metadata", "snippet", "snippets"] {
            #expect(first[key] != nil, "hit field \(key)")
        }
        let snippet = try #require(first["snippet"] as? [String: Any])
        let text = try #require(snippet["text"] as? String)
        let highlights = try #require(snippet["highlights"] as? [[String: Int]])
        let scalars = Array(text.unicodeScalars)
        let start = try #require(snippet["start"] as? Int)
        for highlight in highlights {
            let word = String(String.UnicodeScalarView(scalars[highlight["start"]!..<highlight["end"]!]))
            #expect(word.lowercased().hasPrefix("surviv"), "highlight \(word)")
            #expect(highlight["doc_start"]! == start + highlight["start"]!)
            #expect(highlight["doc_end"]! == start + highlight["end"]!)
        }
    }
}
