import Foundation

/// Reads what a user typed into a `ParsedQuery`. It never fails.
///
/// The language: words are ANDed; `"exact phrase"`; `OR`; `-word` and `NOT word`; `prefix*`; parentheses;
/// `NEAR(a b, N)`; field terms `title:`, `aliases:`, `issues:`, `body:`; filter terms `type:`, `country:`,
/// `lang:`, `issue:`, `year:2004`, `year:2000..2010`. Operators are upper-case, so `or` and `not` typed in a sentence
/// stay words.
///
/// Like tantivy's lenient parser, it always returns a query and lists what it ignored or reinterpreted: an unclosed
/// quote or parenthesis is closed at the end, a stray `)` or operator is dropped, an unknown `field:` prefix is read as
/// text, a filter with a value it cannot read is ignored.
///
/// It keeps within `QueryLimits` the same way: text past `QueryLimits.length`, parentheses deeper than
/// `QueryLimits.depth` (read as if they were not there), different words and phrases past `QueryLimits.terms`
/// and filter values past `QueryLimits.filters` are ignored; prefixes past `QueryLimits.prefixes`, or shorter
/// than `QueryLimits.prefixLength`, are read as whole words. A word repeated is not counted again: `MatchExpression`
/// searches it once.
public struct QueryParser {
    private let chars: [Character]
    private var index = 0
    private var warnings: [QueryWarning] = []
    private var filters = QueryFilters()
    /// Filter values the request gave before the query's own (`SearchRequest.filters`).
    private var filterValues = 0

    /// The default distance of `NEAR(a b)`, as in FTS5.
    public static let defaultNearDistance = 10
    /// The words and phrases counted against `QueryLimits.terms`, lower-cased, and the prefixes against
    /// `QueryLimits.prefixes`.
    private var leaves: Set<String> = []
    private var prefixes: Set<String> = []
    private var leafCount = 0
    private var warnedDepth = false
    private var warnedUnclosed = false
    private var sawOr = false
    private var warnedLeaves = false
    private var warnedPrefixes: Set<String> = []
    private var warnedFilters = false

    /// The query is read in Unicode NFC, as documents are indexed, so composed and decomposed accents match
    /// (`QueryText`). `filterValues` is the number of filter values the request already has, which the query's own
    /// count against `QueryLimits.filters`.
    public static func parse(_ text: String, filterValues: Int = 0) -> ParsedQuery {
        let (read, changes) = QueryText.lenient(text)
        var parser = QueryParser(text: read)
        parser.warnings = changes + parser.warnings
        parser.filterValues = filterValues
        let node = parser.parseOr(depth: 0).map(Self.simplified)
        if parser.sawOr, parser.filters != QueryFilters() {
            parser.warnings.append(QueryWarning(position: 0, message: "filter terms apply to the whole query, not to one side of an OR"))
        }
        return ParsedQuery(node: node, filters: parser.filters, warnings: parser.warnings)
    }

    /// The parser reads Unicode scalars, one `Character` each: a `"` or `(` followed by a combining mark is still
    /// a quote or a parenthesis, never hidden inside a grapheme cluster where FTS5 would see it and the parser not.
    private init(text: String) {
        var cleaned: [Character] = []
        var dropped: Int?
        for (offset, character) in text.unicodeScalars.map(Character.init).enumerated() {
            if character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control }) {
                if character.isWhitespace { cleaned.append(" ") } else if dropped == nil { dropped = offset }
            } else {
                cleaned.append(character)
            }
        }
        chars = cleaned
        if let dropped { warnings.append(QueryWarning(position: dropped, message: "control characters were ignored")) }
    }

    // MARK: Grammar

    /// `a b OR c d`: alternatives of AND lists.
    private mutating func parseOr(depth: Int) -> QueryNode? {
        var alternatives: [QueryNode] = []
        var current: [QueryNode] = []
        var pendingOr: Int?
        while true {
            skipSpaces()
            guard index < chars.count else { break }
            if chars[index] == ")" {
                if depth > 0 { break }
                warn("a ')' without a matching '(' was ignored")
                index += 1
                continue
            }
            if isOperator("OR") {
                if current.isEmpty { warn("'OR' with nothing before it was ignored") } else {
                    alternatives.append(.and(current))
                    current = []
                }
                pendingOr = index
                sawOr = true
                index += 2
                continue
            }
            if isOperator("AND") {
                if current.isEmpty { warn("'AND' with nothing before it was ignored") }
                index += 3
                continue
            }
            if let node = parseUnary(depth: depth) { current.append(node) }
            pendingOr = nil
        }
        if !current.isEmpty {
            alternatives.append(.and(current))
        } else if let pendingOr {
            warnings.append(QueryWarning(position: pendingOr, message: "'OR' with nothing after it was ignored"))
        }
        switch alternatives.count {
        case 0: return nil
        case 1: return alternatives[0]
        default: return .or(alternatives)
        }
    }

    /// `NOT x`, `-x`, or a primary.
    private mutating func parseUnary(depth: Int) -> QueryNode? {
        let start = index
        if isOperator("NOT") {
            index += 3
            skipSpaces()
            if isOperator("NOT") {
                warnings.append(QueryWarning(position: start, message: "'NOT NOT' cancels out; both were ignored"))
                index += 3
                return nil
            }
            if isFilterTerm() { return ignoredNegatedFilter(at: start) }
            guard index < chars.count, chars[index] != ")", let operand = parsePrimary(depth: depth) else {
                warnings.append(QueryWarning(position: start, message: "'NOT' with nothing after it was ignored"))
                return nil
            }
            return .not(operand)
        }
        if chars[index] == "-" {
            index += 1
            guard index < chars.count, !chars[index].isWhitespace, chars[index] != ")", chars[index] != "-" else {
                warnings.append(QueryWarning(position: start, message: "a '-' that excludes nothing was ignored"))
                return nil
            }
            if isFilterTerm() { return ignoredNegatedFilter(at: start) }
            return parsePrimary(depth: depth).map { .not($0) }
        }
        return parsePrimary(depth: depth)
    }

    /// A parenthesised group, a phrase, `NEAR(…)`, a field or filter term, or a word.
    private mutating func parsePrimary(depth: Int) -> QueryNode? {
        let start = index
        switch chars[index] {
        case "(":
            index += 1
            guard depth < QueryLimits.depth else {
                if !warnedDepth {
                    warnings.append(QueryWarning(position: start, message: "parentheses nested deeper than \(QueryLimits.depth) levels were ignored"))
                    warnedDepth = true
                }
                return nil
            }
            let node = parseOr(depth: depth + 1)
            if index < chars.count, chars[index] == ")" {
                index += 1
            } else if !warnedUnclosed {
                warnings.append(QueryWarning(position: start, message: "a '(' was not closed; it runs to the end of the query"))
                warnedUnclosed = true
            }
            if node == nil { warnings.append(QueryWarning(position: start, message: "empty parentheses were ignored")) }
            return node
        case "\"":
            return parsePhrase()
        default:
            break
        }
        if startsWith("NEAR(") { return parseNear() }
        let word = readWord()
        if let colon = word.firstIndex(of: ":"), colon > word.startIndex {
            let key = word[..<colon].lowercased()
            let rest = String(word[word.index(after: colon)...])
            if let field = QueryField(rawValue: key) {
                if rest.hasPrefix("-") || (rest.isEmpty && index < chars.count && chars[index] == "-") {
                    warnings.append(QueryWarning(position: start, message: "a '-' inside '\(key):' was ignored; write -\(key):word to exclude"))
                    if rest.isEmpty { index += 1 }
                }
                let operandText = rest.hasPrefix("-") ? String(rest.drop { $0 == "-" }) : rest
                if !operandText.isEmpty, Self.wordNode(operandText) != nil {
                    // Counted as any word is; past the limit, left out with the limit's warning.
                    return leaf(operandText, at: start, key: key + ":").map { .field(field, $0) }
                }
                guard operandText.isEmpty, let operand = parseFieldOperand(depth: depth) else {
                    warnings.append(QueryWarning(position: start, message: "'\(key):' with nothing after it was ignored"))
                    return nil
                }
                return .field(field, operand)
            }
            if Self.filterKeys.contains(key) {
                let value = rest.isEmpty ? readFilterValue() : rest
                applyFilter(key, value, at: start)
                return nil
            }
        }
        if word.allSatisfy({ $0 == "*" }) {
            warnings.append(QueryWarning(position: start, message: "a '*' must end a word (prefix*); it was ignored"))
            return nil
        }
        return leaf(word, at: start)
    }

    private static let filterKeys: Set = ["type", "country", "lang", "language", "issue", "year"]

    /// Whether a filter term (`type:…`) starts here.
    private func isFilterTerm() -> Bool {
        var end = index
        while end < chars.count, chars[end].isLetter { end += 1 }
        return end < chars.count && chars[end] == ":" && Self.filterKeys.contains(String(chars[index..<end]).lowercased())
    }

    /// Skips a filter term after `-` or `NOT`: filters restrict, they cannot exclude.
    private mutating func ignoredNegatedFilter(at start: Int) -> QueryNode? {
        let word = readWord()
        if word.hasSuffix(":") { _ = readFilterValue() }
        warnings.append(QueryWarning(
            position: start,
            message: "filters cannot be excluded; '\(word)…' was ignored (use a filter that names what you want)"))
        return nil
    }

    /// Counts a word or phrase against `QueryLimits.terms`; `false` once the limit is reached. `key` names it, so
    /// that a repeat is not counted again; without a key (the words of `NEAR`, which are not collapsed), it counts.
    private mutating func admitLeaf(at position: Int, key: String?) -> Bool {
        if let key, !leaves.insert(key.lowercased()).inserted { return true }
        leafCount += 1
        guard leafCount > QueryLimits.terms else { return true }
        if !warnedLeaves {
            warnings.append(QueryWarning(position: position, message: "only the first \(QueryLimits.terms) different words and phrases were searched"))
            warnedLeaves = true
        }
        return false
    }

    /// A word of the query (`police`, `traffick*`), counted (`admitLeaf`) and with its prefix admitted
    /// (`admitPrefix`); `key` tells where it stands (a field), `nil` inside `NEAR`.
    private mutating func leaf(_ word: String, at position: Int, key: String? = "") -> QueryNode? {
        guard admitLeaf(at: position, key: key.map { $0 + "t" + word }), let node = Self.wordNode(word) else { return nil }
        return admitPrefix(node, at: position)
    }

    /// `node` as a prefix when it may be one: it has `QueryLimits.prefixLength` characters or more before the `*`,
    /// and fewer than `QueryLimits.prefixes` other prefixes came before it; otherwise as a whole word or phrase. A
    /// Khmer word of one cluster, always searched as a prefix (`KhmerGrams.isImplicitPrefix(_:)`), is left out past
    /// the limit.
    private mutating func admitPrefix(_ node: QueryNode, at position: Int) -> QueryNode? {
        let whole: QueryNode, text: String
        switch node {
        case .term(let word, true): (whole, text) = (.term(word, prefix: false), word)
        case .phrase(let phrase, true): (whole, text) = (.phrase(phrase, prefix: false), phrase)
        case .term(let word, false), .phrase(let word, false):
            guard KhmerGrams.isImplicitPrefix(word) else { return node }
            let message = "only the first \(QueryLimits.prefixes) prefixes were searched; '\(word)', a Khmer word of one syllable, is searched as a prefix and was left out"
            return admitPrefixCount(word, at: position, message: message) ? node : nil
        default: return node
        }
        if QueryText.prefixLength(text) < QueryLimits.prefixLength {
            let shown = node.description, searched = whole.description
            let kind = if case .term = node { "word" } else { "phrase" }
            warnings.append(QueryWarning(
                position: position,
                message: "'\(shown)' was searched as the \(kind) '\(searched)': a prefix needs \(QueryLimits.prefixLength) letters or more before '*'"))
            return whole
        }
        let message = "only the first \(QueryLimits.prefixes) prefixes were searched as prefixes; the rest as whole words"
        return admitPrefixCount(text, at: position, message: message) ? node : whole
    }

    /// Counts the prefix `text` against `QueryLimits.prefixes` (a repeat counts once); `false`, with `message` as a
    /// warning (each message once), once the limit is reached.
    private mutating func admitPrefixCount(_ text: String, at position: Int, message: String) -> Bool {
        let key = text.lowercased()
        guard prefixes.contains(key) || prefixes.count < QueryLimits.prefixes else {
            if warnedPrefixes.insert(message).inserted { warnings.append(QueryWarning(position: position, message: message)) }
            return false
        }
        prefixes.insert(key)
        return true
    }

    /// A word, or a prefix when it ends with `*`.
    private static func wordNode(_ word: String) -> QueryNode? {
        var text = Substring(word)
        var prefix = false
        while text.last == "*" {
            text = text.dropLast()
            prefix = true
        }
        return text.isEmpty ? nil : .term(String(text), prefix: prefix)
    }

    /// What follows `title:` when a space, a quote or a parenthesis comes right after the colon.
    private mutating func parseFieldOperand(depth: Int) -> QueryNode? {
        guard index < chars.count, !chars[index].isWhitespace, chars[index] != ")" else { return nil }
        return parsePrimary(depth: depth)
    }

    /// `"…"`, with an optional `*` after the closing quote.
    private mutating func parsePhrase() -> QueryNode? {
        let start = index
        index += 1
        var text = ""
        while index < chars.count, chars[index] != "\"" {
            text.append(chars[index])
            index += 1
        }
        if index < chars.count {
            index += 1
        } else {
            warnings.append(QueryWarning(position: start, message: "a double quote was not closed; the phrase runs to the end of the query"))
        }
        var prefix = false
        if index < chars.count, chars[index] == "*" {
            prefix = true
            index += 1
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            warnings.append(QueryWarning(position: start, message: "an empty phrase was ignored"))
            return nil
        }
        guard admitLeaf(at: start, key: "p" + trimmed) else { return nil }
        return admitPrefix(.phrase(trimmed, prefix: prefix), at: start)
    }

    /// `NEAR(a "b c" d, 5)`.
    private mutating func parseNear() -> QueryNode? {
        let start = index
        index += 5
        var items: [QueryNode] = []
        var distance = Self.defaultNearDistance
        var closed = false
        while index < chars.count {
            skipSpaces()
            guard index < chars.count else { break }
            if chars[index] == ")" {
                index += 1
                closed = true
                break
            }
            if chars[index] == "," {
                index += 1
                skipSpaces()
                let digits = readWhile { $0.isASCII && $0.isNumber }
                if let value = Int(digits), value >= 0, value <= QueryLimits.nearDistance {
                    distance = value
                } else {
                    warnings.append(QueryWarning(position: index, message: "NEAR takes a distance from 0 to \(QueryLimits.nearDistance) after the comma; \(Self.defaultNearDistance) was used"))
                    _ = readWhile { $0 != ")" }
                }
                continue
            }
            if chars[index] == "\"" {
                if let phrase = parsePhrase() { items.append(phrase) }
            } else {
                let wordStart = index
                var word = readWhile { !$0.isWhitespace && $0 != ")" && $0 != "," && $0 != "\"" }
                if let colon = word.firstIndex(of: ":"), QueryField(rawValue: word[..<colon].lowercased()) != nil {
                    warnings.append(QueryWarning(position: wordStart, message: "fields cannot be used inside NEAR; '\(word[...colon])' was ignored"))
                    word = String(word[word.index(after: colon)...])
                }
                if let node = leaf(word, at: wordStart, key: nil) { items.append(node) }
            }
        }
        if !closed { warnings.append(QueryWarning(position: start, message: "'NEAR(' was not closed; it runs to the end of the query")) }
        if items.count < 2 {
            warnings.append(QueryWarning(position: start, message: "NEAR needs two or more words; it was read as plain words"))
            return items.isEmpty ? nil : .and(items)
        }
        return .near(items, distance: distance)
    }

    // MARK: Filters

    private mutating func readFilterValue() -> String {
        guard index < chars.count else { return "" }
        if chars[index] == "\"" {
            index += 1
            let value = readWhile { $0 != "\"" }
            if index < chars.count { index += 1 }
            return value
        }
        return readWord()
    }

    private mutating func applyFilter(_ key: String, _ rawValue: String, at position: Int) {
        let value = rawValue.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else {
            warnings.append(QueryWarning(position: position, message: "'\(key):' with no value was ignored"))
            return
        }
        if key != "year" {
            guard filterValues + filters.valueCount < QueryLimits.filters else {
                if !warnedFilters {
                    warnings.append(QueryWarning(position: position, message: "only the first \(QueryLimits.filters) filter values were used"))
                    warnedFilters = true
                }
                return
            }
        }
        switch key {
        case "type": filters.types.append(value)
        case "country": filters.countries.append(value)
        case "lang", "language": filters.languages.append(value)
        case "issue": filters.issues.append(value)
        default:
            guard let (from, to) = Self.yearRange(value) else {
                warnings.append(QueryWarning(position: position, message: "'year:\(value)' was ignored: write year:2004 or year:2000..2010"))
                return
            }
            filters = filters.merged(with: QueryFilters(yearFrom: from, yearTo: to))
        }
    }

    /// `2004`, `2000..2010`, `2000..`, `..2010`.
    static func yearRange(_ text: String) -> (Int?, Int?)? {
        if let year = Int(text) { return (year, year) }
        guard let range = text.range(of: "..") else { return nil }
        let lower = text[..<range.lowerBound], upper = text[range.upperBound...]
        let from = lower.isEmpty ? nil : Int(lower)
        let to = upper.isEmpty ? nil : Int(upper)
        if (!lower.isEmpty && from == nil) || (!upper.isEmpty && to == nil) || (from == nil && to == nil) { return nil }
        return (from, to)
    }

    // MARK: Characters

    private mutating func skipSpaces() {
        while index < chars.count, chars[index].isWhitespace { index += 1 }
    }

    /// A run of characters up to a space, a quote or a parenthesis.
    private mutating func readWord() -> String {
        readWhile { !$0.isWhitespace && $0 != "\"" && $0 != "(" && $0 != ")" }
    }

    private mutating func readWhile(_ predicate: (Character) -> Bool) -> String {
        let start = index
        while index < chars.count, predicate(chars[index]) { index += 1 }
        return String(chars[start..<index])
    }

    private func startsWith(_ text: String) -> Bool {
        let pattern = Array(text)
        return index + pattern.count <= chars.count && Array(chars[index..<(index + pattern.count)]) == pattern
    }

    /// An upper-case operator standing alone: followed by a space, a parenthesis, a quote or the end.
    private func isOperator(_ word: String) -> Bool {
        guard startsWith(word) else { return false }
        let after = index + word.count
        return after == chars.count || chars[after].isWhitespace || chars[after] == "(" || chars[after] == "\""
    }

    private mutating func warn(_ message: String) {
        warnings.append(QueryWarning(position: index, message: message))
    }

    // MARK: Simplification

    /// Flattens nested ANDs and ORs and unwraps one-element lists.
    static func simplified(_ node: QueryNode) -> QueryNode {
        switch node {
        case .and(let nodes):
            let flat = nodes.map(simplified).flatMap { child -> [QueryNode] in
                if case .and(let inner) = child { inner } else { [child] }
            }
            return flat.count == 1 ? flat[0] : .and(flat)
        case .or(let nodes):
            let flat = nodes.map(simplified).flatMap { child -> [QueryNode] in
                if case .or(let inner) = child { inner } else { [child] }
            }
            return flat.count == 1 ? flat[0] : .or(flat)
        case .not(let inner): return .not(simplified(inner))
        case .field(let field, let inner): return .field(field, simplified(inner))
        case .near(let items, let distance): return .near(items.map(simplified), distance: distance)
        case .term, .phrase: return node
        }
    }
}
