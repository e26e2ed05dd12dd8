import AllianceSearch
import Foundation

/// A document's view (`GET /documents/{id}?q=…`): its fields, and its whole text with the query's words marked.
struct DocumentPage {
    /// A field: its label, and its values isolated one by one (HTML).
    struct Field {
        var label: String
        var valueHTML: String

        init(_ label: String, _ values: [String], separator: String = ", ", suffix: String = "") {
            self.label = label
            valueHTML = values.map { HTMLText.isolated($0) }.joined(separator: HTMLText.escape(separator)) + HTMLText.escape(suffix)
        }
    }

    var pageTitle: String
    var query: String
    var hiddenFilters: [SearchPage.Pair] = []
    var backHref: String
    var title: String
    var lang: String?
    var fields: [Field]
    var bodyHTML: String
    // Stored, not computed: Mustache reads stored properties only.
    var hasMarks: Bool
    var markSummary: String
    /// For a PDF: the pages with a match, each a link to where that page starts in the text.
    var markedPages: [MarkedPage]
    var hasMarkedPages: Bool

    struct MarkedPage { var number: Int; var href: String }

    init(_ document: DocumentView, query: String) {
        pageTitle = HTMLText.withoutBidiControls(document.title)
        self.query = query
        backHref = PageLink(query: query).href
        title = document.title
        lang = document.metadata["languages"]?.textList.first
        var fields = [Field("Type", [document.type]), Field("Id", [document.id])]
        if !document.aliases.isEmpty { fields.append(Field("Also known as", document.aliases, separator: "; ")) }
        if !document.issues.isEmpty { fields.append(Field("Issues", document.issues, separator: "; ")) }
        for key in ["country", "languages", "year", "author", "date", "pages", "source"] {
            guard let value = document.metadata[key] else { continue }
            let values = (value.textList.isEmpty ? [value.text ?? ""] : value.textList).filter { !$0.isEmpty }
            if !values.isEmpty { fields.append(Field(key.prefix(1).uppercased() + key.dropFirst(), values)) }
        }
        fields.append(Field("Source file", [document.path], suffix: document.line > 1 ? ":\(document.line)" : ""))
        self.fields = fields
        bodyHTML = Self.html(document)
        let pages = Set(document.body.ranges.compactMap { Document.page(at: $0.lowerBound, pageStarts: document.pageStarts) })
        markedPages = pages.sorted().map { MarkedPage(number: $0, href: "#page-\($0)") }
        hasMarkedPages = !markedPages.isEmpty
        let marks = document.body.ranges.count
        hasMarks = marks > 0
        markSummary = marks == 1 ? "1 match is marked." : "\(marks) matches are marked."
    }

    /// The text with its matches marked and numbered, isolated; a PDF's pages each in a section headed by its
    /// number, so that a reader (and a link, `#page-12`) can tell where a match is.
    static func html(_ document: DocumentView) -> String {
        let text = document.body.text
        guard !document.pageStarts.isEmpty else {
            return HTMLText.isolated(markup: HTMLText.marked(text, ranges: document.body.ranges, numbered: true))
        }
        let scalars = Array(text.unicodeScalars)
        var html = ""
        var numbering = 1
        for (index, start) in document.pageStarts.enumerated() {
            let end = index + 1 < document.pageStarts.count ? document.pageStarts[index + 1] : scalars.count
            let lower = min(start, scalars.count), upper = min(max(end, lower), scalars.count)
            let ranges = document.body.ranges
                .filter { $0.lowerBound >= lower && $0.lowerBound < upper }
                .map { ($0.lowerBound - lower)..<(min($0.upperBound, upper) - lower) }
            html += "<section class=\"page\" id=\"page-\(index + 1)\" aria-label=\"Page \(index + 1)\">"
                + "<p class=\"page-number\">p. \(index + 1)</p>"
                + HTMLText.isolated(markup: HTMLText.marked(String(String.UnicodeScalarView(scalars[lower..<upper])), ranges: ranges, numbering: numbering))
                + "</section>"
            numbering += ranges.count
        }
        return html
    }
}
