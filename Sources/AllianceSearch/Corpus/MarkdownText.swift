/// Strips Markdown syntax from text, keeping the words a reader sees.
///
/// It handles what documents in the wild use: ATX and setext headings, emphasis, inline code, fenced code (whose
/// contents are kept), links and images (their text is kept, their URLs dropped), reference definitions, block
/// quotes, list markers, rules, HTML tags and comments, and backslash escapes. Paragraphs stay separated by blank
/// lines, so that snippets can find sentence and paragraph breaks. It is a reader for indexing, not a renderer.
public enum MarkdownText {
    /// The plain text of `markdown`.
    public static func plainText(_ markdown: Substring) -> String {
        var output: [String] = []
        var inFence: Substring? = nil
        var inComment = false
        for rawLine in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = rawLine
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if let fence = inFence {
                if trimmed.hasPrefix(fence) { inFence = nil } else { output.append(String(line)) }
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                inFence = trimmed.prefix(3)
                continue
            }
            if inComment {
                guard let end = line.range(of: "-->") else { continue }
                line = line[end.upperBound...]
                inComment = false
            }
            if let start = line.range(of: "<!--"), line.range(of: "-->", range: start.upperBound..<line.endIndex) == nil {
                line = line[..<start.lowerBound]
                inComment = true
            }
            if isRule(trimmed) || isReferenceDefinition(trimmed) {
                output.append("")
                continue
            }
            if line.allSatisfy(\.isWhitespace) {
                output.append("")
                continue
            }
            output.append(inline(blockContent(line)))
        }
        // Runs of blank lines (left by comments, rules, definitions) become one paragraph break.
        output = output.enumerated().filter { index, line in
            !(line.isEmpty && index > 0 && output[index - 1].isEmpty)
        }.map(\.element)
        while output.last?.isEmpty == true { output.removeLast() }
        while output.first?.isEmpty == true { output.removeFirst() }
        return output.joined(separator: "\n")
    }

    /// A thematic break (`---`, `***`, `___`) or a setext underline (`===`).
    private static func isRule(_ line: Substring) -> Bool {
        let marks = line.filter { $0 != " " }
        guard marks.count >= 3, let first = marks.first, "-*_=".contains(first) else { return false }
        return marks.allSatisfy { $0 == first }
    }

    /// `[label]: https://…`
    private static func isReferenceDefinition(_ line: Substring) -> Bool {
        guard line.hasPrefix("["), let close = line.range(of: "]:") else { return false }
        return !line[line.index(after: line.startIndex)..<close.lowerBound].contains("]")
    }

    /// The line without its block markers: quote marks, heading marks, list bullets and numbers.
    private static func blockContent(_ line: Substring) -> Substring {
        var rest = line.drop { $0 == " " || $0 == "\t" }
        while rest.hasPrefix(">") { rest = rest.dropFirst().drop { $0 == " " } }
        if rest.hasPrefix("#") {
            let hashes = rest.prefix { $0 == "#" }
            let after = rest.dropFirst(hashes.count)
            if hashes.count <= 6, after.isEmpty || after.first == " " {
                var heading = after.drop { $0 == " " }
                while heading.last == "#" || heading.last == " " { heading = heading.dropLast() }
                return heading
            }
        }
        if let bullet = rest.first, "-*+".contains(bullet), rest.dropFirst().first == " " {
            rest = rest.dropFirst(2)
            if rest.hasPrefix("[ ] ") || rest.hasPrefix("[x] ") || rest.hasPrefix("[X] ") { rest = rest.dropFirst(4) }
            return rest
        }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 9 {
            let after = rest.dropFirst(digits.count)
            if let mark = after.first, mark == "." || mark == ")", after.dropFirst().first == " " {
                return after.dropFirst(2)
            }
        }
        return rest
    }

    /// The text of one line without inline syntax.
    static func inline(_ line: Substring) -> String {
        var out = ""
        out.reserveCapacity(line.utf8.count)
        let chars = Array(line)
        var index = 0
        func isWordChar(_ i: Int) -> Bool { i >= 0 && i < chars.count && (chars[i].isLetter || chars[i].isNumber) }
        while index < chars.count {
            let char = chars[index]
            switch char {
            case "\\" where index + 1 < chars.count && chars[index + 1].isPunctuationOrSymbolASCII:
                out.append(chars[index + 1])
                index += 2
            case "`":
                let run = chars[index...].prefix { $0 == "`" }.count
                index += run
            case "*", "_":
                // Emphasis markers; an underscore inside a word (snake_case) is text.
                if char == "_" && isWordChar(index - 1) && isWordChar(index + 1) {
                    out.append(char)
                }
                index += 1
            case "!" where index + 1 < chars.count && chars[index + 1] == "[":
                index += 1
            case "[":
                if let (text, next) = link(in: chars, at: index) {
                    out += inline(Substring(String(text)))
                    index = next
                } else {
                    out.append(char)
                    index += 1
                }
            case "<":
                if let close = chars[index..<min(chars.count, index + maxSpan)].firstIndex(of: ">"), close - index > 1 {
                    let inner = String(chars[(index + 1)..<close])
                    if inner.contains("://") || inner.contains("@") {
                        out += inner
                        index = close + 1
                    } else if inner.first.map({ $0.isLetter || $0 == "/" || $0 == "!" }) == true {
                        index = close + 1
                    } else {
                        out.append(char)
                        index += 1
                    }
                } else {
                    out.append(char)
                    index += 1
                }
            default:
                out.append(char)
                index += 1
            }
        }
        return out
    }

    /// The longest tag, link text or link target looked for, in characters. Bounding the search keeps stripping
    /// linear on lines of thousands of unmatched `[` or `<`.
    static let maxSpan = 512

    /// `[text](url)`, `[text][ref]` or `[text]`: the link text and the index after the link.
    private static func link(in chars: [Character], at start: Int) -> ([Character], Int)? {
        var depth = 0
        var close: Int?
        for i in start..<min(chars.count, start + maxSpan) {
            if chars[i] == "[" { depth += 1 }
            if chars[i] == "]" {
                depth -= 1
                if depth == 0 { close = i; break }
            }
        }
        guard let close else { return nil }
        let text = Array(chars[(start + 1)..<close])
        let next = close + 1
        let window = next..<min(chars.count, next + maxSpan)
        if next < chars.count, chars[next] == "(" {
            guard let end = chars[window].firstIndex(of: ")") else { return nil }
            return (text, end + 1)
        }
        if next < chars.count, chars[next] == "[" {
            guard let end = chars[window].firstIndex(of: "]") else { return nil }
            return (text, end + 1)
        }
        return (text, next)
    }
}

extension Character {
    fileprivate var isPunctuationOrSymbolASCII: Bool {
        isASCII && (isPunctuation || isSymbol)
    }
}
