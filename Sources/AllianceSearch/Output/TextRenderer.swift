/// Renders results for a person reading a terminal.
///
/// ```
/// 3 results for "police brutality"
///
/// 1. Speak Out, Take Action: …
///    publication · speak-out-take-action · corpus/publications/speak-out-take-action.md · score 7.312
///    …voices against **police brutality**…
/// ```
public struct TextRenderer: Sendable {
    public var style: HighlightStyle

    public init(style: HighlightStyle) {
        self.style = style
    }

    public func render(_ results: SearchResults) -> String {
        let query = results.request.query
        guard results.total > 0 else { return "No results for \"\(query)\".\n" }
        var out = results.total == 1 ? "1 result" : "\(results.total) results"
        out += " for \"\(query)\""
        if results.hits.count < results.total, let first = results.hits.first, let last = results.hits.last {
            out += " (showing \(first.rank)–\(last.rank))"
        }
        out += "\n"
        for hit in results.hits {
            out += "\n\(hit.rank). \(style.open)\(hit.title)\(style.close)\n"
            let location = hit.line > 1 ? "\(hit.path):\(hit.line)" : hit.path
            out += "   \(hit.type) · \(hit.id) · \(location) · score \(formatScore(hit.score))\n"
            let snippet = hit.snippet.marked(open: style.open, close: style.close)
                .split(whereSeparator: \.isNewline).joined(separator: " ")
            if !snippet.isEmpty { out += "   \(snippet)\n" }
        }
        return out
    }

    private func formatScore(_ score: Double) -> String {
        let rounded = (score * 1000).rounded() / 1000
        return String(rounded)
    }
}
