import AllianceSearch
import Foundation

/// The search page (`GET /`): what Mustache's `search` template is given, built from the request and the results.
///
/// It asks the engine for the type, country and issue facets with the page of hits, and offers each value as a
/// link that adds (or removes) that filter; paging and did-you-mean are links too, so the page needs no script.
struct SearchPage {
    static let pageSize = 10
    static let facets: [(facet: Facet, parameter: String, heading: String)] = [
        (.type, "type", "Type"), (.country, "country", "Country"), (.issues, "issue", "Issue"),
    ]

    struct Pair { var name: String; var value: String }
    /// A filter in use: `label` for its link's `aria-label`, `heading` and `value` shown (the value isolated).
    struct Chip { var label: String; var heading: String; var value: String; var href: String }
    struct Suggestion { var text: String; var href: String }
    struct FacetValue { var value: String; var count: Int; var countLabel: String; var href: String; var active: Bool }
    struct FacetGroup { var key: String; var heading: String; var values: [FacetValue] }
    struct Hit {
        var title: String
        var href: String
        /// Type, country, year, issues and page, each value isolated (HTML).
        var detailsHTML: String
        var lang: String?
        var snippets: [String]
    }

    var pageTitle: String
    var query: String
    var hiddenFilters: [Pair]
    var hasQuery: Bool
    /// The heading, with the query isolated (HTML).
    var headingHTML = ""
    var summary = ""
    var notice: String?
    var suggestion: Suggestion?
    /// Warnings as HTML (`MessageText`): what they quote from the query is isolated.
    var warnings: [String] = []
    var activeFilters: [Chip] = []
    // Mustache reads stored properties only (through `Mirror`), so the flags the template tests are stored.
    var hasActiveFilters = false
    var facets: [FacetGroup] = []
    var hasFacets = false
    var hits: [Hit] = []
    var firstRank = 1
    var previous: String?
    var next: String?
    var pageLabel = ""
    var hasPages = false

    /// The link the page was reached by: its query, filters and offset.
    static func link(from parameters: QueryString) -> PageLink {
        let filters = PageLink.filterNames.flatMap { name in
            parameters.values(name).filter { !$0.isEmpty }.map { (name: name, value: $0) }
        }
        let offset = Int(parameters.value("offset") ?? "").map { min(max($0, 0), SearchParameters.maximumOffset) } ?? 0
        let match = parameters.value("match").flatMap { MatchMode(rawValue: $0) }.flatMap { $0 == .auto ? nil : $0.rawValue }
        return PageLink(query: parameters.value("q") ?? "", filters: filters, offset: offset, match: match)
    }

    /// The request the page runs: the link's query and filters, a page of ten, with the facets. Filter values are
    /// taken whole (a country may hold a comma).
    static func request(for link: PageLink) throws -> SearchRequest {
        func values(_ name: String) -> [String] { link.filters.filter { $0.name == name }.map(\.value) }
        return SearchRequest(
            query: try SearchParameters.checkedQuery(link.query), limit: pageSize, offset: link.offset,
            filters: QueryFilters(types: values("type"), countries: values("country"), issues: values("issue")),
            match: link.match.flatMap(MatchMode.init(rawValue:)) ?? .auto, facets: facets.map(\.facet))
    }

    /// The page before any search: the search box and how many documents there are.
    static func empty(documents: Int?) -> SearchPage {
        var page = SearchPage(pageTitle: "Search", query: "", hiddenFilters: [], hasQuery: false)
        if let documents { page.summary = "\(documents) documents are indexed." }
        return page
    }

    init(pageTitle: String, query: String, hiddenFilters: [Pair], hasQuery: Bool) {
        self.pageTitle = HTMLText.withoutBidiControls(pageTitle)
        self.query = query
        self.hiddenFilters = hiddenFilters
        self.hasQuery = hasQuery
    }

    /// One hit as the page lists it.
    static func hit(_ hit: SearchHit, query: String) -> Hit {
        // Each value isolated on its own: a U+202E in one country reorders no other.
        var details: [[String]] = [[hit.type]]
        if let country = hit.metadata["country"]?.textList, !country.isEmpty { details.append(country) }
        if let year = hit.metadata["year"]?.text { details.append([year]) }
        if !hit.issues.isEmpty { details.append(hit.issues) }
        var html = details.map { $0.map { HTMLText.isolated($0) }.joined(separator: ", ") }
        if let page = hit.page { html.append(hit.pages.count > 1 ? "p. \(page) (\(hit.pages.count) pages match)" : "p. \(page)") }
        return Hit(
            title: hit.title, href: PageLink.document(hit.id, query: query),
            detailsHTML: html.joined(separator: " · "), lang: hit.metadata["languages"]?.textList.first,
            snippets: hit.snippets.map { snippet in
                let ends = snippet.text.last.map { ".!?।॥។".contains($0) } ?? true
                return (snippet.start > 0 ? "…" : "") + HTMLText.marked(snippet) + (ends ? "" : "…")
            })
    }

    /// The page for a query the engine refuses: the query and filters kept in the form, and the reason.
    init(refused link: PageLink, reason: MessageText) {
        self.init(
            pageTitle: link.query, query: link.query,
            hiddenFilters: link.filters.map { Pair(name: $0.name, value: $0.value) }, hasQuery: true)
        headingHTML = Self.heading(link.query)
        summary = "This query cannot be run."
        warnings = [reason.html]
    }

    /// "Results for “…”", the query isolated; "Documents" without one.
    static func heading(_ query: String) -> String {
        query.isEmpty ? "Documents" : MessageText("Results for “\(input: query)”").html
    }

    init(results: SearchResults, link: PageLink) {
        let query = link.query
        self.init(
            pageTitle: query.isEmpty ? "Browse" : query, query: query,
            hiddenFilters: link.filters.map { Pair(name: $0.name, value: $0.value) }, hasQuery: true)
        headingHTML = Self.heading(query)
        let total = results.total
        if total == 0 {
            summary = "No document matches."
        } else if results.hits.isEmpty {
            summary = "\(total) results; this page is past the last of them."
        } else if let first = results.hits.first, let last = results.hits.last, results.hits.count < total {
            summary = "\(total) results; showing \(first.rank) to \(last.rank)."
        } else {
            summary = total == 1 ? "1 result." : "\(total) results."
        }
        if results.question {
            notice = "Read as a question: documents with any of its content words, the best first."
        } else if results.relaxed {
            notice = "No document has all of the words; these have some of them, the most first."
        }
        if let corrected = results.suggestion {
            var suggested = link
            suggested.query = corrected
            suggested.offset = 0
            suggestion = Suggestion(text: corrected, href: suggested.href)
        }
        warnings = results.warnings.map { MessageText(unmarked: $0.description).html }
        activeFilters = link.filters.map { filter in
            let heading = Self.facets.first { $0.parameter == filter.name }?.heading ?? filter.name
            return Chip(
                label: heading + ": " + filter.value, heading: heading, value: filter.value,
                href: link.toggling(filter.name, filter.value).href)
        }
        // A facet's count is over the documents this page matched, in the mode that matched them: its link searches
        // in that mode, so that it shows as many documents as it said (in `auto` a filter that leaves fewer than 3
        // would otherwise relax the search to any of the words).
        var pinned = link
        if !query.isEmpty { pinned.match = results.mode.rawValue }
        facets = Self.facets.compactMap { entry in
            let counts = results.facets[entry.facet] ?? []
            guard !counts.isEmpty else { return nil }
            let values = counts.prefix(12).map { count in
                FacetValue(
                    value: count.value, count: count.count, countLabel: count.count == 1 ? "result" : "results",
                    href: pinned.toggling(entry.parameter, count.value).href,
                    active: link.contains(entry.parameter, count.value))
            }
            return FacetGroup(key: entry.parameter, heading: entry.heading, values: Array(values))
        }
        hits = results.hits.map { Self.hit($0, query: query) }
        firstRank = link.offset + 1
        if link.offset > 0 {
            var previousLink = link
            previousLink.offset = max(0, link.offset - Self.pageSize)
            previous = previousLink.href
        }
        if link.offset + Self.pageSize < total, link.offset + Self.pageSize <= SearchParameters.maximumOffset {
            var nextLink = link
            nextLink.offset = link.offset + Self.pageSize
            next = nextLink.href
        }
        hasActiveFilters = !activeFilters.isEmpty
        hasFacets = !facets.isEmpty
        hasPages = previous != nil || next != nil
        let pages = max(1, (total + Self.pageSize - 1) / Self.pageSize)
        pageLabel = "Page \(min(link.offset / Self.pageSize + 1, pages)) of \(pages)"
        if results.hits.isEmpty && link.offset > 0 {
            var first = link
            first.offset = 0
            previous = first.href
            hasPages = true
        }
    }
}
