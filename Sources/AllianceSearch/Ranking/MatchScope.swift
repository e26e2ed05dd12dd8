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

    /// `SELECT count(*) FROM … WHERE …`; without filters, over the FTS5 table alone (every row of it has its
    /// document, the triggers see to that), so that no document row is read.
    func count(_ db: Database) throws -> Int {
        if let expression, filters.isEmpty {
            return try Int.fetchOne(
                db, sql: #"SELECT count(*) FROM "documents_fts" WHERE "documents_fts" MATCH ?"#, arguments: [expression]) ?? 0
        }
        let (sql, arguments) = source
        return try Int.fetchOne(db, sql: "SELECT count(*) \(sql)", arguments: arguments) ?? 0
    }

    /// A match with its score, and each column's own score when asked (`--explain`).
    struct Ranked {
        var docid: Int64
        var score: Double
        var columnScores: [Double] = []
    }

    /// The best `count` matches, by score, then by id, without reading the documents of the others.
    ///
    /// FTS5 offers no top-k pruning: `ORDER BY … LIMIT` scores every match. Two things keep that cheap. When the
    /// expression has several groups, MaxScore (`pruned(_:weights:count:)`) ranks only the rows that hold its
    /// heaviest groups, when that is provably enough. And the matches are ranked on the FTS5 table alone
    /// (`rank(_:_:plan:weights:explain:limit:)`), never joining `documents`, whose rows hold the bodies, often in
    /// overflow pages. Only the candidates' ids are read, to break ties. When the score at the cut is shared by
    /// the next match, every match with that score is a candidate, so the order by id stays exact. Filters need
    /// the documents' fields: with filters, the join stays. `explain` ranks every match, unpruned.
    func ranking(_ db: Database, weights: ColumnWeights, count: Int, explain: Bool) throws -> [Ranked] {
        guard let expression, count > 0 else { return [] }
        let limit = count == Int.max ? count : count + 1
        var searched = (expression: expression, plan: plan), candidates: [Ranked]
        if !explain, count < Int.max, let pruned = try pruned(db, weights: weights, count: count) {
            (searched, candidates) = ((pruned.expression, pruned.plan), pruned.ranked)
        } else {
            candidates = try rank(db, expression, plan: plan, weights: weights, explain: explain, limit: limit)
        }
        if candidates.count > count, candidates[count - 1].score == candidates[count].score {
            // A tie across the cut: every match with that score competes, by id.
            let cut = candidates[count - 1].score
            candidates = try rank(db, searched.expression, plan: searched.plan, weights: weights, explain: explain, limit: nil).prefix { $0.score >= cut }.map { $0 }
        } else if candidates.count > count {
            candidates.removeLast()
        }
        var ids: [Int64: String] = [:]
        for row in try Row.fetchAll(
            db, sql: #"SELECT "docid", "id" FROM "documents" WHERE "docid" IN (SELECT "value" FROM json_each(?))"#,
            arguments: [Self.jsonList(candidates.map(\.docid))])
        {
            ids[row["docid"]] = row["id"]
        }
        // By score, then by id in SQLite's order (bytes), as `ORDER BY "score" DESC, d."id"` would.
        candidates.sort { a, b in
            if a.score != b.score { return a.score > b.score }
            return (ids[a.docid] ?? "").utf8.lexicographicallyPrecedes((ids[b.docid] ?? "").utf8)
        }
        return Array(candidates.prefix(count))
    }

    /// The matches of `expression`, scored with `plan`, best first, `limit` of them (all for `nil`):
    ///
    /// ```sql
    /// SELECT "rowid", alliance_rank("documents_fts", ?, ?, ?, ?, ?, ?) AS "score" FROM "documents_fts"
    /// WHERE "documents_fts" MATCH ? ORDER BY "score" DESC LIMIT ?
    /// ```
    private func rank(
        _ db: Database, _ expression: String, plan: RankingPlan, weights: ColumnWeights, explain: Bool, limit: Int?
    ) throws -> [Ranked] {
        let placeholders = Array(repeating: "?", count: IndexSchema.ftsColumns.count + 1).joined(separator: ", ")
        let function = RankFunction.name
        var scoring = #"\#(function)("documents_fts", \#(placeholders)) AS "score""#
        var scoringArguments: StatementArguments = [plan.argument]
        scoringArguments += StatementArguments(weights.arguments)
        if explain {
            for column in IndexSchema.ftsColumns.indices {
                scoring += #", \#(function)("documents_fts", \#(placeholders)) AS "score_\#(column)""#
                scoringArguments += [plan.argument]
                scoringArguments += StatementArguments(IndexSchema.ftsColumns.indices.map { $0 == column ? weights.arguments[column] : 0.0 })
            }
        }
        var from = #"SELECT "documents_fts"."rowid" AS "docid", \#(scoring) FROM "documents_fts" WHERE "documents_fts" MATCH ?"#
        var fromArguments: StatementArguments = [expression]
        if !filters.isEmpty {
            var scope = self
            scope.expression = expression
            let (sql, arguments) = scope.source
            from = #"SELECT d."docid" AS "docid", \#(scoring) "# + sql
            fromArguments = arguments
        }
        let sql = from + #" ORDER BY "score" DESC"# + (limit == nil ? "" : " LIMIT ?")
        let arguments = scoringArguments + fromArguments + (limit.map { [$0] } ?? [])
        return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { row in
            Ranked(
                docid: row["docid"], score: row["score"],
                columnScores: explain ? IndexSchema.ftsColumns.indices.map { row["score_\($0)"] } : [])
        }
    }

    /// MaxScore pruning (Turtle and Flood, 1995) for a ranking of `count`: the matches are ranked within those
    /// that contain one of the heaviest groups, and that is the answer when the `count`-th score there is more
    /// than all the other groups together could add (`RankingPlan.groupBounds(rows:)`): a row with none of the
    /// heaviest groups scores less than that.
    ///
    /// A question of four words, one of them in a third of the corpus, is ranked over the rows of its rarer
    /// words, not over a hundred thousand rows:
    ///
    /// ```sql
    /// … WHERE "documents_fts" MATCH '(<expression>) AND (<phrases of the heaviest groups>)'
    /// ORDER BY "score" DESC LIMIT ?
    /// ```
    ///
    /// The first try takes the heaviest groups until they are in a few times `count` rows. Its `count`-th score
    /// is a floor for the final one (it ranks a subset), so the second try takes just enough groups for the
    /// others' bounds to fall below that floor. The added phrases join the plan in a group of weight 0, so the
    /// scores are those of the whole expression. Returns the expression and plan used, and the rows; `nil` when
    /// pruning does not apply or would not pay (the groups needed are in half the rows or more).
    func pruned(_ db: Database, weights: ColumnWeights, count: Int) throws -> (expression: String, plan: RankingPlan, ranked: [Ranked])? {
        guard let expression, weights.arguments.allSatisfy({ $0 >= 0 }),
            let groups = plan.groupBounds(rows: try IndexSchema.documentCount(db)), groups.count > 1
        else { return nil }
        let everything = groups.reduce(0) { $0 + $1.documents }
        // rest[i]: what the groups after the first i can add at most.
        var rest = [Double](repeating: 0, count: groups.count + 1)
        for index in groups.indices.reversed() { rest[index] = rest[index + 1] + groups[index].bound }
        var documents = [0]
        for group in groups { documents.append(documents.last! + group.documents) }

        func attempt(_ taken: Int) throws -> (String, RankingPlan, [Ranked])? {
            guard taken < groups.count, documents[taken] * 2 <= everything else { return nil }
            var restricted = plan
            let silent = restricted.addGroup(weight: 0)
            var phrases: [String] = []
            for phrase in groups[..<taken].flatMap(\.phrases) where !phrases.contains(phrase) { phrases.append(phrase) }
            for _ in phrases { restricted.phrases.append(.init(group: silent, weight: 0, documents: 0)) }
            let sql = "(" + expression + ") AND (" + phrases.joined(separator: " OR ") + ")"
            return (sql, restricted, try rank(db, sql, plan: restricted, weights: weights, explain: false, limit: count + 1))
        }
        var taken = 1
        while taken < groups.count - 1, documents[taken] / 4 < count { taken += 1 }
        guard let first = try attempt(taken) else { return nil }
        guard first.2.count >= count else { return nil }
        let floor = first.2[count - 1].score
        if floor > rest[taken] { return first }
        // The fewest groups whose rest is below the floor.
        guard let needed = (taken..<groups.count).first(where: { rest[$0] < floor }), let second = try attempt(needed),
            second.2.count >= count, second.2[count - 1].score > rest[needed]
        else { return nil }
        return second
    }

    /// `values` as one JSON array, bound to `IN (SELECT "value" FROM json_each(?))`: one argument however many
    /// there are (SQLite takes at most 32,766 `?` in a statement).
    static func jsonList(_ values: [Int64]) -> String {
        "[" + values.map(String.init).joined(separator: ",") + "]"
    }

    /// One page of hits, best first, ties broken by id; with each column's own score (`score_0` … `score_4`) when
    /// `request.explain`. The matches are ranked by `ranking(_:weights:count:explain:)`; the page's documents are
    /// then read by docid:
    ///
    /// ```sql
    /// SELECT d."docid", d."id", … FROM "documents" AS d WHERE d."docid" IN (…)
    /// ```
    func page(_ db: Database, request: SearchRequest) throws -> [Row] {
        let columns = #"d."docid", d."id", d."type", d."title", d."aliases", d."issues", d."path", d."line", d."metadata", d."pages""#
        guard expression != nil else {
            let (sql, arguments) = source
            let paging: StatementArguments = [max(0, request.limit), max(0, request.offset)]
            return try Row.fetchAll(
                db, sql: "SELECT \(columns) \(sql) ORDER BY d.\"id\" LIMIT ? OFFSET ?", arguments: arguments + paging)
        }
        let limit = max(0, request.limit), offset = max(0, request.offset)
        guard limit > 0 else { return [] }
        let (count, overflow) = offset.addingReportingOverflow(limit)
        guard !overflow else { return [] }
        let ranked = Array(try ranking(db, weights: request.weights, count: count, explain: request.explain).dropFirst(offset))
        guard !ranked.isEmpty else { return [] }
        var documents: [Int64: Row] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT \(columns) FROM \"documents\" AS d WHERE d.\"docid\" IN (SELECT \"value\" FROM json_each(?))",
            arguments: [Self.jsonList(ranked.map(\.docid))])
        {
            documents[row["docid"]] = row
        }
        // Every row of the FTS5 table has its document (the triggers see to that): one missing was lost to damage,
        // which SQLite does not always notice while reading. The search says so rather than show a short page.
        guard ranked.allSatisfy({ documents[$0.docid] != nil }) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "a document the full-text index names is missing")
        }
        return ranked.compactMap { match in
            guard let document = documents[match.docid] else { return nil }
            var values: [String: (any DatabaseValueConvertible)?] = [:]
            for (column, value) in document { values[column] = value }
            values["score"] = match.score
            for (index, score) in match.columnScores.enumerated() { values["score_\(index)"] = score }
            return Row(values)
        }
    }

    /// One of the best documents, as relevance feedback reads it.
    struct TopDocument {
        var score: Double
        var text: String
        var stemming: String
    }

    /// The `count` best documents with their scores and text (`ranking(_:weights:count:explain:)`, then
    /// `SELECT "docid", "title", "body", "stemming" FROM "documents" WHERE "docid" IN (…)`).
    func top(_ db: Database, count: Int, weights: ColumnWeights) throws -> [TopDocument] {
        let ranked = try ranking(db, weights: weights, count: count, explain: false)
        guard !ranked.isEmpty else { return [] }
        var texts: [Int64: (String, String)] = [:]
        for row in try Row.fetchAll(
            db, sql: #"SELECT "docid", "title", "body", "stemming" FROM "documents" WHERE "docid" IN (SELECT "value" FROM json_each(?))"#,
            arguments: [Self.jsonList(ranked.map(\.docid))])
        {
            texts[row["docid"]] = ((row["title"] as String) + "\n" + (row["body"] as String), row["stemming"])
        }
        return ranked.compactMap { match in
            texts[match.docid].map { TopDocument(score: match.score, text: $0.0, stemming: $0.1) }
        }
    }

    /// The bodies of `docids` with the matched words marked by FTS5's `highlight()`; unmarked without an
    /// expression.
    ///
    /// FTS5 answers `MATCH ? AND "rowid" = ?` by seeking every phrase's doclist to that row, a fraction of a
    /// millisecond each: right for a page of ten. For a large page it is cheaper to walk the matches once and
    /// highlight only the page's rows; and for an expression with a prefix always, since FTS5 reads every word the
    /// prefix starts again for each statement (`a*` on 100,000 documents: 0.2 s a row):
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
        if docids.count <= Self.seekLimit, ExpressionShape(expression).prefixes == 0 {
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

    /// Counts of each of `facets` over every matching document, most frequent first, then by value, in one
    /// statement: the matches are found once (a materialized CTE) and every facet counts over them, where a
    /// statement per facet would run the FTS5 query again for each.
    ///
    /// ```sql
    /// WITH "matches" AS MATERIALIZED (SELECT d."type", d."metadata", d."issues" FROM … WHERE …)
    /// SELECT 'type', "type", count(*) FROM "matches" GROUP BY 2
    /// UNION ALL SELECT 'country', CAST(je."value" AS TEXT), count(*) FROM "matches", json_each("metadata", '$.country') AS je GROUP BY 2
    /// UNION ALL SELECT 'issues', "issues", count(*) FROM "matches" WHERE "issues" <> '' GROUP BY 2   -- split here
    /// ```
    func facets(_ db: Database, _ facets: [Facet]) throws -> [Facet: [FacetCount]] {
        guard !facets.isEmpty else { return [:] }
        let (sql, arguments) = source
        var parts: [String] = []
        for facet in Set(facets).sorted(by: { $0.rawValue < $1.rawValue }) {
            switch facet {
            case .type:
                parts.append(#"SELECT 'type' AS "facet", "type" AS "value", count(*) AS "count" FROM "matches" GROUP BY 2"#)
            case .country, .lang:
                let key = facet == .country ? "country" : "languages"
                parts.append(#"SELECT '\#(facet.rawValue)', CAST(je."value" AS TEXT), count(*) FROM "matches", json_each("matches"."metadata", '$.\#(key)') AS je GROUP BY 2"#)
            case .year:
                parts.append(#"SELECT 'year', CAST(json_extract("metadata", '$.year') AS TEXT), count(*) FROM "matches" WHERE json_extract("metadata", '$.year') IS NOT NULL GROUP BY 2"#)
            case .issues:
                // The issues of a document are one text, a line each: grouped here, split and added up below.
                parts.append(#"SELECT 'issues', "issues", count(*) FROM "matches" WHERE "issues" <> '' GROUP BY 2"#)
            }
        }
        let statement = #"WITH "matches" AS MATERIALIZED (SELECT d."type" AS "type", d."metadata" AS "metadata", d."issues" AS "issues" \#(sql)) "#
            + parts.joined(separator: " UNION ALL ")
        var counts: [Facet: [String: Int]] = [:]
        for row in try Row.fetchAll(db, sql: statement, arguments: arguments) {
            guard let name: String = row[0], let facet = Facet(rawValue: name) else { continue }
            let value: String = row[1] ?? ""
            let count: Int = row[2]
            if facet == .issues {
                for issue in Set(value.components(separatedBy: "\n")) where !issue.isEmpty { counts[facet, default: [:]][issue, default: 0] += count }
            } else {
                counts[facet, default: [:]][value, default: 0] += count
            }
        }
        var result: [Facet: [FacetCount]] = [:]
        for facet in facets {
            result[facet] = (counts[facet] ?? [:]).map { FacetCount(value: $0.key, count: $0.value) }
                .sorted { ($1.count, $0.value) < ($0.count, $1.value) }
        }
        return result
    }
}
