/// How matched words are marked in text output.
public enum HighlightStyle: Sendable, Hashable {
    /// ANSI bold, for a terminal.
    case bold
    /// `**word**`, readable in a file, a pipe or a log.
    case markers

    /// Bold on a terminal unless `NO_COLOR` is set to anything non-empty (<https://no-color.org>); markers otherwise.
    public static func detect(isTerminal: Bool, environment: [String: String]) -> HighlightStyle {
        isTerminal && (environment["NO_COLOR"] ?? "").isEmpty ? .bold : .markers
    }

    var open: String { self == .bold ? "\u{1B}[1m" : "**" }
    var close: String { self == .bold ? "\u{1B}[22m" : "**" }
}
