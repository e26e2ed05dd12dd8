import GRDB

/// The set of documents a search matches: an FTS5 expression (or none, for a query of filters only) and filters.
///
/// It owns the SQL that counts, pages, highlights and facets that set, so that all of them see the same documents.
struct MatchScope {
    /// The FTS5 expression, or `nil` to match every document that passes the filters.
    var expression: String?
    var filters: QueryFilters
    /// How `alliance_rank()` weighs the expression's phrases (`RankingPlan.argument`).
    var plan = RankingPlan()
    /// For `issue` filters: the FTS5 expression of each issue concept's terms, by lower-cased issue name.
    var issueExpressions: [String: String] = [:]

    /// `FROM … WHERE …` over the matching documents, aliased `d`, and its arguments.
    private var source: (sql: String, arguments: StatementArguments) {
        let (filterSQL, filterArguments) = filters.sql(issueExpressions: issueExpressions)
        if let expression {
            return (
                """
                FROM "documents_fts" JOIN "documents" AS d ON d."docid" = "documents_fts"."rowid"
                WHERE "documents_fts" MATCH ?\(filterSQL)
                """,
                [expression] + filterArguments)
        }
        return (#"FROM "documents" AS d WHERE 1"# + filterSQL, filterArguments)
    }

    /// `SELECT count(*) FROM … WHERE …`
    func count(_ db: Database) throws -> Int {
        let (sql, arguments) = source
        return try Int.fetchOne(db, sql: "SELECT count(*) \(sql)", arguments: arguments) ?? 0
    }

    /// One page of hits, best first, ties broken by id; with each column's own score (`score_0` … `score_4`) when
    /// `request.explain`.
    ///
    /// ```sql
    /// SELECT …, alliance_rank("documents_fts", ?, ?, ?, ?, ?, ?) AS "score" FROM … WHERE …
    /// ORDER BY "score" DESC, d."id" LIMIT ? OFFSET ?
    /// ```
    func page(_ db: Database, request: SearchRequest) throws -> [Row] {
        let (sql, arguments) = source
        let columns = #"d."docid", d."id", d."type", d."title", d."aliases", d."issues", d."path", d."line", d."metadata""#
        let paging: StatementArguments = [max(0, request.limit), max(0, request.offset)]
        guard expression != nil else {
            return try Row.fetchAll(
                db, sql: "SELECT \(columns) \(sql) ORDER BY d.\"id\" LIMIT ? OFFSET ?", arguments: arguments + paging)
        }
        let placeholders = Array(repeating: "?", count: IndexSchema.ftsColumns.count + 1).joined(separator: ", ")
        let function = RankFunction.name
        var scoring = #"\#(function)("documents_fts", \#(placeholders)) AS "score""#
        var scoringArguments: StatementArguments = [plan.argument]
        scoringArguments += StatementArguments(request.weights.arguments)
        if request.explain {
            for column in IndexSchema.ftsColumns.indices {
                scoring += #", \#(function)("documents_fts", \#(placeholders)) AS "score_\#(column)""#
                scoringArguments += [plan.argument]
                scoringArguments += StatementArguments(IndexSchema.ftsColumns.indices.map { $0 == column ? request.weights.arguments[column] : 0.0 })
            }
        }
        return try Row.fetchAll(
            db, sql: "SELECT \(columns), \(scoring) \(sql) ORDER BY \"score\" DESC, d.\"id\" LIMIT ? OFFSET ?",
            arguments: scoringArguments + arguments + paging)
    }

    /// One of the best documents, as relevance feedback reads it.
    struct TopDocument {
        var score: Double
        var text: String
        var stemming: String
    }

    /// The `count` best documents with their scores and text:
    ///
    /// ```sql
    /// SELECT d."title", d."body", d."stemming", alliance_rank("documents_fts", ?, …) AS "score" FROM … WHERE …
    /// ORDER BY "score" DESC, d."id" LIMIT ?
    /// ```
    func top(_ db: Database, count: Int, weights: ColumnWeights) throws -> [TopDocument] {
        guard expression != nil else { return [] }
        let (sql, arguments) = source
        let placeholders = Array(repeating: "?", count: IndexSchema.ftsColumns.count + 1).joined(separator: ", ")
        let rows = try Row.fetchAll(
            db,
            sql: #"SELECT d."title", d."body", d."stemming", \#(RankFunction.name)("documents_fts", \#(placeholders)) AS "score" "#
                + sql + #" ORDER BY "score" DESC, d."id" LIMIT ?"#,
            arguments: [plan.argument] + StatementArguments(weights.arguments) + arguments + [count])
        return rows.map { row in
            TopDocument(score: row["score"], text: (row["title"] as String) + "\n" + (row["body"] as String), stemming: row["stemming"])
        }
    }

    /// The bodies of `docids` with the matched words marked by FTS5's `highlight()`; unmarked without an
    /// expression.
    ///
    /// FTS5 answers `MATCH ? AND "rowid" = ?` by seeking every phrase's doclist to that row, a fraction of a
    /// millisecond each: right for a page of ten. For a large page it is cheaper to walk the matches once and
    /// highlight only the page's rows:
    ///
    /// ```sql
    /// SELECT "rowid", CASE WHEN "rowid" IN (?, …) THEN highlight("documents_fts", 3, ?, ?) END
    /// FROM "documents_fts" WHERE "documents_fts" MATCH ?
    /// ```
    func markedBodies(_ db: Database, docids: [Int64]) throws -> [Int64: MarkedText] {
        guard !docids.isEmpty else { return [:] }
        let open = String(MarkedText.openMarker), close = String(MarkedText.closeMarker)
        var bodies: [Int64: MarkedText] = [:]
        guard let expression else {
            let list = Array(repeating: "?", count: docids.count).joined(separator: ", ")
            for row in try Row.fetchAll(
                db, sql: #"SELECT "docid", "body" FROM "documents" WHERE "docid" IN ("# + list + ")",
                arguments: StatementArguments(docids))
            {
                bodies[row["docid"]] = MarkedText(row["body"] ?? "")
            }
            return bodies
        }
        if docids.count <= Self.seekLimit {
            let statement = try db.cachedStatement(sql: """
                SELECT highlight("documents_fts", 3, ?, ?) FROM "documents_fts"
                WHERE "documents_fts" MATCH ? AND "rowid" = ?
                """)
            for docid in docids {
                let marked = try String.fetchOne(statement, arguments: [open, close, expression, docid])
                bodies[docid] = MarkedText(AllianceTokenizer.strippingMarker(marked ?? ""))
            }
            return bodies
        }
        let list = Array(repeating: "?", count: docids.count).joined(separator: ", ")
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT "rowid" AS "docid", CASE WHEN "rowid" IN (\(list)) THEN highlight("documents_fts", 3, ?, ?) END AS "body"
                FROM "documents_fts" WHERE "documents_fts" MATCH ?
                """,
            arguments: StatementArguments(docids) + [open, close, expression])
        while let row = try rows.next() {
            guard let body: String = row["body"] else { continue }
            bodies[row["docid"]] = MarkedText(AllianceTokenizer.strippingMarker(body))
            if bodies.count == docids.count { break }
        }
        return bodies
    }

    /// Pages up to this size are highlighted row by row; larger ones in one walk over the matches.
    static let seekLimit = 32

    /// Counts of one facet over every matching document, most frequent first, then by value.
    ///
    /// ```sql
    /// WITH "matches" AS (SELECT d."docid" FROM … WHERE …)
    /// SELECT value, count(*) FROM "matches" JOIN "documents" AS d USING ("docid"), json_each(d."metadata", '$.country')
    /// GROUP BY value
    /// ```
    func facet(_ db: Database, _ facet: Facet) throws -> [FacetCount] {
        let (sql, arguments) = source
        let matches = #"WITH "matches" AS (SELECT d."docid" AS "docid" \#(sql)) "#
        let joined = #"FROM "matches" JOIN "documents" AS d ON d."docid" = "matches"."docid""#
        let rows: [Row]
        switch facet {
        case .type:
            rows = try Row.fetchAll(db, sql: matches + #"SELECT d."type" AS "value", count(*) AS "count" \#(joined) GROUP BY 1"#, arguments: arguments)
        case .country, .lang:
            let key = facet == .country ? "country" : "languages"
            rows = try Row.fetchAll(
                db,
                sql: matches + #"SELECT CAST(je."value" AS TEXT) AS "value", count(*) AS "count" \#(joined), json_each(d."metadata", '$.\#(key)') AS je GROUP BY 1"#,
                arguments: arguments)
        case .year:
            rows = try Row.fetchAll(
                db,
                sql: matches + #"SELECT CAST(json_extract(d."metadata", '$.year') AS TEXT) AS "value", count(*) AS "count" \#(joined) WHERE json_extract(d."metadata", '$.year') IS NOT NULL GROUP BY 1"#,
                arguments: arguments)
        case .issues:
            var counts: [String: Int] = [:]
            for issues in try String.fetchAll(db, sql: matches + #"SELECT d."issues" \#(joined)"#, arguments: arguments) where !issues.isEmpty {
                for issue in Set(issues.components(separatedBy: "\n")) { counts[issue, default: 0] += 1 }
            }
            return counts.map { FacetCount(value: $0.key, count: $0.value) }.sorted { ($1.count, $0.value) < ($0.count, $1.value) }
        }
        return rows.map { FacetCount(value: $0["value"] ?? "", count: $0["count"]) }
            .sorted { ($1.count, $0.value) < ($0.count, $1.value) }
    }
}
