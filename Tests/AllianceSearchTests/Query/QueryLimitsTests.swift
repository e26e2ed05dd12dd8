import Foundation
import GRDB
import Testing
@testable import AllianceSearch

/// The bounds on what one query may ask of the index (`QueryLimits`): repeats collapse, the lenient reading keeps what
/// fits and says what it left out, and a `--raw` expression over a bound is refused with the bound named.
struct QueryLimitsTests {
    /// A word, a phrase or a group repeated, in any case, adds nothing: the expression is the one of a single copy,
    /// and the repeats do not use up the words a query may have.
    @Test(arguments: [
        (String(repeating: "police ", count: 300), "police"),
        ("survivors SURVIVORS Survivors survivors organise", "survivors organise"),
        ("\"police brutality\" \"Police Brutality\"", "\"police brutality\""),
        ("domestic work DOMESTIC WORK", "domestic work"),
        ("(sex OR domestic) (sex OR domestic) work", "(sex OR domestic) work"),
        ("women -police -police -Police", "women -police"),
        ("police OR police OR police", "police"),
    ])
    func repeatsCollapse(repeated: String, single: String) throws {
        let many = try Fixtures.search(repeated), one = try Fixtures.search(single)
        #expect(many.expression == one.expression, "\(repeated)")
        #expect(many.total == one.total)
        #expect(many.warnings.isEmpty, "\(repeated): \(many.warnings)")
    }

    /// Forms of one word in a reading of any of the words (`works OR working OR work`) are one word of the query to
    /// the ranking: one group, whose stem is written once.
    @Test func formsOfOneWordAreOneGroup() throws {
        let node = try #require(QueryParser.parse("works OR working OR work OR union").node)
        let expression = try DatabaseQueue(configuration: SearchIndex.configuration).read { db in
            try MatchExpression(node, query: "", tokenizer: TokenizerSettings.makeTokenizer(db), languages: [.english])
        }
        #expect(expression.plan.groupWeights.count == 2)
        #expect(expression.sql.components(separatedBy: "\u{E001}enwork").count == 2, "\(expression.sql)")
        #expect(expression.sql.contains("\"works\"") && expression.sql.contains("\"work\"") && expression.sql.contains("\"working\""))
    }

    private static func words(_ word: String, _ count: Int) -> String {
        Array(repeating: word, count: count).joined(separator: " ")
    }

    private static let distinctWords: String = (1...100).map { "w\($0)" }.joined(separator: " ")
    private static let manyFilters: String = (1...100).map { "type:t\($0)" }.joined(separator: " ")

    /// What the lenient reading leaves out, and says it did.
    static let lenientCases: [(String, String)] = [
        (distinctWords, "only the first 64 different words and phrases were searched"),
        ("police " + String(repeating: "x", count: 5_000), "the query is longer than 4096 characters; the rest was ignored"),
        ("police* brut* viol* sex* work* dome*", "only the first 4 prefixes were searched as prefixes; the rest as whole words"),
        ("po* police", "'po*' was searched as the word 'po': a prefix needs 3 letters or more before '*'"),
        ("\"" + words("police", 200) + "\"", "only the first 128 words of the query were searched"),
        ("police " + manyFilters, "only the first 64 filter values were used"),
    ]

    @Test(arguments: lenientCases)
    func theLenientReadingKeepsWhatFits(query: String, warning: String) throws {
        let results = try Fixtures.search(query)
        #expect(results.warnings.contains { $0.message == warning }, "\(results.warnings)")
        #expect(throws: QueryError.self) { try Fixtures.search(query, strict: true) }
    }

    @Test func whatIsKeptIsWithinTheBounds() throws {
        let distinct = QueryParser.parse(Self.distinctWords)
        #expect(distinct.node?.positiveLeaves.count == QueryLimits.terms)
        let prefixes = QueryParser.parse("police* brut* viol* sex* work* dome* po*")
        #expect(prefixes.node?.description == "police* AND brut* AND viol* AND sex* AND work AND dome AND po")
        let filters = QueryParser.parse("x " + Self.manyFilters)
        #expect(filters.filters.types.count == QueryLimits.filters)
        let phrase = try Fixtures.search("\"" + Self.words("police", 200) + "\"", match: .all)
        // The first FTS5 string is the phrase's exact form.
        let exact = phrase.expression.split(separator: "\"", omittingEmptySubsequences: false)[1]
        #expect(exact.split(separator: " ").count == QueryLimits.words)
    }

    /// `--raw` expressions over each bound, and the words that name it in the error.
    static let rawCases: [(String, String)] = [
        (String(repeating: "a*", count: 5_000), "at most 4 prefixes"),
        ("polic* brut* viol* sex* work*", "at most 4 prefixes"),
        ("po*", "3 letters or more before '*'"),
        ("\"police bru\"* OR p*", "3 letters or more before '*'"),
        (String(repeating: "traffick* OR ", count: 2_000) + "traffick*", "at most 4 prefixes"),
        ((1...65).map { "w\($0)" }.joined(separator: " "), "at most 64 words and phrases"),
        (words("police", 1_000), "at most 64 words and phrases"),
        ("\"" + words("the", 200) + "\"", "at most 128 words"),
        (String(repeating: "(", count: 70) + "police" + String(repeating: ")", count: 70), "at most 64 levels of parentheses"),
        ("NEAR(police brutality, 5000)", "a NEAR distance of at most 1000"),
        ("police OR " + String(repeating: "x", count: 5_000), "at most 4096 characters"),
    ]

    /// A `--raw` expression over a bound is refused, naming the bound, before SQLite reads it; with or without an
    /// index (`SearchEngine.validate`).
    @Test(arguments: rawCases)
    func rawExpressionsOverABoundAreRefused(raw: String, bound: String) throws {
        let runs: [() throws -> Void] = [
            { _ = try Fixtures.search(raw, raw: true) }, { try SearchEngine.validate(SearchRequest(query: raw, raw: true)) },
        ]
        for run in runs {
            do {
                _ = try run()
                Issue.record("\(raw.prefix(40)) was run")
            } catch let error as QueryError {
                guard case .overLimit = error else {
                    Issue.record("\(raw.prefix(40)): \(error)")
                    continue
                }
                #expect(error.localizedDescription.contains(bound), "\(error.localizedDescription)")
            }
        }
    }

    /// Within the bounds, `--raw` is as before: its own syntax, validated by SQLite.
    @Test(arguments: [
        "NEAR(police brutality, 2)", "traffick* OR police", "\"police bru\"*", "{title aliases} : police", "police+brutal* OR \"C++\"",
        "police AND (brutality OR violence) NOT cambodia", "- body : police",
    ])
    func rawExpressionsWithinTheBoundsRun(raw: String) throws {
        do {
            _ = try Fixtures.search(raw, raw: true)
        } catch let error as QueryError {
            if case .overLimit = error { Issue.record("\(raw): \(error)") }
        }
    }

    /// Filters given as options cannot be partly dropped without saying which: too many is an error.
    @Test func tooManyFilterValuesAsOptionsAreRefused() throws {
        let request = SearchRequest(query: "police", filters: QueryFilters(types: (1...65).map { "t\($0)" }))
        #expect(throws: QueryError.overLimit(query: "police", message: "a search may have at most 64 filter values (type, country, lang, issue); this one has 65")) {
            try SearchEngine(index: Fixtures.corpusIndex).search(request)
        }
        #expect(throws: QueryError.self) { try SearchEngine.validate(request) }
    }

    /// A query that names many issue concepts adds at most `QueryLimits.conceptTerms` of their names.
    @Test func conceptExpansionIsBounded() throws {
        func concept(_ name: String) -> String {
            "  - name: \(name)\n    terms:\n      - \(name)\n" + (1..<30).map { "      - \(name) \($0)\n" }.joined()
        }
        let (engine, folder) = try Fixtures.engine(indexing: [
            "concepts.yaml": "concepts:\n" + concept("alpha") + concept("beta") + concept("gamma"),
            "doc.md": Fixtures.markdown(id: "doc", title: "Alpha", body: "alpha beta gamma"),
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = try engine.search(SearchRequest(query: "alpha beta gamma"))
        #expect(results.expansions.map(\.concept) == ["alpha", "beta"])
        #expect(results.warnings.map(\.message) == ["the issue concept \"gamma\" was not expanded: a query may add at most 64 names of concepts"])
        #expect(results.hits.map(\.id) == ["doc"])
    }
}

/// The classes of the same defects found while fixing them: field terms were not counted, a Khmer word of one
/// syllable is a prefix nobody typed, a repeat's weight, and did-you-mean reading the vocabulary once per word.
struct QueryLimitsClassTests {
    /// `title:w1 title:w2 …` counts like `w1 w2 …`: every word and phrase, wherever it stands.
    @Test func fieldTermsCountAgainstTheLimit() {
        let parsed = QueryParser.parse((1...100).map { "title:w\($0)" }.joined(separator: " "))
        #expect(parsed.node?.positiveLeaves.count == QueryLimits.terms)
        #expect(parsed.warnings.map(\.message) == ["only the first 64 different words and phrases were searched"])
    }

    /// A Khmer word of one cluster is searched as the prefix of the cluster pairs it starts: it counts as one.
    @Test func aOneSyllableKhmerWordCountsAsAPrefix() {
        let parsed = QueryParser.parse("ក ខ គ ឃ ង police")
        #expect(parsed.node?.description == "ក AND ខ AND គ AND ឃ AND police")
        #expect(parsed.warnings.map(\.message) == [
            "only the first 4 prefixes were searched; 'ង', a Khmer word of one syllable, is searched as a prefix and was left out",
        ])
    }

    /// A repeated word is written once, and its group counts once more: the same score as two copies.
    @Test func aRepeatKeepsItsWeight() throws {
        let node = try #require(QueryParser.parse("police Police brutality police").node)
        let expression = try DatabaseQueue(configuration: SearchIndex.configuration).read { db in
            try MatchExpression(node, query: "", tokenizer: TokenizerSettings.makeTokenizer(db), languages: [.english])
        }
        #expect(expression.plan.groupWeights == [3, 1])
    }

    /// Sixty-four unknown words starting with the same letters read each range of the vocabulary once.
    @Test func didYouMeanReadsEachRangeOfTheVocabularyOnce() throws {
        let letters = "abcdefgh".map(String.init)
        let words = letters.flatMap { first in letters.map { QueryNode.term("tq" + first + $0, prefix: false) } }
        final class Counter: @unchecked Sendable { var statements = 0 }
        let counter = Counter()
        try Fixtures.corpusIndex.read { db in
            db.trace { event in if "\(event)".contains("documents_vocab") { counter.statements += 1 } }
            defer { db.trace(options: []) }
            _ = try Suggester(db: db, tokenizer: TokenizerSettings.makeTokenizer(db)).corrections(for: words + words)
        }
        // One frequency per word, and the 54 ranges the words share ("t", "q", "at" … "zq"); once per word, 3,520.
        #expect(counter.statements < 200, "\(counter.statements) statements")
    }
}
