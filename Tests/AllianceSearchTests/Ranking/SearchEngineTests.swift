import Testing
@testable import AllianceSearch

/// Relevance on the bundled corpus: what the README promises a researcher.
struct SearchEngineTests {
    @Test func domesticWorkRanksTheDomesticWorkerGroupsAboveTheRest() throws {
        let results = try Fixtures.search("domestic work")
        let domesticWorkerGroups: Set = ["atki-hk", "ndwm", "sintrasedom"]
        let top = results.hits.prefix(domesticWorkerGroups.count).map(\.id)
        #expect(Set(top) == domesticWorkerGroups, "top hits: \(results.hits.map(\.id))")
        for hit in results.hits.dropFirst(domesticWorkerGroups.count) {
            #expect(!hit.issues.contains("domestic work"))
        }
    }

    @Test func policeBrutalityPutsSpeakOutTakeActionFirst() throws {
        let results = try Fixtures.search("police brutality")
        #expect(results.hits.first?.id == "speak-out-take-action")
        #expect(results.hits.first?.title.hasPrefix("Speak Out, Take Action") == true)
    }

    @Test func spanishWithoutAccentsFindsTheColombianDomesticWorkersUnion() throws {
        #expect(try Fixtures.search("trabajadoras domesticas").hits.first?.id == "sintrasedom")
    }

    @Test func survivorsFindsShaktiSamuha() throws {
        #expect(try Fixtures.search("survivors").hits.map(\.id).contains("shakti-samuha"))
    }

    @Test func quotedPhrasesMatchAsPhrases() throws {
        let phrase = try Fixtures.search("\"labour rights\"")
        let words = try Fixtures.search("rights labour")
        #expect(phrase.total > 0)
        #expect(phrase.total <= words.total)
        #expect(try Fixtures.search("\"rights labour\"").total < words.total)
    }

    @Test func hyphenatedAndAcronymQueriesFindTheirDocuments() throws {
        #expect(try Fixtures.search("ATKI-HK").hits.first?.id == "atki-hk")
        #expect(try Fixtures.search("anti-trafficking").total > 0)
    }

    @Test func typeFilterKeepsOnlyThatType() throws {
        let results = try Fixtures.search("migrant", types: ["publication"])
        #expect(results.total > 0)
        #expect(results.hits.allSatisfy { $0.type == "publication" })
        #expect(results.total < (try Fixtures.search("migrant").total))
    }

    @Test func resultsAreOrderedByScoreThenIDAndTotalCountsEveryMatch() throws {
        let all = try Fixtures.search("women", limit: 100)
        #expect(all.total == all.hits.count)
        for (a, b) in zip(all.hits, all.hits.dropFirst()) {
            #expect(a.score > b.score || (a.score == b.score && a.id < b.id))
        }
        let page = try SearchEngine(index: Fixtures.corpusIndex).search(SearchRequest(query: "women", limit: 3, offset: 2))
        #expect(page.total == all.total)
        #expect(page.hits.map(\.id) == all.hits[2..<5].map(\.id))
        #expect(page.hits.map(\.rank) == [3, 4, 5])
    }

    @Test func titleMatchesOutrankBodyMatches() throws {
        // "Accountability" is the title of one programme and a word in the body of others.
        #expect(try Fixtures.search("accountability").hits.first?.id == "accountability")
    }

    @Test func snippetsHighlightTheMatchedWords() throws {
        let hit = try #require(try Fixtures.search("police brutality").hits.first)
        let snippet = try #require(hit.snippets.first)
        let highlighted = snippet.highlights.map { highlight in
            String(String.UnicodeScalarView(Array(snippet.text.unicodeScalars)[highlight.start..<highlight.end]))
        }
        // The words are marked one by one, or as one phrase when the issue concept matched them as a phrase.
        let marked = highlighted.joined(separator: " ").lowercased()
        #expect(marked.contains("police") && marked.contains("brutality"), "\(highlighted)")
    }
}
