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

    /// Renders `node`.
    ///
    /// - Throws: `QueryError.empty` when nothing searchable is left, `QueryError.onlyExclusions` when the query only
    ///   excludes.
    init(_ node: QueryNode, query: String, tokenizer: any FTS5Tokenizer) throws {
        var renderer = Renderer(tokenizer: tokenizer, query: query)
        let rendered = try renderer.render(node)
        warnings = renderer.warnings
        guard let rendered else {
            if node.positiveLeaves.isEmpty || renderer.onlyExclusions { throw QueryError.onlyExclusions(query: query) }
            throw QueryError.empty(query: query)
        }
        sql = rendered
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
        var string = String.UnicodeScalarView()
        string.append("\"")
        for scalar in text.unicodeScalars {
            string.append(scalar)
            if scalar == "\"" { string.append(scalar) }
        }
        string.append("\"")
        return String(string)
    }

    /// The FTS5 expression for a term of `concepts.yaml`, as a query leaf would be written: a phrase, or, for a
    /// run of Khmer, its cluster pairs too.
    static func term(_ text: String) -> String {
        let string = string(text)
        guard let khmer = KhmerGrams.expression(for: text, prefix: false) else { return string }
        return "(" + khmer + " OR " + string + ")"
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

    private struct Renderer {
        let tokenizer: any FTS5Tokenizer
        let query: String
        var warnings: [QueryWarning] = []
        var onlyExclusions = false
        /// Above 0 inside `NEAR` and field terms, where only plain FTS5 strings may stand.
        var plainOnly = 0

        mutating func render(_ node: QueryNode) throws -> String? {
            switch node {
            case .term(let text, let prefix), .phrase(let text, let prefix):
                return try leaf(text, prefix: prefix)
            case .near(let items, let distance):
                // NEAR takes phrases only: Khmer inside it is matched as written.
                plainOnly += 1
                defer { plainOnly -= 1 }
                let rendered = try items.compactMap { try render($0) }
                if rendered.count < 2 { return rendered.first }
                return "NEAR(" + rendered.joined(separator: " ") + ", \(distance))"
            case .field(let field, let inner):
                // A column filter cannot reach the `khmer` column: Khmer in a field term is matched as written.
                plainOnly += 1
                defer { plainOnly -= 1 }
                return try render(inner).map { "{\(field.rawValue)} : (\($0))" }
            case .and(let nodes):
                var positives: [String] = []
                var negatives: [String] = []
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
                let positive = positives.count == 1 ? positives[0] : "(" + positives.joined(separator: " AND ") + ")"
                guard !negatives.isEmpty else { return positive }
                return "(" + positive + " NOT (" + negatives.joined(separator: " OR ") + "))"
            case .or(let nodes):
                var alternatives: [String] = []
                for child in nodes {
                    if case .not = child {
                        warnings.append(QueryWarning(position: position(of: child.description), message: "an OR alternative that only excludes (\(child.description)) was ignored"))
                        continue
                    }
                    if let rendered = try render(child) { alternatives.append(rendered) }
                }
                if alternatives.count < 2 { return alternatives.first }
                return "(" + alternatives.joined(separator: " OR ") + ")"
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

        private mutating func leaf(_ text: String, prefix: Bool) throws -> String? {
            let string = MatchExpression.string(text)
            // Symbols alone (emoji, dashes) are tokens to FTS5 but words to no one: they would only make AND fail.
            let hasWord = text.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
            if plainOnly == 0, let khmer = KhmerGrams.expression(for: text, prefix: prefix) {
                // Khmer has no spaces: the word is looked for inside runs, through their cluster pairs.
                return "(" + khmer + " OR " + (prefix ? string + " *" : string) + ")"
            }
            guard hasWord, try !tokenizer.tokenize(query: text).isEmpty else {
                warnings.append(QueryWarning(position: position(of: text), message: "ignored \(string): it has no letters or digits to search for"))
                return nil
            }
            return prefix ? string + " *" : string
        }
    }
}
