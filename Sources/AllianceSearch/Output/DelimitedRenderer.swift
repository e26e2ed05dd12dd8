/// Renders hits as CSV (RFC 4180) or TSV, one row per hit under a header row.
///
/// Columns: `rank, id, type, title, score, path, line, issues, snippet`. Issues are joined with `; `, fragments with
/// ` … `. CSV quotes a field holding a comma, a quote or a line break, doubling its quotes; TSV, which cannot quote,
/// writes tabs and line breaks inside a field as spaces.
public struct DelimitedRenderer: Sendable {
    public enum Style: Sendable { case csv, tsv }
    public var style: Style

    public init(style: Style) {
        self.style = style
    }

    public static let header = ["rank", "id", "type", "title", "score", "path", "line", "issues", "snippet"]

    public func render(_ results: SearchResults) -> String {
        var rows = [Self.header]
        for hit in results.hits {
            rows.append([
                String(hit.rank), hit.id, hit.type, hit.title, String(ResultDocument.rounded(hit.score)), hit.path,
                String(hit.line), hit.issues.joined(separator: "; "), hit.snippets.map(\.text).joined(separator: " … "),
            ])
        }
        // RFC 4180 ends CSV records with CRLF; TSV files end lines with LF.
        let separator = style == .csv ? "," : "\t"
        let newline = style == .csv ? "\r\n" : "\n"
        return rows.map { $0.map(field).joined(separator: separator) + newline }.joined()
    }

    private func field(_ value: String) -> String {
        switch style {
        case .csv:
            guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        case .tsv:
            return String(value.map { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
        }
    }
}
