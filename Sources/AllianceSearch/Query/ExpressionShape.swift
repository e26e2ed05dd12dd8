/// What an FTS5 expression asks of the index, read without running it: its phrases (which are prefixes), how deep
/// its parentheses go, and its `NEAR` distances. A `--raw` expression is held to `QueryLimits` with it before SQLite
/// sees it, since FTS5 reads every phrase's doclist, and every word a prefix starts, as soon as a statement starts.
///
/// It follows FTS5's lexical rules: strings in double quotes (a quote doubled inside), barewords (ASCII letters and
/// digits, `_`, U+001A and every non-ASCII character), `AND`, `OR`, `NOT` and `NEAR` in upper case, `+` joining
/// strings into one phrase, `*` after a phrase, `^` before one, `col :` and `{col …} :` column filters, and
/// `NEAR(…, N)`. What FTS5 would refuse is left for SQLite to report, with its position.
///
/// Related SQLite documentation: <https://www.sqlite.org/fts5.html#full_text_query_syntax>
struct ExpressionShape {
    struct Phrase: Equatable {
        /// The phrase's text, its strings and barewords joined by spaces.
        var text: String
        var prefix = false
    }

    private(set) var phrases: [Phrase] = []
    private(set) var depth = 0
    private(set) var nearDistances: [Int] = []
    /// Parentheses open at the current point of the lexing.
    private var open = 0

    var prefixes: Int { phrases.filter(\.prefix).count }

    init(_ expression: String) {
        let scalars = Array(expression.unicodeScalars)
        var lexer = Lexer()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\"" {
                let (text, end) = Self.string(scalars, from: index + 1)
                lexer.add(text, bareword: false, to: &self)
                index = end
            } else if Self.isBareword(scalar) {
                var end = index
                while end < scalars.count, Self.isBareword(scalars[end]) { end += 1 }
                lexer.bareword(String(String.UnicodeScalarView(scalars[index..<end])), to: &self)
                index = end
            } else {
                if scalar == "{" {
                    // A list of columns: names, not phrases.
                    while index < scalars.count, scalars[index] != "}" { index += 1 }
                }
                lexer.symbol(scalar, to: &self)
                index += 1
            }
        }
    }

    /// FTS5's bareword characters: ASCII letters and digits, `_`, U+001A, and every non-ASCII character.
    private static func isBareword(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x80 || scalar.value == 0x1A || scalar == "_" || ("a"..."z").contains(scalar)
            || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// The text of the string whose first character is at `start`, a quote doubled inside, and where it ends.
    private static func string(_ scalars: [Unicode.Scalar], from start: Int) -> (String, end: Int) {
        var text = String.UnicodeScalarView(), index = start
        while index < scalars.count {
            if scalars[index] == "\"" {
                guard index + 1 < scalars.count, scalars[index + 1] == "\"" else { return (String(text), index + 1) }
                index += 1
            }
            text.append(scalars[index])
            index += 1
        }
        return (String(text), index)
    }

    /// What the lexer remembers between tokens.
    private struct Lexer {
        /// After `+`: the next string or bareword continues the last phrase.
        var joining = false
        /// After `,` (in `NEAR(…, N)`): the next bareword is a distance.
        var distanceNext = false
        /// The last token was a bareword phrase: a `:` after it makes it a column name.
        var lastWasBareword = false

        mutating func add(_ text: String, bareword: Bool, to shape: inout ExpressionShape) {
            if joining, !shape.phrases.isEmpty {
                shape.phrases[shape.phrases.count - 1].text += " " + text
            } else {
                shape.phrases.append(Phrase(text: text))
            }
            (joining, distanceNext, lastWasBareword) = (false, false, bareword)
        }

        mutating func bareword(_ text: String, to shape: inout ExpressionShape) {
            if distanceNext, text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) {
                shape.nearDistances.append(Int(text) ?? Int.max)
                (distanceNext, lastWasBareword) = (false, false)
            } else if ["AND", "OR", "NOT", "NEAR"].contains(text), !joining {
                (distanceNext, lastWasBareword) = (false, false)
            } else {
                add(text, bareword: true, to: &shape)
            }
        }

        mutating func symbol(_ scalar: Unicode.Scalar, to shape: inout ExpressionShape) {
            switch scalar {
            case "(":
                shape.open += 1
                shape.depth = max(shape.depth, shape.open)
            case ")":
                shape.open = max(0, shape.open - 1)
            case ":":
                // The bareword before it named a column.
                if lastWasBareword, !shape.phrases.isEmpty { shape.phrases.removeLast() }
            case "*":
                if !shape.phrases.isEmpty { shape.phrases[shape.phrases.count - 1].prefix = true }
            case "+":
                joining = true
            case ",":
                distanceNext = true
            default:
                break
            }
            guard !scalar.properties.isWhitespace else { return }
            lastWasBareword = false
            if scalar != "," { distanceNext = false }
        }
    }

    /// Refuses an expression over a bound of `QueryLimits`, naming the bound; `tokenizer` counts the words of its
    /// phrases as FTS5 will.
    ///
    /// - Throws: `QueryError.overLimit`.
    static func check(raw query: String, tokenizer: AllianceTokenizer) throws {
        func refuse(_ message: String) -> QueryError { .overLimit(query: query, message: message) }
        // The most telling bound first: a prefix costs the most, the length the least.
        let shape = ExpressionShape(query)
        guard shape.prefixes <= QueryLimits.prefixes else {
            throw refuse("a --raw expression may hold at most \(QueryLimits.prefixes) prefixes (word*); this one holds \(shape.prefixes)")
        }
        if let short = shape.phrases.first(where: { $0.prefix && QueryText.prefixLength($0.text) < QueryLimits.prefixLength }) {
            throw refuse("a prefix needs \(QueryLimits.prefixLength) letters or more before '*': \(MatchExpression.string(short.text))* is shorter")
        }
        guard shape.phrases.count <= QueryLimits.terms else {
            throw refuse("a --raw expression may hold at most \(QueryLimits.terms) words and phrases; this one holds \(shape.phrases.count)")
        }
        let words = shape.phrases.reduce(0) { $0 + tokenizer.terms(of: $1.text, languages: []).count }
        guard words <= QueryLimits.words else {
            throw refuse("a --raw expression may hold at most \(QueryLimits.words) words in all, each word of a phrase counted; this one holds \(words)")
        }
        guard shape.depth <= QueryLimits.depth else {
            throw refuse("a --raw expression may hold at most \(QueryLimits.depth) levels of parentheses; this one holds \(shape.depth)")
        }
        if let far = shape.nearDistances.first(where: { $0 > QueryLimits.nearDistance }) {
            let shown = far == Int.max ? "a larger one" : String(far)
            throw refuse("a --raw expression may use a NEAR distance of at most \(QueryLimits.nearDistance); this one uses \(shown)")
        }
        let length = query.unicodeScalars.count
        guard length <= QueryLimits.length else {
            throw refuse("a --raw expression may hold at most \(QueryLimits.length) characters; this one holds \(length)")
        }
    }
}
