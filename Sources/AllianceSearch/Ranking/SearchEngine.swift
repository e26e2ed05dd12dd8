import Foundation
import GRDB

/// Runs searches on an index: the parsed query as an FTS5 expression, filters as bound SQL, `bm25()` with column
/// weights, ties broken by document id, fragments for the page, facets over all matches, and did-you-mean.
///
/// The user's text reaches SQLite only inside FTS5 strings built by `MatchExpression`, bound to `MATCH ?`, or, with
/// `--raw`, as a bound expression that SQLite has validated. Filter values are bound too.
public struct SearchEngine: Sendable {
    public let index: SearchIndex
    private let concepts = ConceptCache()
    let cache = IndexCache()

    public init(index: SearchIndex) {
        self.index = index
    }

    /// Checks that `request` can be run, without an index (the same tokenizer, in memory): an empty query or a
    /// `--strict` violation is a usage error even when there is no index yet.
    ///
    /// - Throws: `QueryError`.
    public static func validate(_ request: SearchRequest) throws {
        try checkFilters(request)
        guard !request.raw else {
            if request.query.allSatisfy(\.isWhitespace) { throw QueryError.empty(query: request.query) }
            let (text, warnings) = QueryText.normalized(request.query)
            if request.strict, !warnings.isEmpty { throw QueryError.strict(query: request.query, warnings: warnings) }
            try DatabaseQueue(configuration: SearchIndex.configuration).read { db in
                try ExpressionShape.check(raw: text, tokenizer: TokenizerSettings.makeTokenizer(db))
            }
            return
        }
        let parsed = QueryParser.parse(request.query, filterValues: request.filters.valueCount)
        if request.strict, !parsed.warnings.isEmpty { throw QueryError.strict(query: request.query, warnings: parsed.warnings) }
        guard let node = parsed.node else {
            if parsed.filters.isEmpty && request.filters.isEmpty {
                // Say why, when the parser set something aside: `year:soon` alone is not an empty query.
                if !parsed.warnings.isEmpty { throw QueryError.nothingLeft(query: request.query, warnings: parsed.warnings) }
                throw QueryError.empty(query: request.query)
            }
            return
        }
        let expression = try DatabaseQueue(configuration: SearchIndex.configuration).read { db in
            try MatchExpression(node, query: request.query, tokenizer: TokenizerSettings.makeTokenizer(db))
        }
        if request.strict, !expression.warnings.isEmpty {
            throw QueryError.strict(query: request.query, warnings: expression.warnings)
        }
    }

    /// Searches the index.
    ///
    /// Hits are ranked and paged first; fragments are cut for the page only:
    ///
    /// ```sql
    /// SELECT d."docid", d."id", …, bm25("documents_fts", ?, ?, ?, ?, ?) AS "bm25"
    /// FROM "documents_fts" JOIN "documents" AS d ON d."docid" = "documents_fts"."rowid"
    /// WHERE "documents_fts" MATCH ? AND <filters>
    /// ORDER BY "bm25", d."id" LIMIT ? OFFSET ?;
    /// SELECT "rowid", highlight("documents_fts", 3, ?, ?) FROM "documents_fts"
    /// WHERE "documents_fts" MATCH ? AND "rowid" IN (…the page…)
    /// ```
    ///
    /// - Throws: `QueryError` for a query that cannot be run, `IndexError` when the index cannot be read.
    public func search(_ request: SearchRequest) throws -> SearchResults {
        let start = Date()
        let paths = IndexPaths(indexPath: index.path)
        return try index.read { db in
            let tokenizer = try TokenizerSettings.makeTokenizer(db)
            // Notes about the index's files, not about what was typed: `--strict` does not refuse a query for them.
            var notes: [QueryWarning] = []
            var concepts = ConceptMap(concepts: [])
            if request.expand {
                do {
                    concepts = try conceptMap(db, paths: paths)
                } catch let error as CorpusError {
                    notes.append(QueryWarning(position: 0, message: "issue concepts were not used: \(error)"))
                }
            }
            try cache.check(db, generation: index.generation)
            let languages = try cache.languages { try Self.stemmedLanguages(db) }
            let plan = try Self.plan(request, db: db, tokenizer: tokenizer, concepts: concepts, languages: languages)
            var warnings = plan.warnings + notes + (try unknownTypeWarnings(db, filters: plan.filters))
            if plan.filters.yearsConflict {
                warnings.append(QueryWarning(position: 0, message: "the year filters leave no year: from \(plan.filters.yearFrom!) to \(plan.filters.yearTo!)"))
            }

            // Run the strict reading; in auto mode, relax it when it finds too little.
            // Only an `issue` filter needs the concepts' expressions.
            let issueExpressions = plan.filters.issues.isEmpty ? [:] : concepts.issueExpressions(tokenizer: tokenizer)
            var chosen = plan.readings[0]
            var scope = MatchScope(expression: chosen.expression, filters: plan.filters, plan: chosen.plan, issueExpressions: issueExpressions)
            var total = try scope.count(db)
            let strictTotal = total
            var relaxed = false
            if plan.readings.count > 1, total < MatchMode.relaxBelow {
                let looser = MatchScope(expression: plan.readings[1].expression, filters: plan.filters, plan: plan.readings[1].plan, issueExpressions: issueExpressions)
                let looserTotal = try looser.count(db)
                if looserTotal > total {
                    chosen = plan.readings[1]
                    scope = looser
                    total = looserTotal
                    relaxed = true
                }
            }
            // Document frequencies from the vocabulary, once, for every ranking of this scope.
            scope.plan = try scope.plan.withDocumentFrequencies { try cache.documentFrequency(of: $0, in: db) }
            var modeNote = relaxed ? "any (relaxed from all, which found fewer than \(MatchMode.relaxBelow))" : chosen.mode.rawValue
            if chosen.question { modeNote = "any (a question: its content words, ranked)" }

            // A ranking of any of the words learns from its own best documents (RM3), and ranks again.
            var feedback: [RelevanceFeedback.Word] = []
            if request.feedback, relaxed || chosen.mode == .any,
                let expansion = try RelevanceFeedback.expand(
                    db, scope: scope, weights: request.weights, tokenizer: tokenizer,
                    documentFrequency: { try cache.documentFrequency(of: $0, in: db) })
            {
                scope.expression = expansion.expression
                scope.plan = expansion.plan
                feedback = expansion.words
            }
            let hits = try Self.hits(db, scope: scope, reading: chosen, request: request, modeNote: modeNote, paths: paths)

            let facets = try scope.facets(db, request.facets)

            // Did-you-mean looks at what all the words found, before any relaxing hid the unknown one. It corrects
            // the text the parser read (NFC, without reserved characters), where the words it was given stand.
            var suggestion: String?
            if strictTotal < MatchMode.relaxBelow, let node = plan.node {
                let corrections = try Suggester(db: db, tokenizer: tokenizer).corrections(for: node.positiveLeaves)
                if !corrections.isEmpty {
                    suggestion = corrections.reduce(QueryText.lenient(request.query).text) { query, correction in
                        Self.replacingWord(correction.original, with: correction.replacement, in: query)
                    }.trimmingCharacters(in: .whitespaces)
                }
            }

            var results = SearchResults(
                request: request, parsed: plan.parsed, expression: scope.expression ?? "", filters: plan.filters,
                mode: relaxed ? .any : chosen.mode, relaxed: relaxed, total: total, hits: hits, facets: facets,
                suggestion: suggestion, expansions: chosen.expansions, feedback: feedback, warnings: warnings,
                tookMilliseconds: Date().timeIntervalSince(start) * 1000)
            results.question = chosen.question
            return results
        }
    }

    /// What a request asks of the index before anything is counted: the readings to try, in order, and the filters.
    struct Plan {
        /// One way of reading the query: its FTS5 expression (`nil` for filters alone) and what went into it.
        struct Reading {
            var expression: String?
            var plan = RankingPlan()
            var mode: MatchMode
            /// Read as a question in natural language (`QueryNode.isQuestion`).
            var question = false
            var expansions: [ConceptMap.Expansion] = []
            /// The words and phrases searched, concept terms included.
            var leaves: [QueryNode] = []
        }

        var parsed: String
        var node: QueryNode?
        var filters: QueryFilters
        var readings: [Reading]
        var warnings: [QueryWarning]
    }

    /// Parses the request into its readings: the words as typed (`all`), and, for `any` and `auto`, a plain list
    /// of words loosened into an OR; each with its issue concepts expanded.
    ///
    /// - Throws: `QueryError` for a query with nothing to search, or one `--strict` refuses.
    static func plan(
        _ request: SearchRequest, db: Database, tokenizer: AllianceTokenizer, concepts: ConceptMap,
        languages: [StemmingLanguage]
    ) throws -> Plan {
        try checkFilters(request)
        if request.raw {
            let (text, warnings) = QueryText.normalized(request.query)
            if request.strict, !warnings.isEmpty { throw QueryError.strict(query: request.query, warnings: warnings) }
            let expression = try MatchExpression(raw: text, tokenizer: tokenizer, in: db)
            return Plan(
                parsed: text, node: nil, filters: request.filters.normalized,
                readings: [Plan.Reading(expression: expression.sql, mode: .all)], warnings: warnings)
        }
        let query = QueryParser.parse(request.query, filterValues: request.filters.valueCount)
        let filters = request.filters.normalized.merged(with: query.filters)
        guard let node = query.node else {
            guard !filters.isEmpty else {
                if !query.warnings.isEmpty { throw QueryError.nothingLeft(query: request.query, warnings: query.warnings) }
                throw QueryError.empty(query: request.query)
            }
            if request.strict, !query.warnings.isEmpty {
                throw QueryError.strict(query: request.query, warnings: query.warnings)
            }
            return Plan(
                parsed: "", node: nil, filters: filters, readings: [Plan.Reading(expression: nil, mode: .all)],
                warnings: query.warnings)
        }
        // Stems are looked for only in the languages the index has: an English corpus needs no Spanish stems.
        func reading(_ node: QueryNode, _ mode: MatchMode) throws -> (Plan.Reading, [QueryWarning]) {
            let expanded = try concepts.expand(node, tokenizer: tokenizer)
            let expression = try MatchExpression(
                expanded.node, query: request.query, tokenizer: tokenizer, languages: languages,
                synonyms: expanded.synonyms)
            let reading = Plan.Reading(
                expression: expression.sql, plan: expression.plan, mode: mode, expansions: expanded.expansions,
                leaves: expanded.node.positiveLeaves)
            return (reading, expanded.warnings + expression.warnings)
        }
        let (strict, strictWarnings) = try reading(node, .all)
        let warnings = query.warnings + strictWarnings
        if request.strict, !warnings.isEmpty { throw QueryError.strict(query: request.query, warnings: warnings) }
        var readings = [strict]
        if node.isPlainList, request.match != .all {
            var (loose, _) = try reading(node.withoutStopWords(question: node.isQuestion).loosened, .any)
            if request.match == .any {
                readings = [loose]
            } else if node.isQuestion {
                loose.question = true
                readings = [loose]
            } else if loose.expression != strict.expression {
                readings.append(loose)
            }
        }
        return Plan(parsed: node.description, node: node, filters: filters, readings: readings, warnings: warnings)
    }

    /// Refuses a request whose own filters (given as options, not typed in the query) are over
    /// `QueryLimits.filters`: which of them to leave out is not the engine's to choose.
    ///
    /// - Throws: `QueryError.overLimit`.
    static func checkFilters(_ request: SearchRequest) throws {
        let count = request.filters.valueCount
        guard count <= QueryLimits.filters else {
            throw QueryError.overLimit(
                query: request.query,
                message: "a search may have at most \(QueryLimits.filters) filter values (type, country, lang, issue); this one has \(count)")
        }
    }

    /// One page of hits, with fragments and, when asked, score explanations.
    private static func hits(
        _ db: Database, scope: MatchScope, reading: Plan.Reading, request: SearchRequest, modeNote: String,
        paths: IndexPaths
    ) throws -> [SearchHit] {
        // Khmer words match through the `khmer` column, which `highlight()` on the body cannot mark.
        let khmerWords = reading.leaves.compactMap { leaf -> String? in
            switch leaf {
            case .term(let text, _), .phrase(let text, _): KhmerGrams.containsKhmer(text) ? text : nil
            default: nil
            }
        }
        let builder = SnippetBuilder(count: request.fragments)
        let decoder = JSONDecoder()
        let page = try scope.page(db, request: request)
        let bodies = try scope.markedBodies(db, docids: page.map { $0["docid"] })
        return page.enumerated().map { position, row in
            let docid: Int64 = row["docid"]
            let metadataJSON: String = row["metadata"]
            let metadata = (try? decoder.decode([String: JSONValue].self, from: Data(metadataJSON.utf8))) ?? [:]
            let body = (bodies[docid] ?? MarkedText("")).marking(khmerWords)
            let score: Double = scope.expression == nil ? 0 : row["score"]
            var explanation: ScoreExplanation?
            if request.explain {
                explanation = ScoreExplanation(
                    columns: zip(IndexSchema.ftsColumns, request.weights.arguments).enumerated().map { index, column in
                        ScoreExplanation.Column(
                            name: column.0, weight: column.1,
                            bm25: scope.expression == nil ? 0 : row["score_\(index)"])
                    },
                    score: score, mode: modeNote)
            }
            // A PDF's pages: which hold a matched word, and which each fragment is on.
            let pageStarts = Document.pageStarts(json: row["pages"])
            var snippets = builder.fragments(of: body.text, matches: body.ranges)
            var pages: [Int] = []
            if !pageStarts.isEmpty {
                for index in snippets.indices { snippets[index].page = Document.page(at: snippets[index].start, pageStarts: pageStarts) }
                pages = Array(Set(body.ranges.compactMap { Document.page(at: $0.lowerBound, pageStarts: pageStarts) })).sorted()
            }
            return SearchHit(
                rank: request.offset + position + 1, id: row["id"], type: row["type"], title: row["title"],
                aliases: lines(row["aliases"]), issues: lines(row["issues"]),
                path: DisplayPath.relative(paths.absolute(row["path"])), line: row["line"], score: score,
                metadata: metadata, snippets: snippets, explanation: explanation, pages: pages)
        }
    }

    /// The issue concepts of the index's corpus folders (`concepts.yaml`), cached per engine.
    func conceptMap(_ db: Database, paths: IndexPaths) throws -> ConceptMap {
        try concepts.map(for: (try IndexSettings.fetch(db)?.roots ?? []).map(paths.absolute))
    }

    /// The languages the index holds stems of: those with at least one stem token in the vocabulary, each found
    /// by one seek in the `fts5vocab` table:
    ///
    /// ```sql
    /// SELECT 1 FROM "documents_vocab" WHERE "term" >= ? AND "term" < ? LIMIT 1   -- U+E001 "es" … U+E001 "et"
    /// ```
    static func stemmedLanguages(_ db: Database) throws -> [StemmingLanguage] {
        let statement = try db.cachedStatement(
            sql: #"SELECT 1 FROM "documents_vocab" WHERE "term" >= ? AND "term" < ? LIMIT 1"#)
        return try StemmingLanguage.allCases.filter { language in
            var upper = Array(language.rawValue.unicodeScalars)
            upper[upper.count - 1] = Unicode.Scalar(upper[upper.count - 1].value + 1)!
            let from = AllianceTokenizer.stemMarker + language.rawValue
            let to = AllianceTokenizer.stemMarker + String(String.UnicodeScalarView(upper))
            return try Int.fetchOne(statement, arguments: [from, to]) != nil
        }
    }

    /// A warning for each `type` filter no document has, listing the types there are.
    private func unknownTypeWarnings(_ db: Database, filters: QueryFilters) throws -> [QueryWarning] {
        guard !filters.types.isEmpty else { return [] }
        let known = Set(try String.fetchAll(db, sql: #"SELECT DISTINCT lower("type") FROM "documents""#))
        return filters.types.filter { !known.contains($0.lowercased()) }.map { type in
            QueryWarning(position: 0, message: "no document in the index has the type \"\(type)\" (types: \(known.sorted().joined(separator: ", ")))")
        }
    }

    /// `text` with each whole-word occurrence of `word` replaced: `ork` in `ork working` is the first word only.
    static func replacingWord(_ word: String, with replacement: String, in text: String) -> String {
        let scalars = Array(text.unicodeScalars), target = Array(word.unicodeScalars)
        func isWordScalar(_ index: Int) -> Bool {
            index >= 0 && index < scalars.count
                && (scalars[index].properties.isAlphabetic || scalars[index].properties.numericType != nil
                    || scalars[index].properties.generalCategory == .nonspacingMark)
        }
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if index + target.count <= scalars.count, Array(scalars[index..<(index + target.count)]) == target,
                !isWordScalar(index - 1), !isWordScalar(index + target.count)
            {
                result.append(contentsOf: replacement.unicodeScalars)
                index += target.count
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return String(result)
    }

    static func lines(_ text: String) -> [String] {
        text.isEmpty ? [] : text.components(separatedBy: "\n")
    }
}
