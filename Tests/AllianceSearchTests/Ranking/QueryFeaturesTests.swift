import Foundation
import Testing
@testable import AllianceSearch

/// The query language's features on the bundled corpus.
struct QueryFeaturesTests {
    private func ids(_ query: String, match: MatchMode = .auto) throws -> [String] {
        try Fixtures.search(query, match: match).hits.map(\.id)
    }

    @Test(arguments: [
        ("country:\"Hong Kong\" work", ["afro", "atki-hk"]),
        ("lang:es", ["amumra", "modemu", "sintrasedom"]),
        ("year:2004", ["speak-out-take-action"]),
        ("year:2000..2005", ["partners-in-change", "speak-out-take-action"]),
        ("issue:\"domestic work\"", ["atki-hk", "ndwm", "sintrasedom"]),
        ("type:publication", ["imws-say-no-to-overcharging", "partners-in-change", "respect-and-relevance", "speak-out-take-action"]),
        ("title:union", ["cpu"]),
        ("aliases:ATKI", ["atki-hk"]),
        ("NEAR(police brutality, 0)", ["speak-out-take-action"]),
        ("sex work -bangladesh type:organisation", ["afro", "cpu", "modemu"]),
    ])
    func findsExactlyThese(query: String, expected: [String]) throws {
        #expect(Set(try ids(query)) == Set(expected), "\(query)")
    }

    @Test func filterOnlyQueriesListDocumentsByID() throws {
        let results = try Fixtures.search("type:publication")
        #expect(results.expression == "")
        #expect(results.hits.map(\.id) == results.hits.map(\.id).sorted())
        #expect(results.hits.allSatisfy { $0.score == 0 })
    }

    @Test func prefixesMatchWordBeginnings() throws {
        #expect(Set(try ids("domest*").prefix(3)) == ["atki-hk", "ndwm", "sintrasedom"])
        #expect(try ids("surviv*").contains("shakti-samuha"))
        #expect(try ids("surviv").isEmpty)
    }

    @Test func autoRanksAQuestionByItsContentWordsAndSaysSo() throws {
        let question = "how do sex workers organise against police violence"
        #expect(try Fixtures.search(question, match: .all).total == 0)
        let results = try Fixtures.search(question)
        #expect(results.question && !results.relaxed)
        #expect(results.mode == .any)
        #expect(results.hits.first?.id == "speak-out-take-action")
        // Its function words are not searched for: "how", "do" and "against" would match nearly everything.
        #expect(!results.expression.contains("\"how\"") && !results.expression.contains("\"against\""))
        // Keywords are not a question: all of them, relaxed only when they find too little.
        #expect(!(try Fixtures.search("sex workers police violence")).question)
        let any = try Fixtures.search("domestic work", match: .any)
        #expect(any.mode == .any && !any.relaxed)
        let all = try Fixtures.search("domestic work", match: .all)
        #expect(any.total > all.total)
        // Enough hits for all the words: auto keeps them.
        #expect(!(try Fixtures.search("domestic work")).relaxed)
    }

    @Test func facetsCountOverEveryMatchNotThePage() throws {
        let results = try Fixtures.search("women", limit: 2, facets: Facet.allCases)
        #expect(results.hits.count == 2)
        #expect(results.facets[.type]?.reduce(0) { $0 + $1.count } == results.total)
        let issues = try #require(results.facets[.issues])
        #expect(issues.first?.value == "self-organisation")
        #expect(issues == issues.sorted { ($0.count, $1.value) > ($1.count, $0.value) })
        #expect(results.facets[.year]?.contains(FacetCount(value: "2004", count: 1)) == true)
        #expect(results.facets[.country]?.contains(FacetCount(value: "Hong Kong", count: 2)) == true)
    }

    @Test func explainGivesEachColumnAndTheScore() throws {
        let hit = try #require(try Fixtures.search("police brutality", explain: true).hits.first)
        let explanation = try #require(hit.explanation)
        #expect(explanation.columns.map(\.name) == ["title", "aliases", "issues", "body", "khmer"])
        #expect(explanation.columns.map(\.weight) == [10, 8, 4, 1, 1])
        #expect(explanation.score == hit.score)
        #expect(explanation.columns.first { $0.name == "title" }!.bm25 > 0)
        #expect(explanation.columns.first { $0.name == "aliases" }!.bm25 == 0)
        #expect(explanation.mode == "all")
    }

    @Test(arguments: [
        ("domestc", "domestic"),
        ("trafickking survivers", "trafficking survivors"),
        ("polise brutality", "police brutality"),
        // Relaxing to any word must not hide the unknown one.
        ("humn rights", "human rights"),
        // Words in phrases, Devanagari, and a whole-word replacement.
        ("\"traficking survivors\"", "\"trafficking survivors\""),
        ("शक्ती", "शक्ति"),
        ("ork working", "work working"),
    ])
    func didYouMeanUsesTheIndexVocabulary(query: String, suggestion: String) throws {
        let results = try Fixtures.search(query)
        #expect(results.suggestion == suggestion)
    }

    @Test func noSuggestionWhenTheWordsAreKnown() throws {
        #expect(try Fixtures.search("police brutality").suggestion == nil)
        #expect(try Fixtures.search("zzzzqqqq").suggestion == nil)
    }

    @Test func severalFragmentsComeInDocumentOrder() throws {
        let hit = try #require(try Fixtures.search("domestic work", fragments: 3).hits.first)
        #expect(hit.snippets.count > 1 && hit.snippets.count <= 3)
        #expect(hit.snippets.map(\.start) == hit.snippets.map(\.start).sorted())
        let allMarked = hit.snippets.allSatisfy { $0.hasHighlights }
        #expect(allMarked)
    }

    @Test func aTitleOnlyMatchShowsTheFirstSentence() throws {
        let hit = try #require(try Fixtures.search("title:genera").hits.first)
        #expect(hit.snippets.first?.start == 0)
    }
}
