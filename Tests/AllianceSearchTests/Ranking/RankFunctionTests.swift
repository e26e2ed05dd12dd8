import Foundation
import GRDB
import Testing
@testable import AllianceSearch

/// `alliance_rank()`: BM25 over groups of phrases.
struct RankFunctionTests {
    @Test func aPlanTravelsAsTextAndBack() {
        var plan = RankingPlan()
        let word = plan.addGroup(weight: 1)
        let feedback = plan.addGroup(weight: 0.25, flat: true)
        plan.addPhrase(group: word, weight: 1)
        plan.addPhrase(group: word, weight: RankingPlan.stemWeight)
        plan.addPhrase(group: feedback, weight: 1)
        #expect(plan.argument == "1,0.25f;0:1,0:0.5,1:1")
        let read = RankingPlan(argument: plan.argument)
        #expect(read.groupWeights == [1, 0.25] && read.flatGroups == [1])
        #expect(read.phrases.map(\.group) == [0, 0, 1] && read.phrases.map(\.weight) == [1, 0.5, 1])
        // What cannot be read is left out: its phrases are scored as bm25() would.
        #expect(RankingPlan(argument: "nonsense").phrases.isEmpty)
    }

    /// With no plan, every phrase is a group of weight 1: the ranking is FTS5's own `bm25()` ranking.
    @Test func withoutAPlanItRanksAsBM25() throws {
        try Fixtures.corpusIndex.read { db in
            for expression in [#""police" OR "workers""#, #""domestic" AND "work""#, #""survivors""#] {
                let ours = try String.fetchAll(db, sql: """
                    SELECT d."id" FROM "documents_fts" JOIN "documents" AS d ON d."docid" = "documents_fts"."rowid"
                    WHERE "documents_fts" MATCH ? ORDER BY alliance_rank("documents_fts", '', 10, 8, 4, 1, 1) DESC, d."id"
                    """, arguments: [expression])
                let fts5 = try String.fetchAll(db, sql: """
                    SELECT d."id" FROM "documents_fts" JOIN "documents" AS d ON d."docid" = "documents_fts"."rowid"
                    WHERE "documents_fts" MATCH ? ORDER BY bm25("documents_fts", 10, 8, 4, 1, 1), d."id"
                    """, arguments: [expression])
                #expect(!ours.isEmpty)
                // The IDF differs (Lucene's, never 0), so only the order of documents with clearly different
                // scores is compared: the first hit.
                #expect(ours.first == fts5.first, "\(expression)")
            }
        }
    }

    /// Snowball keeps some accents in its stems (`niños` → `niñ`, `compañeras` → `compañer`): a stem written in a
    /// query is matched as written, not folded as words are.
    @Test func stemsWithAccentsMatch() throws {
        let (engine, folder) = try Fixtures.engine(indexing: [
            "ninas.md": "---\nid: ninas\ntitle: Informe\nlanguages: [es]\n---\nLas niñas y sus compañeras.",
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        for query in ["niños", "niña", "compañera", "compañeros"] {
            #expect(try engine.search(SearchRequest(query: query)).hits.map(\.id) == ["ninas"], "\(query)")
        }
    }

    /// Paging at the edges: an offset near `Int.max`, a limit of 0, and pages that end past the last match.
    @Test(arguments: [(0, Int.max), (5, Int.max - 2), (10, 1_000_000), (0, 3), (100_000, 0)])
    func pagesAtTheEdgesAnswerWithoutFailing(limit: Int, offset: Int) throws {
        let all = try Fixtures.search("women", limit: 100)
        let page = try SearchEngine(index: Fixtures.corpusIndex).search(SearchRequest(query: "women", limit: limit, offset: offset))
        #expect(page.total == all.total)
        let expected = offset >= all.hits.count || limit == 0 ? [] : Array(all.hits.map(\.id)[offset..<min(all.hits.count, offset + limit)])
        #expect(page.hits.map(\.id) == expected)
    }

    /// Stems are sought only in the languages the index has stems of.
    @Test func stemsAreSoughtOnlyInTheIndexsLanguages() throws {
        let (engine, folder) = try Fixtures.engine(indexing: [
            "a.md": "---\nid: a\ntitle: A\nlanguages: [en]\n---\nThe workers organise.",
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try engine.search(SearchRequest(query: "workers")).expression == "(\"workers\" OR \"\u{E001}enworker\")")
        // The bundled corpus has all four.
        #expect(try Fixtures.search("workers").expression.components(separatedBy: "\u{E001}").count == 5)
    }

    /// A document stemmed in two languages gets a stem per language at one position: one stemmed hit, not two.
    @Test func aSecondLanguageDoesNotCountAWordTwice() throws {
        let (engine, folder) = try Fixtures.engine(indexing: [
            "one.md": "---\nid: one\ntitle: A\nlanguages: [en]\n---\nThe worker organises.",
            "two.md": "---\nid: two\ntitle: A\nlanguages: [en, es]\n---\nThe worker organises.",
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let hits = try engine.search(SearchRequest(query: "workers")).hits
        #expect(hits.count == 2)
        #expect(abs(hits[0].score - hits[1].score) < 1e-9, "\(hits.map(\.score))")
    }

    /// The same word in two documents of the same length, once as typed and once in another form: the form typed
    /// ranks first, in every language with a stemmer.
    @Test(arguments: [
        ("en", "workers", "The union of workers meets.", "The union of worker meets."),
        ("es", "trabajadoras", "Las trabajadoras del hogar.", "La trabajadora del hogar."),
        ("id", "pekerja", "Serikat pekerja rumah tangga.", "Serikat kerja rumah tangga."),
        ("ne", "कामदारहरू", "घरेलु कामदारहरू संगठित।", "घरेलु कामदार संगठित।"),
    ])
    func theFormTypedRanksAboveAnotherForm(language: String, query: String, exact: String, other: String) throws {
        let (engine, folder) = try Fixtures.engine(indexing: [
            "exact.md": "---\nid: exact\ntitle: A\nlanguages: [\(language)]\n---\n\(exact)",
            "other.md": "---\nid: other\ntitle: A\nlanguages: [\(language)]\n---\n\(other)",
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = try engine.search(SearchRequest(query: query, explain: true))
        #expect(results.hits.map(\.id) == ["exact", "other"], "\(query)")
        #expect((results.hits.first?.score ?? 0) > (results.hits.last?.score ?? 0))
    }
}
