import AllianceSearch
import Foundation

/// `GET /api/search` and the page's parameters, read into a `SearchRequest`.
///
/// The names are those of the CLI's options and of `--batch` JSON lines: `q`, `type`, `country`, `lang`, `issue`
/// (each repeatable, and the first three comma-separated too), `year_from`, `year_to`, `limit`, `offset`, `match`,
/// `fragments`, `facets` (comma-separated), and the flags `raw`, `strict`, `explain`, `expand`, `feedback`
/// (`1`/`true` or `0`/`false`). Values are bounded tighter than the CLI's, because anyone who can reach the server
/// can send them: a query of at most `maximumQueryLength` characters, `limit` up to `maximumLimit`, `offset` up to
/// `maximumOffset`.
public enum SearchParameters {
    public static let maximumQueryLength = 1_000
    public static let maximumLimit = 100
    public static let maximumOffset = 10_000

    /// `query`, when it is at most `maximumQueryLength` Unicode scalars long (the unit of offsets in results; a
    /// count of characters would let one grapheme cluster of thousands of marks through).
    ///
    /// - Throws: `ServerError` (400) naming `q`.
    public static func checkedQuery(_ query: String) throws -> String {
        guard query.unicodeScalars.count <= maximumQueryLength else {
            throw ServerError.badParameter("q", "is longer than \(maximumQueryLength) characters")
        }
        return query
    }

    /// Every parameter name the API knows.
    public static let names: Set<String> = [
        "q", "type", "country", "lang", "issue", "year_from", "year_to", "limit", "offset", "match", "fragments",
        "facets", "raw", "strict", "explain", "expand", "feedback",
    ]

    /// The request the parameters describe.
    ///
    /// - Parameter strict: Refuse a parameter the API does not know (the API does, so that a misspelt name is not
    ///   silently ignored; the page does not).
    /// - Throws: `ServerError` (400) naming the first bad parameter and saying what it must be.
    public static func request(from parameters: QueryString, strict: Bool = true) throws -> SearchRequest {
        if strict, let unknown = parameters.pairs.map(\.name).first(where: { !names.contains($0) }) {
            throw ServerError.badParameter(unknown, "is unknown; the parameters are \(fixed: names.sorted().joined(separator: ", "))")
        }
        let query = try checkedQuery(parameters.value("q") ?? "")
        func list(_ name: String, commas: Bool = true) -> [String] {
            parameters.values(name)
                .flatMap { commas ? $0.split(separator: ",").map(String.init) : [$0] }
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
            guard let text = parameters.value(name), !text.isEmpty else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw ServerError.badParameter(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
        func flag(_ name: String, default value: Bool) throws -> Bool {
            guard let text = parameters.value(name), !text.isEmpty else { return value }
            switch text.lowercased() {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw ServerError.badParameter(name, "must be true or false (1 or 0)")
            }
        }
        var match = MatchMode.auto
        if let text = parameters.value("match"), !text.isEmpty {
            guard let mode = MatchMode(rawValue: text) else { throw ServerError.badParameter("match", "must be all, any or auto") }
            match = mode
        }
        let facets = try list("facets").map { name in
            guard let facet = Facet(rawValue: name) else {
                throw ServerError.badParameter("facets", "names an unknown facet \(quoted: name); use type, country, lang, issues or year")
            }
            return facet
        }
        let years = 0...9_999
        return SearchRequest(
            query: query, limit: try integer("limit", in: 0...maximumLimit) ?? 10,
            offset: try integer("offset", in: 0...maximumOffset) ?? 0,
            filters: QueryFilters(
                types: list("type"), countries: list("country"), languages: list("lang"),
                issues: list("issue", commas: false), yearFrom: try integer("year_from", in: years),
                yearTo: try integer("year_to", in: years)),
            match: match, raw: try flag("raw", default: false), strict: try flag("strict", default: false),
            facets: facets, fragments: try integer("fragments", in: 1...10) ?? 1,
            explain: try flag("explain", default: false), expand: try flag("expand", default: true),
            feedback: try flag("feedback", default: true))
    }
}
