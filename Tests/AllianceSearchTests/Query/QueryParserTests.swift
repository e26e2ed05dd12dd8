import GRDB
import Testing
@testable import AllianceSearch

/// The query language, read leniently: every form, and hostile or odd input.
struct QueryParserTests {
    @Test(arguments: [
        ("domestic work", "domestic AND work"),
        ("\"police brutality\" Bangladesh", "\"police brutality\" AND Bangladesh"),
        ("sex OR domestic", "sex OR domestic"),
        ("a b OR c d", "(a AND b) OR (c AND d)"),
        ("migrant -domestic", "migrant AND NOT domestic"),
        ("migrant NOT domestic", "migrant AND NOT domestic"),
        ("traffick*", "traffick*"),
        ("\"police bru\"*", "\"police bru\"*"),
        ("(sex OR domestic) work", "(sex OR domestic) AND work"),
        ("NEAR(police brutality, 5)", "NEAR(police brutality, 5)"),
        ("NEAR(police \"sex workers\")", "NEAR(police \"sex workers\", 10)"),
        ("title:police", "title:police"),
        ("title:\"speak out\"", "title:\"speak out\""),
        ("issues:(domestic OR sex) union", "issues:(domestic OR sex) AND union"),
        ("body:survivors aliases:NDWM", "body:survivors AND aliases:NDWM"),
        ("anti-trafficking", "anti-trafficking"),
        ("women's rights", "women's AND rights"),
        ("https://gaatw.org/x?y=1", "https://gaatw.org/x?y=1"),
        ("or and not", "or AND and AND not"),
        ("महिला अधिकार", "महिला AND अधिकार"),
        ("((nested)) words", "nested AND words"),
    ])
    func parses(text: String, expected: String) {
        let parsed = QueryParser.parse(text)
        #expect(parsed.node?.description == expected, "parse of \(text.debugDescription)")
        #expect(parsed.warnings.isEmpty, "warnings for \(text.debugDescription): \(parsed.warnings)")
    }

    @Test(arguments: [
        ("women's \"rights", "women's AND \"rights\"", "a double quote was not closed"),
        ("(sex work", "sex AND work", "a '(' was not closed"),
        ("sex work)", "sex AND work", "a ')' without a matching '('"),
        ("OR sex", "sex", "'OR' with nothing before it"),
        ("sex OR", "sex", "'OR' with nothing after it"),
        ("AND sex", "sex", "'AND' with nothing before it"),
        ("sex NOT", "sex", "'NOT' with nothing after it"),
        ("sex - work", "sex AND work", "a '-' that excludes nothing"),
        ("sex * work", "sex AND work", "a '*' must end a word"),
        ("() sex", "sex", "empty parentheses"),
        ("\"\" sex", "sex", "an empty phrase"),
        ("NEAR(sex) work", "sex AND work", "NEAR needs two or more words"),
        ("NEAR(a b, x)", "NEAR(a b, 10)", "NEAR takes a distance"),
        ("year:soon sex", "sex", "'year:soon' was ignored"),
        ("title: ", nil, "'title:' with nothing after it"),
        ("bell\u{7}char", "bellchar", "control characters"),
    ])
    func reinterpretsWithAWarning(text: String, expected: String?, warning: String) {
        let parsed = QueryParser.parse(text)
        #expect(parsed.node?.description == expected, "parse of \(text.debugDescription)")
        #expect(parsed.warnings.contains { $0.message.hasPrefix(warning) }, "warnings for \(text.debugDescription): \(parsed.warnings)")
    }

    @Test(arguments: [
        ("-type:organisation trafficking", "trafficking", "filters cannot be excluded"),
        ("NOT year:2004 trafficking", "trafficking", "filters cannot be excluded"),
        ("sex OR type:publication", "sex", "filter terms apply to the whole query"),
        ("NOT NOT sex", "sex", "'NOT NOT' cancels out"),
        ("title:-sex", "title:sex", "a '-' inside 'title:' was ignored"),
        ("NEAR(title:sex work)", "NEAR(sex work, 10)", "fields cannot be used inside NEAR"),
    ])
    func readsOddCombinationsWithAWarning(text: String, expected: String, warning: String) {
        let parsed = QueryParser.parse(text)
        #expect(parsed.node?.description == expected, "parse of \(text.debugDescription)")
        #expect(parsed.warnings.contains { $0.message.hasPrefix(warning) }, "warnings for \(text.debugDescription): \(parsed.warnings)")
    }

    @Test func aQuoteFollowedByACombiningMarkIsStillAQuote() throws {
        // As one grapheme cluster, `"` + U+0301 would hide the quote from a parser that reads Characters.
        let parsed = QueryParser.parse("\"zzz\"\u{301} OR \"\u{301}police\"")
        #expect(parsed.node?.description == "(\"zzz\" AND \u{301}) OR \"\u{301}police\"")
        let expression = try DatabaseQueue(configuration: SearchIndex.configuration).read { db in
            try MatchExpression(parsed.node!, query: "", tokenizer: TokenizerSettings.makeTokenizer(db), languages: []).sql
        }
        #expect(expression == "(\"zzz\" OR \"\u{301}police\")")
        #expect(throws: QueryError.empty(query: "\"\u{301}\"")) { try Fixtures.search("\"\u{301}\"") }
    }

    @Test func deepNestingAndHugeQueriesStayBounded() throws {
        let deep = QueryParser.parse(String(repeating: "(", count: 4_000) + "sex")
        #expect(deep.node?.description == "sex")
        #expect(deep.warnings.count == 2)
        let long = QueryParser.parse((1...10_000).map { "w\($0)" }.joined(separator: " "))
        #expect(long.node?.positiveLeaves.count == QueryLimits.terms)
        #expect(long.warnings.map(\.message) == [
            "the query is longer than 4096 characters; the rest was ignored",
            "only the first 64 different words and phrases were searched",
        ])
        let repeated = try Fixtures.search(Array(repeating: "police", count: 10_000).joined(separator: " "))
        #expect(repeated.hits.first?.id == "speak-out-take-action")
        #expect(repeated.warnings.map(\.message) == ["the query is longer than 4096 characters; the rest was ignored"])
    }

    @Test func symbolsAloneAreNotSearchedFor() throws {
        let results = try Fixtures.search("police brutality 🙂", match: .all)
        #expect(results.total == 1)
        #expect(results.warnings.map(\.message) == ["ignored \"🙂\": it has no letters or digits to search for"])
    }

    @Test(arguments: [
        ("type:organisation sex", QueryFilters(types: ["organisation"])),
        ("country:\"Hong Kong\" work", QueryFilters(countries: ["Hong Kong"])),
        ("lang:es issue:\"domestic work\" x", QueryFilters(languages: ["es"], issues: ["domestic work"])),
        ("year:2004 x", QueryFilters(yearFrom: 2004, yearTo: 2004)),
        ("year:2000..2010 x", QueryFilters(yearFrom: 2000, yearTo: 2010)),
        ("year:2000.. x", QueryFilters(yearFrom: 2000)),
        ("year:..2010 x", QueryFilters(yearTo: 2010)),
    ])
    func readsFilterTerms(text: String, filters: QueryFilters) {
        let parsed = QueryParser.parse(text)
        #expect(parsed.filters == filters)
        #expect(parsed.warnings.isEmpty)
    }

    @Test(arguments: [
        ("how do sex workers organise against police violence", true),
        ("What articles exist which deal with time sharing systems", true),
        ("¿Qué hacen las trabajadoras del hogar en Colombia?", true),
        // Keywords, however many, are not a question; nor is a query with operators.
        ("sex workers police violence Bangladesh", false),
        ("domestic work", false),
        ("how do sex workers OR domestic workers organise against police", false),
    ])
    func questionsAreToldFromKeywords(text: String, expected: Bool) throws {
        #expect(try #require(QueryParser.parse(text).node).isQuestion == expected, "\(text)")
    }

    private func expression(_ text: String) throws -> String {
        let node = try #require(QueryParser.parse(text).node)
        // Without stemming languages: the structure of the expression, each word in its exact form only.
        return try DatabaseQueue(configuration: SearchIndex.configuration).read { db in
            try MatchExpression(node, query: text, tokenizer: TokenizerSettings.makeTokenizer(db), languages: []).sql
        }
    }

    @Test(arguments: [
        ("anti-trafficking", "\"anti-trafficking\""),
        ("say \"NO\" to", "(\"say\" AND \"NO\" AND \"to\")"),
        ("C++ ...", "\"C++\""),
        ("migrant -domestic -india", "(\"migrant\" NOT (\"domestic\" OR \"india\"))"),
        ("traffick* OR sex", "(\"traffick\" * OR \"sex\")"),
        ("title:(police OR union)", "{title} : ((\"police\" OR \"union\"))"),
        ("NEAR(police brutality, 3)", "NEAR(\"police\" \"brutality\", 3)"),
        ("it's \"a \"\"quote\"", "(\"it's\" AND \"a\" AND \"quote\")"),
    ])
    func rendersFTS5StringsOnly(text: String, expected: String) throws {
        #expect(try expression(text) == expected)
    }

    /// Text that is FTS5 or SQL syntax, or no words at all, never reaches SQLite as syntax.
    @Test(arguments: [
        "anti-trafficking", "ATKI-HK", "women's \"rights", "C++", "NEAR(a b)", "title:police", "AND OR NOT",
        ")(", "a*", "^start", "'; DROP TABLE documents; --", "\"\"\"", "{title}: x", "x:y:z", "https://gaatw.org/?q=a+b",
        "🙂 domestic", "police.brutality", "+ - .", "\u{0}x", String(repeating: "(", count: 500), "NEAR(", "title:(",
        "-(-(-x))", "a OR -b", "NOT NOT x", "year:1..2 type:", "body:\"", "*-*", "NEAR(a b, 99999999999999999999)",
    ])
    func hostileInputNeverRaisesAnSQLiteError(text: String) throws {
        do {
            _ = try Fixtures.search(text)
        } catch is QueryError {
            // A query with nothing to search is a usage error, not an SQLite error.
        }
    }

    @Test(arguments: ["", "   ", "...", "— –", "+ - * / ()"])
    func queriesWithNothingToSearchAreUsageErrors(text: String) {
        #expect(throws: QueryError.empty(query: text)) { try Fixtures.search(text) }
    }

    @Test func aQueryWhoseEveryPartWasIgnoredSaysWhy() {
        #expect(throws: QueryError.nothingLeft(query: "year:soon", warnings: [
            QueryWarning(position: 0, message: "'year:soon' was ignored: write year:2004 or year:2000..2010"),
        ])) { try Fixtures.search("year:soon") }
        #expect(throws: QueryError.self) { try SearchEngine.validate(SearchRequest(query: "OR")) }
        #expect(throws: QueryError.nothingLeft(query: "\"\"", warnings: [QueryWarning(position: 0, message: "an empty phrase was ignored")])) {
            try Fixtures.search("\"\"")
        }
    }

    @Test func aQueryThatOnlyExcludesIsAUsageError() {
        #expect(throws: QueryError.onlyExclusions(query: "-domestic")) { try Fixtures.search("-domestic") }
    }

    @Test func ignoredClausesAreReportedAsWarningsWithTheirPosition() throws {
        let results = try Fixtures.search("survivors …")
        #expect(results.warnings == [QueryWarning(position: 10, message: "ignored \"…\": it has no letters or digits to search for")])
        #expect(results.hits.first?.id == "shakti-samuha")
    }

    @Test func strictTurnsWarningsIntoErrors() {
        #expect(throws: QueryError.self) { try Fixtures.search("sex OR", strict: true) }
        #expect(throws: QueryError.self) { try SearchEngine.validate(SearchRequest(query: "(sex", strict: true)) }
    }

    @Test func rawPassesFTS5SyntaxThroughAfterValidatingIt() throws {
        #expect(try Fixtures.search("NEAR(police brutality, 2)", raw: true).hits.first?.id == "speak-out-take-action")
        #expect(throws: QueryError.invalidRaw(query: "NEAR(police brutality", message: "syntax error near \"\"", position: 21)) {
            try Fixtures.search("NEAR(police brutality", raw: true)
        }
        #expect(throws: QueryError.invalidRaw(query: "nosuchcolumn : police", message: "no such column: nosuchcolumn", position: 0)) {
            try Fixtures.search("nosuchcolumn : police", raw: true)
        }
    }

    /// 100,000 hostile texts from `QueryFuzzer` (the generator `alliance-bench fuzz` runs a million of), parsed
    /// and run: the MATCH expression of every one is executed against the bundled index (a count, to keep the loop
    /// fast), and the first 3,000 go through the whole engine (ranking, fragments, suggestions). Nothing but a
    /// `QueryError` may come out, nothing may crash, and the whole loop must end within the time limit.
    @Test(.timeLimit(.minutes(10)))
    func generatedQueriesNeverRaiseSQLiteErrors() throws {
        var fuzzer = QueryFuzzer(seed: 0x5EED)
        let texts = (0..<100_000).map { _ in fuzzer.next() }
        var executed = 0
        try Fixtures.corpusIndex.read { db in
            let tokenizer = try TokenizerSettings.makeTokenizer(db)
            for text in texts {
                guard let node = QueryParser.parse(text).node else { continue }
                do {
                    let expression = try MatchExpression(node, query: text, tokenizer: tokenizer)
                    _ = try Int.fetchOne(
                        db, sql: #"SELECT count(*) FROM "documents_fts" WHERE "documents_fts" MATCH ?"#,
                        arguments: [expression.sql])
                    executed += 1
                } catch is QueryError {
                } catch {
                    Issue.record("\(text.debugDescription) raised \(error)")
                }
            }
        }
        #expect(executed > 50_000)
        for text in texts.prefix(3_000) {
            do {
                _ = try Fixtures.search(text, limit: 3)
            } catch is QueryError {
            } catch {
                Issue.record("\(text.debugDescription) raised \(error)")
            }
        }
    }
}

/// A small deterministic random number generator, so that a failing case can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
