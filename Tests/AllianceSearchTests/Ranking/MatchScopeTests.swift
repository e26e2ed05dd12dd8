import Foundation
import GRDB
import Testing
@testable import AllianceSearch

/// MaxScore pruning ranks fewer rows and must never change a ranking: checked on every CACM query.
struct MatchScopeTests {
    static let queries: [String] = {
        let text = (try? String(contentsOf: Fixtures.cacm.appendingPathComponent("queries.tsv"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { $0.split(separator: "\t", maxSplits: 1).last.map(String.init) }
    }()

    /// `--explain` ranks every match, unpruned: the pages must be the same, in the same order, with the same scores,
    /// feedback included (it learns from a pruned first ranking).
    @Test(arguments: [(10, MatchMode.auto), (25, .any)])
    func prunedRankingsAreTheFullRankings(limit: Int, match: MatchMode) throws {
        let engine = try #require(RelevanceFeedbackTests.cacm, "CACM is expected at \(Fixtures.cacm.path)")
        #expect(Self.queries.count >= 50)
        for query in Self.queries {
            let pruned = try engine.search(SearchRequest(query: query, limit: limit, match: match))
            let full = try engine.search(SearchRequest(query: query, limit: limit, match: match, explain: true))
            #expect(pruned.hits.map(\.id) == full.hits.map(\.id), "\(query)")
            #expect(zip(pruned.hits, full.hits).allSatisfy { abs($0.score - $1.score) < 1e-9 }, "\(query)")
            #expect(pruned.feedback == full.feedback, "\(query)")
            #expect(pruned.total == full.total)
        }
    }

    /// The pruning is not vacuous: many questions are answered from the rows of their rarer words (28 of CACM's
    /// 64 when this was written; its bounds are loose for long questions full of common words).
    @Test func mostQuestionsArePruned() throws {
        let engine = try #require(RelevanceFeedbackTests.cacm, "CACM is expected at \(Fixtures.cacm.path)")
        var pruned = 0, ranked = 0
        try engine.index.read { db in
            let tokenizer = try TokenizerSettings.makeTokenizer(db)
            for query in Self.queries {
                guard let node = QueryParser.parse(query).node?.withoutStopWords(question: true).loosened,
                    let expression = try? MatchExpression(node, query: query, tokenizer: tokenizer, languages: [.english])
                else { continue }
                var scope = MatchScope(expression: expression.sql, filters: QueryFilters(), plan: expression.plan)
                scope.plan = try scope.plan.withDocumentFrequencies { term in
                    try Int.fetchOne(db, sql: #"SELECT "doc" FROM "documents_vocab" WHERE "term" = ?"#, arguments: [term]) ?? 0
                }
                ranked += 1
                guard let result = try scope.pruned(db, weights: .default, count: 10) else { continue }
                pruned += 1
                // It ranked a subset, and found the same ten as the full ranking.
                let full = try scope.ranking(db, weights: .default, count: 10, explain: true)
                #expect(result.ranked.prefix(10).map(\.score) == full.map(\.score), "\(query)")
                #expect(try scope.count(db) > (try MatchScope(expression: result.expression, filters: QueryFilters()).count(db)))
            }
        }
        #expect(ranked >= 50)
        #expect(pruned * 5 >= ranked * 2, "pruned \(pruned) of \(ranked)")
    }

    /// The bound of each group is above anything the group adds to a row.
    @Test func groupBoundsBoundTheScores() throws {
        let engine = try #require(RelevanceFeedbackTests.cacm, "CACM is expected at \(Fixtures.cacm.path)")
        try engine.index.read { db in
            let tokenizer = try TokenizerSettings.makeTokenizer(db)
            let rows = try IndexSchema.documentCount(db)
            for word in ["computer", "time", "sharing", "compiler", "algol"] {
                let expression = try MatchExpression(.term(word, prefix: false), query: word, tokenizer: tokenizer, languages: [.english])
                var scope = MatchScope(expression: expression.sql, filters: QueryFilters(), plan: expression.plan)
                scope.plan = try scope.plan.withDocumentFrequencies { term in
                    try Int.fetchOne(db, sql: #"SELECT "doc" FROM "documents_vocab" WHERE "term" = ?"#, arguments: [term]) ?? 0
                }
                let bound = try #require(scope.plan.groupBounds(rows: rows)?.first).bound
                let best = try #require(try scope.ranking(db, weights: .default, count: 1, explain: false).first).score
                #expect(best > 0 && best < bound, "\(word): \(best) < \(bound)")
            }
        }
    }
}

/// Highlighting a page of an expression with a prefix walks the matches once: FTS5 reads every word a prefix starts
/// again for each statement.
struct PrefixHighlightTests {
    @Test func aPageOfAPrefixQueryIsHighlightedInOneStatement() throws {
        final class Counter: @unchecked Sendable { var statements = 0 }
        let counter = Counter()
        try Fixtures.corpusIndex.read { db in
            let scope = MatchScope(expression: #""wor" *"#, filters: QueryFilters())
            let docids = try Int64.fetchAll(db, sql: #"SELECT "rowid" FROM "documents_fts" WHERE "documents_fts" MATCH '"wor" *' LIMIT 5"#)
            #expect(docids.count == 5)
            db.trace { event in if "\(event)".contains("highlight(") { counter.statements += 1 } }
            defer { db.trace(options: []) }
            let bodies = try scope.markedBodies(db, docids: docids)
            #expect(bodies.count == 5 && bodies.values.allSatisfy { !$0.ranges.isEmpty })
        }
        #expect(counter.statements == 1)
    }
}
