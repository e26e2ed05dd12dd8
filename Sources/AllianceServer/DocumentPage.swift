import AllianceSearch
import Foundation

/// A document's view (`GET /documents/{id}?q=…`): its fields, and its whole text with the query's words marked.
struct DocumentPage {
    struct Field { var label: String; var value: String }

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

    init(_ document: DocumentView, query: String) {
        pageTitle = document.title
        self.query = query
        backHref = PageLink(query: query).href
        title = document.title
        lang = document.metadata["languages"]?.textList.first
        var fields = [Field(label: "Type", value: document.type), Field(label: "Id", value: document.id)]
        if !document.aliases.isEmpty { fields.append(Field(label: "Also known as", value: document.aliases.joined(separator: "; "))) }
        if !document.issues.isEmpty { fields.append(Field(label: "Issues", value: document.issues.joined(separator: "; "))) }
        for key in ["country", "languages", "year", "author", "date", "pages", "source"] {
            guard let value = document.metadata[key] else { continue }
            let text = value.textList.isEmpty ? (value.text ?? "") : value.textList.joined(separator: ", ")
            if !text.isEmpty { fields.append(Field(label: key.prefix(1).uppercased() + key.dropFirst(), value: text)) }
        }
        fields.append(Field(label: "Source file", value: document.line > 1 ? "\(document.path):\(document.line)" : document.path))
        self.fields = fields
        bodyHTML = HTMLText.marked(document.body.text, ranges: document.body.ranges, numbered: true)
        let marks = document.body.ranges.count
        hasMarks = marks > 0
        markSummary = marks == 1 ? "1 match is marked." : "\(marks) matches are marked."
    }
}
