import GRDB
import Testing
@testable import AllianceSearch

struct QueryParserTests {
    @Test(arguments: [
        ("domestic work", [QueryClause(.word, "domestic"), QueryClause(.word, "work")], [String]()),
        ("  spaced   out  ", [QueryClause(.word, "spaced"), QueryClause(.word, "out")], []),
        ("\"police brutality\" Bangladesh", [QueryClause(.phrase, "police brutality"), QueryClause(.word, "Bangladesh")], []),
        ("women's \"rights", [QueryClause(.word, "women's"), QueryClause(.phrase, "rights")],
         ["a double quote was not closed; the phrase runs to the end of the query"]),
        ("anti-trafficking", [QueryClause(.word, "anti-trafficking")], []),
        ("tab\tseparated", [QueryClause(.word, "tab"), QueryClause(.word, "separated")], []),
        ("bell\u{7}char", [QueryClause(.word, "bellchar")], ["control characters in the query were ignored"]),
        ("\"\"", [], []),
        ("", [], []),
    ])
    func parses(text: String, clauses: [QueryClause], warnings: [String]) {
        let parsed = QueryParser.parse(text)
        #expect(parsed.clauses == clauses, "clauses of \(text.debugDescription)")
        #expect(parsed.warnings == warnings, "warnings of \(text.debugDescription)")
    }

    @Test(arguments: [
        ("anti-trafficking", "\"anti-trafficking\""),
        ("say \"NO\" to", "\"say\" AND \"NO\" AND \"to\""),
        ("C++ ...", "\"C++\""),
        ("women's \"rights", "\"women's\" AND \"rights\""),
    ])
    func buildsAnFTS5ExpressionOfStrings(text: String, expression: String) throws {
        let sql = try DatabaseQueue().read { db in
            try MatchExpression(text, tokenizer: db.makeTokenizer(TokenizerSettings.descriptor)).sql
        }
        #expect(sql == expression)
    }

    /// Text that is FTS5 or SQL syntax, or no words at all, never reaches SQLite as syntax.
    @Test(arguments: [
        "anti-trafficking", "ATKI-HK", "women's \"rights", "C++", "NEAR(a b)", "title:police", "AND OR NOT",
        ")(", "a*", "^start", "'; DROP TABLE documents; --", "\"\"\"", "{title}: x", "x:y:z", "https://gaatw.org/?q=a+b",
        "🙂 domestic", "police.brutality", "+ - .", "\u{0}x", String(repeating: "(", count: 500),
    ])
    func hostileInputNeverRaisesAnSQLiteError(text: String) throws {
        do {
            _ = try Fixtures.search(text)
        } catch is QueryError {
            // A query with nothing to search is a usage error, not an SQLite error.
        }
    }

    @Test(arguments: ["", "   ", "...", "\"\"", "— –", "+ - * / ()"])
    func queriesWithNothingToSearchAreUsageErrors(text: String) {
        #expect(throws: QueryError.empty(query: text)) { try Fixtures.search(text) }
    }

    @Test func ignoredClausesAreReportedAsWarnings() throws {
        let results = try Fixtures.search("survivors …")
        #expect(results.warnings == ["ignored \"…\": it has no letters or digits to search for"])
        #expect(results.hits.first?.id == "shakti-samuha")
    }
}
