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

    /// One field, read and written as Unicode scalars, never `Character`s: "\r\n" is one `Character`, equal to
    /// neither "\n" nor "\r", and so is a comma or a quote followed by a combining mark. A field holding one was
    /// written unquoted (or its quote not doubled), which split or shifted the row for every CSV reader.
    private func field(_ value: String) -> String {
        var scalars = String.UnicodeScalarView()
        switch style {
        case .csv:
            guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
            scalars.append("\"")
            for scalar in value.unicodeScalars {
                scalars.append(scalar)
                if scalar == "\"" { scalars.append("\"") }
            }
            scalars.append("\"")
        case .tsv:
            var previous: Unicode.Scalar?
            for scalar in value.unicodeScalars {
                // A line break or a tab becomes one space; "\r\n" is one line break.
                if scalar == "\n", previous == "\r" { previous = scalar; continue }
                scalars.append(scalar == "\t" || scalar == "\n" || scalar == "\r" ? " " : scalar)
                previous = scalar
            }
        }
        return String(scalars)
    }
}
