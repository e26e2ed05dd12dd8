import GRDB

/// Restrictions on which documents may match, from filter terms (`type:`, `country:`, `lang:`, `issue:`, `year:`)
/// and from the matching command-line options. They do not score.
///
/// Values of one filter are alternatives (`type:organisation type:publication`); different filters must all hold.
/// Comparisons ignore case. Country and language read the document's metadata, which may hold one value or a list.
public struct QueryFilters: Sendable, Hashable {
    public var types: [String] = []
    public var countries: [String] = []
    public var languages: [String] = []
    public var issues: [String] = []
    public var yearFrom: Int?
    public var yearTo: Int?

    public init(
        types: [String] = [], countries: [String] = [], languages: [String] = [], issues: [String] = [],
        yearFrom: Int? = nil, yearTo: Int? = nil
    ) {
        self.types = types
        self.countries = countries
        self.languages = languages
        self.issues = issues
        self.yearFrom = yearFrom
        self.yearTo = yearTo
    }

    public var isEmpty: Bool { self == QueryFilters() }

    /// The values of the listed filters (`type`, `country`, `lang`, `issue`), counted against `QueryLimits.filters`.
    public var valueCount: Int { types.count + countries.count + languages.count + issues.count }

    /// The filters with every value read as query text is (`QueryText`): in NFC, as documents' metadata is stored,
    /// without the index's own markers.
    var normalized: QueryFilters {
        let text = { (values: [String]) in values.map { QueryText.normalized($0).text } }
        return QueryFilters(
            types: text(types), countries: text(countries), languages: text(languages), issues: text(issues),
            yearFrom: yearFrom, yearTo: yearTo)
    }

    /// Whether the year bounds leave no year at all (`year:2010..2000`, or two year filters that do not overlap).
    public var yearsConflict: Bool {
        if let yearFrom, let yearTo { return yearFrom > yearTo }
        return false
    }

    /// Both sets of restrictions: lists are joined, year bounds narrowed.
    public func merged(with other: QueryFilters) -> QueryFilters {
        QueryFilters(
            types: types + other.types, countries: countries + other.countries, languages: languages + other.languages,
            issues: issues + other.issues,
            yearFrom: [yearFrom, other.yearFrom].compactMap { $0 }.max(),
            yearTo: [yearTo, other.yearTo].compactMap { $0 }.min())
    }

    /// The filters as `AND …` conditions on the `documents` table aliased `d`, with their bound values.
    ///
    /// ```sql
    /// AND lower(d."type") IN (?, …)
    /// AND EXISTS (SELECT 1 FROM json_each(d."metadata", '$.country') WHERE lower(json_each."value") IN (?, …))
    /// AND instr(char(10) || lower(d."issues") || char(10), char(10) || ? || char(10)) > 0   -- one per issue, ORed
    /// AND CAST(json_extract(d."metadata", '$.year') AS INTEGER) BETWEEN ? AND ?
    /// ```
    ///
    /// `issueExpressions` maps a lower-cased issue name to the FTS5 expression of its concept's terms: a document
    /// then passes the `issue` filter when it carries the tag **or** its text names the issue in any language,
    /// `… OR d."docid" IN (SELECT "rowid" FROM "documents_fts" WHERE "documents_fts" MATCH ?)`.
    func sql(issueExpressions: [String: String] = [:]) -> (String, StatementArguments) {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        func placeholders(_ values: [String]) -> String {
            Array(repeating: "?", count: values.count).joined(separator: ", ")
        }
        let lowered = { (values: [String]) in values.map { $0.lowercased() } }
        if !types.isEmpty {
            clauses.append(#"lower(d."type") IN ("# + placeholders(types) + ")")
            arguments += StatementArguments(lowered(types))
        }
        for (key, values) in [("country", countries), ("languages", languages)] where !values.isEmpty {
            clauses.append(
                #"EXISTS (SELECT 1 FROM json_each(d."metadata", '$.\#(key)') WHERE lower(json_each."value") IN ("#
                    + placeholders(values) + "))")
            arguments += StatementArguments(lowered(values))
        }
        if !issues.isEmpty {
            let tagged = #"instr(char(10) || lower(d."issues") || char(10), char(10) || ? || char(10)) > 0"#
            let named = #"d."docid" IN (SELECT "rowid" FROM "documents_fts" WHERE "documents_fts" MATCH ?)"#
            var alternatives: [String] = []
            for issue in lowered(issues) {
                alternatives.append(tagged)
                arguments += [issue]
                if let expression = issueExpressions[issue] {
                    alternatives.append(named)
                    arguments += [expression]
                }
            }
            clauses.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        if yearFrom != nil || yearTo != nil {
            clauses.append(#"CAST(json_extract(d."metadata", '$.year') AS INTEGER) BETWEEN ? AND ?"#)
            arguments += [yearFrom ?? Int.min, yearTo ?? Int.max]
        }
        return (clauses.map { " AND " + $0 }.joined(), arguments)
    }

    /// The filters as a JSON-friendly dictionary, for the output contract.
    public var summary: [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        if !types.isEmpty { result["type"] = .array(types.map(JSONValue.string)) }
        if !countries.isEmpty { result["country"] = .array(countries.map(JSONValue.string)) }
        if !languages.isEmpty { result["lang"] = .array(languages.map(JSONValue.string)) }
        if !issues.isEmpty { result["issue"] = .array(issues.map(JSONValue.string)) }
        if let yearFrom { result["year_from"] = .int(yearFrom) }
        if let yearTo { result["year_to"] = .int(yearTo) }
        return result
    }
}
