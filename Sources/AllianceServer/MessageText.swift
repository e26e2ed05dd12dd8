/// A message for the user that may quote what came with the request (an id, a parameter, a host name, the query) or
/// from the index (a title, a value): the API sends it as plain text, a page shows each quoted part bidi-isolated
/// (`<bdi>`), so that right-to-left text or a U+202E in it cannot reorder the words around it.
///
/// Build one with string interpolation: `"no document has the id \(quoted: id)"` quotes and marks the id;
/// `\(input: text)` marks without quotes; numbers go in as they are, and other trusted text with `\(fixed: text)`.
/// A bare string cannot be interpolated, so that nothing from outside is put in unmarked.
struct MessageText: Sendable, Equatable, ExpressibleByStringInterpolation {
    enum Part: Sendable, Equatable {
        case fixed(String)
        case input(String)
    }

    private(set) var parts: [Part] = []

    init(stringLiteral value: String) {
        append(.fixed(value))
    }

    init(stringInterpolation: StringInterpolation) {
        parts = stringInterpolation.message.parts
    }

    init(parts: [Part]) {
        parts.forEach { append($0) }
    }

    struct StringInterpolation: StringInterpolationProtocol {
        var message = MessageText(parts: [])

        init(literalCapacity: Int, interpolationCount: Int) {}

        mutating func appendLiteral(_ literal: String) { message.append(.fixed(literal)) }
        mutating func appendInterpolation(_ number: some BinaryInteger) { message.append(.fixed(String(number))) }
        mutating func appendInterpolation(fixed text: String) { message.append(.fixed(text)) }
        mutating func appendInterpolation(input text: String) { message.append(.input(text)) }
        mutating func appendInterpolation(quoted text: String) {
            message.append(.fixed("'"))
            message.append(.input(text))
            message.append(.fixed("'"))
        }
    }

    static func + (lhs: MessageText, rhs: MessageText) -> MessageText {
        MessageText(parts: lhs.parts + rhs.parts)
    }

    /// Adjacent fixed parts are kept as one, so that equal messages have equal parts however they were built.
    private mutating func append(_ part: Part) {
        if case .fixed(let text) = part, case .fixed(let previous)? = parts.last {
            parts[parts.count - 1] = .fixed(previous + text)
        } else if part != .fixed("") {
            parts.append(part)
        }
    }

    /// The message as text, for JSON and logs.
    var plain: String {
        parts.map { part in
            switch part {
            case .fixed(let text), .input(let text): text
            }
        }.joined()
    }

    /// The message as HTML: escaped, each input in `<bdi>`.
    var html: String {
        parts.map { part in
            switch part {
            case .fixed(let text): HTMLText.escape(text)
            case .input(let text): HTMLText.isolated(text)
            }
        }.joined()
    }

    /// A message written elsewhere (the library's query and index errors, a warning), where what came from the
    /// request is not marked. Quoted spans (`"…"`, `'…'`, `“…”`) are taken as input, and so is any other word that
    /// holds a bidi control character: no control can then act outside the input it came with.
    init(unmarked text: String) {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var fixed = String.UnicodeScalarView()
        func flush() {
            append(.fixed(String(fixed)))
            fixed = String.UnicodeScalarView()
        }
        while index < scalars.count {
            if let end = Self.quoteEnd(in: scalars, from: index) {
                fixed.append(scalars[index])
                flush()
                append(.input(String(String.UnicodeScalarView(scalars[(index + 1)..<end]))))
                fixed.append(scalars[end])
                index = end + 1
            } else if let end = Self.controlledWordEnd(in: scalars, from: index) {
                flush()
                append(.input(String(String.UnicodeScalarView(scalars[index..<end]))))
                index = end
            } else {
                fixed.append(scalars[index])
                index += 1
            }
        }
        flush()
    }

    private static let quotes: [Unicode.Scalar: Unicode.Scalar] = ["\"": "\"", "'": "'", "\u{201C}": "\u{201D}"]

    /// When `start` opens a quotation (a quote mark at the start of a word) that is closed later (by the same mark
    /// at the end of a word), where it is closed.
    private static func quoteEnd(in scalars: [Unicode.Scalar], from start: Int) -> Int? {
        guard let close = quotes[scalars[start]], start == 0 || !isWordScalar(scalars[start - 1]) else { return nil }
        var index = start + 1
        while index < scalars.count {
            if scalars[index] == close, index + 1 == scalars.count || !isWordScalar(scalars[index + 1]) {
                return index > start + 1 ? index : nil
            }
            index += 1
        }
        return nil
    }

    /// When the rest of the word at `start` holds a bidi control character, where the word ends.
    private static func controlledWordEnd(in scalars: [Unicode.Scalar], from start: Int) -> Int? {
        guard !scalars[start].properties.isWhitespace else { return nil }
        var end = start
        while end < scalars.count, !scalars[end].properties.isWhitespace { end += 1 }
        return scalars[start..<end].contains(where: HTMLText.isBidiControl) ? end : nil
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}
