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

    /// Builds the expression for a raw FTS5 query typed with `--raw`, after holding it to `QueryLimits`
    /// (`ExpressionShape`) and asking SQLite whether it is valid.
    ///
    /// - Throws: `QueryError.overLimit` naming the bound it is over, `QueryError.invalidRaw` with SQLite's message and
    ///   the position it points at.
    init(raw: String, tokenizer: AllianceTokenizer, in db: Database) throws {
        try ExpressionShape.check(raw: raw, tokenizer: tokenizer)
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
        /// Words of the query's own words and phrases written so far, against `QueryLimits.words`.
        var words = 0
        var warnedWords = false
        /// While a form of a word is written into the group of another form (`workers OR worker`).
        var merging = false

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
                return try renderAll(nodes)
            case .or(let nodes):
                return try renderAny(node, nodes)
            case .not:
                onlyExclusions = true
                return nil
            }
        }

        /// An AND list: `(positives) NOT (negatives ORed)`, each child written once.
        private mutating func renderAll(_ nodes: [QueryNode]) throws -> Fragment? {
            var positives: [Fragment] = []
            var negatives: [Fragment] = []
            var seen: [RepeatKey: [(group: Int, weight: Double)]] = [:]
            for child in nodes {
                let key = repeatKey(child), groups = plan.groupWeights.count
                if let first = seen[key] {
                    repeated(first)
                    continue
                }
                if case .not(let inner) = child {
                    if let rendered = try render(inner) { negatives.append(rendered) }
                } else if let rendered = try render(child) {
                    positives.append(rendered)
                }
                seen[key] = (groups..<plan.groupWeights.count).map { ($0, plan.groupWeights[$0]) }
            }
            guard !positives.isEmpty else {
                if !negatives.isEmpty { onlyExclusions = true }
                return nil
            }
            let positive = positives.count == 1 ? positives[0] : Fragment.joined(positives, separator: " AND ")
            guard !negatives.isEmpty else { return positive }
            return Fragment.joined(
                [positive, Fragment.joined(negatives, separator: " OR ")], separator: " NOT ")
        }

        /// An OR list, each child written once; a concept's names as one group, forms of one word in one group.
        private mutating func renderAny(_ node: QueryNode, _ nodes: [QueryNode]) throws -> Fragment? {
            var alternatives: [Fragment] = []
            let concept = synonyms.contains(node) && shared == nil
            var seen: [RepeatKey: [(group: Int, weight: Double)]] = [:]
            // The group of each word's stems, and the phrases written in it, so that another form of the word
            // (`works OR working`) joins it, as a repeat does: its exact form is added to the group and the
            // group's weight goes up by one, its stem is written once. (Measured: MAP on CACM 0.3745 → 0.3742,
            // on Cranfield 0.3340 → 0.3346.)
            var forms: [[String]: (group: Int, phrases: Set<String>)] = [:]
            for (index, child) in nodes.enumerated() {
                // A concept's names, after the words typed, are one word of the query to the ranking.
                if concept, index == 1 { shared = (plan.addGroup(weight: 1), []) }
                let key = repeatKey(child), groups = plan.groupWeights.count
                if let first = seen[key] {
                    repeated(first)
                    continue
                }
                defer { seen[key] = (groups..<plan.groupWeights.count).map { ($0, plan.groupWeights[$0]) } }
                if case .not = child {
                    warnings.append(QueryWarning(position: position(of: child.description), message: "an OR alternative that only excludes (\(child.description)) was ignored"))
                    continue
                }
                guard shared == nil, let stems = formKey(child) else {
                    if let rendered = try render(child) { alternatives.append(rendered) }
                    continue
                }
                if let group = forms[stems] {
                    (shared, merging) = (group, true)
                    defer { (shared, merging) = (nil, false) }
                    if let rendered = try render(child) { alternatives.append(rendered) }
                    forms[stems] = shared
                    plan.groupWeights[group.group] += 1
                } else if let rendered = try render(child) {
                    alternatives.append(rendered)
                    if let group = rendered.phrases.first?.group { forms[stems] = (group, Set(rendered.phrases.map(\.text))) }
                }
            }
            if concept { shared = nil }
            if alternatives.count < 2 { return alternatives.first }
            return Fragment.joined(alternatives, separator: " OR ")
        }

        /// A child of an AND or OR that repeats an earlier one (`repeatKey(_:)`) is not written again: the groups
        /// written for the first get its weight once more, which scores exactly what a second copy of them did
        /// (their phrases, hits and IDF are the same) at the cost of one. A concept's names are one name each.
        private mutating func repeated(_ first: [(group: Int, weight: Double)]) {
            guard shared == nil else { return }
            for (group, weight) in first { plan.groupWeights[group] += weight }
        }

        /// What makes two children of one AND or OR the same: their trees, with each word or phrase read as its
        /// tokens (case and accents folded, as FTS5 reads it). Khmer, written by its cluster pairs, is read as typed.
        private indirect enum RepeatKey: Hashable {
            case leaf(tokens: [String], prefix: Bool)
            case typed(String, prefix: Bool)
            case and([RepeatKey]), or([RepeatKey]), not(RepeatKey)
            case field(QueryField, RepeatKey)
            case near([RepeatKey], distance: Int)
        }

        /// The tokens of each word or phrase read so far, for `repeatKey(_:)`.
        var tokens: [String: [String]] = [:]

        private mutating func repeatKey(_ node: QueryNode) -> RepeatKey {
            switch node {
            case .term(let text, let prefix), .phrase(let text, let prefix):
                if KhmerGrams.containsKhmer(text) { return .typed(text, prefix: prefix) }
                if let known = tokens[text] { return known.isEmpty ? .typed(text, prefix: prefix) : .leaf(tokens: known, prefix: prefix) }
                let read = tokenizer.terms(of: text, languages: []).map(\.exact)
                tokens[text] = read
                return read.isEmpty ? .typed(text, prefix: prefix) : .leaf(tokens: read, prefix: prefix)
            case .and(let nodes): return .and(nodes.map { repeatKey($0) })
            case .or(let nodes): return .or(nodes.map { repeatKey($0) })
            case .not(let inner): return .not(repeatKey(inner))
            case .field(let field, let inner): return .field(field, repeatKey(inner))
            case .near(let items, let distance): return .near(items.map { repeatKey($0) }, distance: distance)
            }
        }

        /// The stem phrases a whole word or phrase is written with (`leaf(_:prefix:)`), one per language; `nil` for
        /// a prefix, Khmer, text without words, or no languages.
        private func formKey(_ node: QueryNode) -> [String]? {
            guard plainOnly == 0, !languages.isEmpty else { return nil }
            switch node {
            case .term(let text, false), .phrase(let text, false):
                guard !KhmerGrams.containsKhmer(text) else { return nil }
                let terms = tokenizer.terms(of: text, languages: languages)
                guard !terms.isEmpty else { return nil }
                return languages.indices.map { index in
                    terms.map { AllianceTokenizer.stemToken($0.stems[index], languages[index]) }.joined(separator: " ")
                }
            default:
                return nil
            }
        }

        /// `text`, or as much of it as the words left allow (`QueryLimits.words`), with a warning the first time it
        /// is cut; `nil` when no word is left. A concept's names do not count: `QueryLimits.conceptTerms` bounds them.
        private mutating func withinWordBudget(_ text: String) -> String? {
            guard shared == nil || merging else { return text }
            let count: Int, cut: (Int) -> String
            if KhmerGrams.expression(for: text, prefix: false) != nil, let run = KhmerGrams.runs(text).first {
                // A Khmer word is searched as the phrase of its cluster pairs.
                (count, cut) = (max(1, run.count - 1), { run.prefix($0 + 1).joined() })
            } else {
                let terms = tokenizer.terms(of: text, languages: [])
                (count, cut) = (terms.count, { String(decoding: text.utf8.prefix(terms[$0 - 1].end), as: UTF8.self) })
            }
            let left = QueryLimits.words - words
            if count <= left {
                words += count
                return text
            }
            if !warnedWords {
                warnings.append(QueryWarning(position: position(of: text), message: "only the first \(QueryLimits.words) words of the query were searched"))
                warnedWords = true
            }
            words = QueryLimits.words
            return left > 0 ? cut(left) : nil
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
        private mutating func leaf(_ typed: String, prefix: Bool) throws -> Fragment? {
            guard let text = withinWordBudget(typed) else { return nil }
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
