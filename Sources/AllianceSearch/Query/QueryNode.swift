/// A parsed query: the tree the lenient parser builds from what the user typed.
///
/// Leaves hold the user's text as typed. Rendering (`MatchExpression`) turns every leaf into an FTS5 string, so no
/// text from the user is ever read by FTS5 as syntax.
public indirect enum QueryNode: Sendable, Hashable {
    /// A word; `prefix` when it ended with `*`.
    case term(String, prefix: Bool)
    /// Words in double quotes, matched as a phrase; `prefix` when a `*` followed the closing quote.
    case phrase(String, prefix: Bool)
    /// `NEAR(a b …, distance)`: the terms or phrases within `distance` tokens of each other.
    case near([QueryNode], distance: Int)
    /// `title:…`, `aliases:…`, `issues:…`, `body:…`: the operand matched in one column only.
    case field(QueryField, QueryNode)
    /// Every part must match (words side by side, or `AND`).
    case and([QueryNode])
    /// Any part may match (`OR`).
    case or([QueryNode])
    /// The part must not match (`-word`, `NOT word`); only meaningful inside an `and`.
    case not(QueryNode)

    /// The query written back in the query language, with every implicit `AND` and grouping made visible.
    public var description: String {
        switch self {
        case .term(let text, let prefix): return Self.quotedIfNeeded(text) + (prefix ? "*" : "")
        case .phrase(let text, let prefix): return "\"\(text)\"" + (prefix ? "*" : "")
        case .near(let items, let distance):
            return "NEAR(" + items.map(\.description).joined(separator: " ") + ", \(distance))"
        case .field(let field, let node): return "\(field.rawValue):" + node.groupedDescription
        case .and(let nodes): return nodes.map(\.groupedDescription).joined(separator: " AND ")
        case .or(let nodes): return nodes.map(\.groupedDescription).joined(separator: " OR ")
        case .not(let node): return "NOT " + node.groupedDescription
        }
    }

    private var groupedDescription: String {
        switch self {
        case .and(let nodes) where nodes.count > 1: "(\(description))"
        case .or(let nodes) where nodes.count > 1: "(\(description))"
        default: description
        }
    }

    private static func quotedIfNeeded(_ text: String) -> String {
        text.contains { $0 == " " || $0 == "(" || $0 == ")" || $0 == "\"" } ? "\"\(text)\"" : text
    }

    /// The words and phrases the user is looking for, leaving out the ones they excluded.
    public var positiveLeaves: [QueryNode] {
        switch self {
        case .term, .phrase: [self]
        case .near(let items, _): items
        case .field(_, let node): node.positiveLeaves
        case .and(let nodes), .or(let nodes): nodes.flatMap(\.positiveLeaves)
        case .not: []
        }
    }

    /// Whether the node is a plain list of words and phrases (possibly with exclusions), as natural-language
    /// questions are: the shape `--match any` and the `auto` fallback can loosen into an `OR`.
    public var isPlainList: Bool {
        switch self {
        case .term, .phrase: true
        case .and(let nodes): nodes.allSatisfy { node in
            switch node {
            case .term, .phrase, .not: true
            default: false
            }
        }
        default: false
        }
    }

    /// Whether a plain list reads as a question in natural language rather than as keywords: five words or more,
    /// two or more of them function words (`StopWords`), as in "what articles deal with time sharing". All its
    /// words together rarely occur in one document, and requiring them would lose most relevant ones, so `auto`
    /// ranks any of its content words instead.
    public var isQuestion: Bool {
        guard isPlainList, case .and(let nodes) = self else { return false }
        let words = nodes.compactMap { node -> String? in
            if case .term(let text, false) = node { return text }
            return nil
        }
        return words.count >= 5 && words.filter(StopWords.isStopWord).count >= 2
    }

    /// A plain list without its function words (`StopWords`), when content words remain: they would match almost
    /// every document and decide almost nothing. A question also loses its request words ("articles", "looking").
    public func withoutStopWords(question: Bool) -> QueryNode {
        guard case .and(let nodes) = self else { return self }
        let kept = nodes.filter { node in
            if case .term(let text, false) = node {
                return !StopWords.isStopWord(text) && !(question && StopWords.isRequestWord(text))
            }
            return true
        }
        let positives = kept.filter { if case .not = $0 { false } else { true } }
        if positives.isEmpty || kept.count == nodes.count { return self }
        return kept.count == 1 ? kept[0] : .and(kept)
    }

    /// The node with its ANDed words loosened into an OR, keeping exclusions: `a b -c` becomes `(a OR b) NOT c`.
    public var loosened: QueryNode {
        guard case .and(let nodes) = self else { return self }
        let positives = nodes.filter { if case .not = $0 { false } else { true } }
        let negatives = nodes.filter { if case .not = $0 { true } else { false } }
        guard positives.count > 1 else { return self }
        return negatives.isEmpty ? .or(positives) : .and([.or(positives)] + negatives)
    }
}

/// The FTS5 columns a field term can name.
public enum QueryField: String, Sendable, Hashable, CaseIterable {
    case title, aliases, issues, body
}
