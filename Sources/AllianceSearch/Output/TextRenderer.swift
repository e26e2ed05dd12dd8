/// Renders results for a person reading a terminal.
///
/// ```
/// 3 results for "domestic work"
///
/// 1. National Domestic Workers Movement (NDWM)
///    organisation · ndwm · corpus/organisations/ndwm.md · score 3.421
///    The National **Domestic** Workers Movement (NDWM) **works** with **domestic** workers in India…
/// ```
///
/// When `auto` mode relaxed the query, a line says so; a did-you-mean, facets and score explanations follow when
/// there are any. Warnings are not part of it: they go to stderr.
///
/// Everything that comes from documents or from the user (titles, ids, types, paths, fragments, facet values, the
/// query, the did-you-mean, concept names) goes through `TerminalText`, so that no control character in them reaches
/// the terminal; only the highlight style's own markers do.
public struct TextRenderer: Sendable {
    public var style: HighlightStyle

    public init(style: HighlightStyle) {
        self.style = style
    }

    /// `3, 7, 12` or, past eight pages, the first eight and how many more.
    static func pageList(_ pages: [Int]) -> String {
        let shown = pages.prefix(8).map { "p. \($0)" }.joined(separator: ", ")
        return pages.count > 8 ? shown + " and \(pages.count - 8) more" : shown
    }

    public func render(_ results: SearchResults) -> String {
        let query = Self.field(results.request.query)
        var out = ""
        if results.total == 0 {
            out = "No results for \"\(query)\".\n"
        } else {
            out = results.total == 1 ? "1 result" : "\(results.total) results"
            out += " for \"\(query)\""
            if results.hits.count < results.total, let first = results.hits.first, let last = results.hits.last {
                out += " (showing \(first.rank)–\(last.rank))"
            }
            out += "\n"
        }
        if results.question {
            out += "Read as a question: documents with any of its content words, the best first.\n"
        }
        if results.relaxed {
            out += "No document has all of the words; these have some of them, the most first.\n"
        }
        if let suggestion = results.suggestion {
            out += "Did you mean: \(Self.field(suggestion))\n"
        }
        if results.request.explain {
            for expansion in results.expansions {
                out += "Expanded \(Self.field(expansion.matched)) (issue \"\(Self.field(expansion.concept))\") to: "
                    + expansion.terms.map(Self.field).joined(separator: " | ") + "\n"
            }
            if !results.feedback.isEmpty {
                out += "Feedback from the best documents (RM3) also ranked by: "
                    + results.feedback.map { "\(Self.field($0.word)) \(Self.format($0.weight))" }.joined(separator: ", ") + "\n"
            }
        }
        for hit in results.hits {
            out += "\n\(hit.rank). \(style.open)\(Self.field(hit.title))\(style.close)\n"
            var location = hit.line > 1 ? "\(Self.field(hit.path)):\(hit.line)" : Self.field(hit.path)
            if let page = hit.page {
                let others = hit.pages.filter { $0 != page }
                location += " p. \(page)" + (others.isEmpty ? "" : " (also \(Self.pageList(others)))")
            }
            out += "   \(Self.field(hit.type)) · \(Self.field(hit.id)) · \(location) · score \(Self.format(hit.score))\n"
            let fragments = hit.snippets.map { snippet in
                // Made visible before it is marked: one scalar for one, so the highlights' offsets still hold.
                var visible = snippet
                visible.text = TerminalText.visible(snippet.text)
                let text = TerminalText.oneLine(visible.marked(open: style.open, close: style.close))
                let ends = text.last.map { ".!?।॥។".contains($0) } ?? true
                return (snippet.start > 0 ? "…" : "") + text + (ends ? "" : "…")
            }
            if !fragments.isEmpty { out += "   " + fragments.joined(separator: " ") + "\n" }
            if let explanation = hit.explanation {
                let weights = explanation.columns.map { "\($0.name) \(Self.format($0.weight))" }
                let alone = explanation.columns.map { "\($0.name) \(Self.format($0.bm25))" }
                out += "   explain: score \(Self.format(explanation.score)) = bm25 with column weights "
                    + weights.joined(separator: ", ") + "; each column alone: " + alone.joined(separator: ", ")
                    + " (FTS5 weighs term counts before they saturate, so the score is not a sum of these); mode \(explanation.mode)\n"
            }
        }
        let facets = Facet.allCases.compactMap { facet in results.facets[facet].map { (facet, $0) } }
        if !facets.isEmpty {
            out += "\nFacets over all \(results.total) matches:\n"
            for (facet, counts) in facets {
                let values = counts.isEmpty ? "none" : counts.map { "\(Self.field($0.value)) \($0.count)" }.joined(separator: ", ")
                out += "  \(facet.rawValue): \(values)\n"
            }
        }
        return out
    }

    /// Text from a document or the user, safe for a terminal and on one line.
    static func field(_ text: String) -> String {
        TerminalText.oneLine(TerminalText.visible(text))
    }

    static func format(_ value: Double) -> String {
        String((value * 1000).rounded() / 1000)
    }
}
