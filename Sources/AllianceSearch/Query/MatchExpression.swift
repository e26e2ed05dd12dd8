import GRDB

/// The FTS5 `MATCH` expression for a parsed query.
///
/// Every word and phrase becomes an FTS5 string (`"…"`, with `"` doubled), so the user's text is never read as FTS5
/// syntax; the structure around the strings (`AND`, `OR`, `NOT`, `NEAR`, `{column} :`, `*`) comes from the parse
/// tree only. Leaves are tokenised with the index's tokenizer first: one with no token in it (`...`, `—`) would make
/// FTS5 match nothing, so it is left out, with a warning.
///
/// FTS5's `NOT` is binary (`a NOT b`), so an AND list renders as `(positives) NOT (negatives ORed)`. A query, or an
/// OR alternative, that only excludes cannot be searched: the first is an error, the second is dropped with a
/// warning.
///
/// Related SQLite documentation: <https://www.sqlite.org/fts5.html#full_text_query_syntax>
public struct MatchExpression: Sendable, Hashable {
    /// The expression bound to `… MATCH ?`, for example `"police" AND "brutality"`.
    public var sql: String
    /// What was left out.
    public var warnings: [QueryWarning]

    /// How `alliance_rank()` groups and weighs the expression's phrases: one group per word or phrase of the query.
    var plan = RankingPlan()

    /// Renders `node`, each word with its stems in `languages`.
    ///
    /// - Throws: `QueryError.empty` when nothing searchable is left, `QueryError.onlyExclusions` when the query only
    ///   excludes.
    init(
        _ node: QueryNode, query: String, tokenizer: AllianceTokenizer,
        languages: [StemmingLanguage] = StemmingLanguage.allCases, synonyms: Set<QueryNode> = []
    ) throws {
        var renderer = Renderer(tokenizer: tokenizer, query: query, languages: languages, synonyms: synonyms)
        let rendered = try renderer.render(node)
        warnings = renderer.warnings
        guard let rendered else {
            if node.positiveLeaves.isEmpty || renderer.onlyExclusions { throw QueryError.onlyExclusions(query: query) }
            throw QueryError.empty(query: query)
        }
        sql = rendered.sql
        plan = renderer.plan
        plan.phrases = rendered.phrases
    }

    /// Builds the expression for a raw FTS5 query typed with `--raw`, after asking SQLite whether it is valid.
    ///
    /// - Throws: `QueryError.invalidRaw` with SQLite's message and the position it points at.
    init(raw: String, in db: Database) throws {
        do {
            _ = try Int.fetchOne(
                db, sql: #"SELECT count(*) FROM (SELECT "rowid" FROM "documents_fts" WHERE "documents_fts" MATCH ? LIMIT 1)"#,
                arguments: [raw])
        } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
            let message = (error.message ?? "invalid FTS5 expression").replacingOccurrences(of: "fts5: ", with: "")
            throw QueryError.invalidRaw(query: raw, message: message, position: Self.position(of: message, in: raw))
        }
        sql = raw
        warnings = []
    }

    /// `text` as an FTS5 string: in double quotes, each double quote inside doubled. Done scalar by scalar: a quote
    /// followed by a combining mark is one `Character` to Swift but still a quote to FTS5.
    ///
    /// Related SQLite documentation: <https://www.sqlite.org/fts5.html#fts5_strings>
    public static func string(_ text: String) -> String {
        text.quoted(by: "\"")
    }

    /// The character position SQLite's message points at: the text after `near "…"` or `column: `, else the end.
    static func position(of message: String, in query: String) -> Int {
        for marker in ["near \"", "no such column: "] {
            guard let range = message.range(of: marker) else { continue }
            var token = String(message[range.upperBound...])
            if marker.hasSuffix("\"") { token = String(token.prefix { $0 != "\"" }) }
            if !token.isEmpty, let found = query.range(of: token) {
                return query.distance(from: query.startIndex, to: found.lowerBound)
            }
        }
        return query.count
    }

    /// A piece of the expression and, in order, the phrases written in it.
    private struct Fragment {
        var sql: String
        var phrases: [RankingPlan.Phrase]

        /// `pieces` joined by `separator`, their phrases in the same order.
        static func joined(_ pieces: [Fragment], separator: String, open: String = "(", close: String = ")") -> Fragment {
            Fragment(sql: open + pieces.map(\.sql).joined(separator: separator) + close, phrases: pieces.flatMap(\.phrases))
        }

        func wrapped(_ open: String, _ close: String) -> Fragment {
            Fragment(sql: open + sql + close, phrases: phrases)
        }
    }

    private struct Renderer {
        let tokenizer: AllianceTokenizer
        let query: String
        let languages: [StemmingLanguage]
        /// OR nodes whose alternatives after the first are names of one concept (`ConceptMap.Expanded.synonyms`).
        let synonyms: Set<QueryNode>
        var plan = RankingPlan()
        /// While rendering a concept's names: their one group, and the phrases already written in it.
        var shared: (group: Int, phrases: Set<String>)?
        var warnings: [QueryWarning] = []
        var onlyExclusions = false
        /// Above 0 inside `NEAR`, where only plain FTS5 strings may stand.
        var plainOnly = 0
        /// Above 0 inside a field term, which cannot reach the `khmer` column.
        var inField = 0

        mutating func render(_ node: QueryNode) throws -> Fragment? {
            switch node {
            case .term(let text, let prefix), .phrase(let text, let prefix):
                return try leaf(text, prefix: prefix)
            case .near(let items, let distance):
                // NEAR takes phrases only: words inside it are matched exactly, Khmer as written.
                plainOnly += 1
                defer { plainOnly -= 1 }
                let rendered = try items.compactMap { try render($0) }
                if rendered.count < 2 { return rendered.first }
                return Fragment.joined(rendered, separator: " ", open: "NEAR(", close: ", \(distance))")
            case .field(let field, let inner):
                inField += 1
                defer { inField -= 1 }
                return try render(inner).map { $0.wrapped("{\(field.rawValue)} : (", ")") }
            case .and(let nodes):
                var positives: [Fragment] = []
                var negatives: [Fragment] = []
                for child in nodes {
                    if case .not(let inner) = child {
                        if let rendered = try render(inner) { negatives.append(rendered) }
                    } else if let rendered = try render(child) {
                        positives.append(rendered)
                    }
                }
                guard !positives.isEmpty else {
                    if !negatives.isEmpty { onlyExclusions = true }
                    return nil
                }
                let positive = positives.count == 1 ? positives[0] : Fragment.joined(positives, separator: " AND ")
                guard !negatives.isEmpty else { return positive }
                return Fragment.joined(
                    [positive, Fragment.joined(negatives, separator: " OR ")], separator: " NOT ")
            case .or(let nodes):
                var alternatives: [Fragment] = []
                let concept = synonyms.contains(node) && shared == nil
                for (index, child) in nodes.enumerated() {
                    // A concept's names, after the words typed, are one word of the query to the ranking.
                    if concept, index == 1 { shared = (plan.addGroup(weight: 1), []) }
                    if case .not = child {
                        warnings.append(QueryWarning(position: position(of: child.description), message: "an OR alternative that only excludes (\(child.description)) was ignored"))
                        continue
                    }
                    if let rendered = try render(child) { alternatives.append(rendered) }
                }
                if concept { shared = nil }
                if alternatives.count < 2 { return alternatives.first }
                return Fragment.joined(alternatives, separator: " OR ")
            case .not:
                onlyExclusions = true
                return nil
            }
        }

        /// Where `text` first occurs in the query, for a warning; the start when it cannot be found.
        private func position(of text: String) -> Int {
            let needle = text.hasPrefix("NOT ") ? String(text.dropFirst(4)) : text
            guard let range = query.range(of: needle) else { return 0 }
            return query.distance(from: query.startIndex, to: range.lowerBound)
        }

        /// A word or phrase: its exact form and, outside `NEAR` and for whole words, its stemmed forms, as one group.
        ///
        /// `working` becomes `("working" OR "\u{E001}enwork" OR …)`, a stem for each language; the phrase `"domestic workers"`
        /// becomes `("domestic workers" OR "\u{E001}endomest \u{E001}enworker" OR …)`. A prefix (`work*`) is matched on
        /// exact words.
        private mutating func leaf(_ text: String, prefix: Bool) throws -> Fragment? {
            let string = MatchExpression.string(text)
            // Symbols alone (emoji, dashes) are tokens to FTS5 but words to no one: they would only make AND fail.
            let hasWord = text.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
            if hasWord, plainOnly == 0, inField == 0, let khmer = KhmerGrams.expression(for: text, prefix: prefix) {
                // Khmer has no spaces: the word is looked for inside runs, through their cluster pairs.
                let group = shared?.group ?? plan.addGroup(weight: 1)
                return Fragment(
                    sql: "(" + khmer + " OR " + (prefix ? string + " *" : string) + ")",
                    phrases: [.init(group: group, weight: 1), .init(group: group, weight: 1)])
            }
            let terms = tokenizer.terms(of: text, languages: prefix || plainOnly > 0 ? [] : languages)
            guard hasWord, !terms.isEmpty else {
                warnings.append(QueryWarning(position: position(of: text), message: "ignored \(string): it has no letters or digits to search for"))
                return nil
            }
            let group = shared?.group ?? plan.addGroup(weight: 1)
            let exact = Fragment(
                sql: prefix ? string + " *" : string,
                phrases: [.init(group: group, weight: 1, text: prefix ? "" : terms.map(\.exact).joined(separator: " "))])
            var stemmed: [String] = []
            // One stemmed phrase per language: each word stemmed as a document in that language was.
            for index in languages.indices where !prefix && plainOnly == 0 {
                let phrase = terms.map { AllianceTokenizer.stemToken($0.stems[index], languages[index]) }.joined(separator: " ")
                if !stemmed.contains(phrase) { stemmed.append(phrase) }
            }
            var pieces = [exact]
            pieces += stemmed.map {
                Fragment(sql: MatchExpression.string($0), phrases: [.init(group: group, weight: RankingPlan.stemWeight, text: $0)])
            }
            if var seen = shared?.phrases {
                // Two names of a concept may share a form (`trabajo sexual`, `trabajadoras sexuales`: both stem to
                // `trabaj sexual`): counting it twice would count the same words twice.
                pieces = pieces.filter { piece in piece.phrases.allSatisfy { seen.insert($0.text + (prefix ? "*" : "")).inserted } }
                shared?.phrases = seen
                if pieces.isEmpty { return nil }
            }
            return pieces.count == 1 ? pieces[0] : Fragment.joined(pieces, separator: " OR ")
        }
    }
}

extension String {
    /// The string between two `mark`s, each `mark` inside doubled: an FTS5 string (`"`) or an SQL literal (`'`).
    ///
    /// Done scalar by scalar: a quote followed by a combining mark or U+200C is one `Character` to Swift, which
    /// `replacingOccurrences(of:with:)` would miss, but still a quote to SQLite.
    func quoted(by mark: Unicode.Scalar) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(mark)
        for scalar in unicodeScalars {
            scalars.append(scalar)
            if scalar == mark { scalars.append(scalar) }
        }
        scalars.append(mark)
        return String(scalars)
    }
}
