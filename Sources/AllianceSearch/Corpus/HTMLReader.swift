import CLibXML2
import Foundation

/// Reads a saved web page into one document with libxml2's HTML parser, the parser browsers' quirks were modelled
/// on before HTML5: it recovers from unclosed and misnested tags, decodes entities and character sets, and never
/// fetches anything (`HTML_PARSE_NONET`).
///
/// - The title is the `<title>`, else the first `<h1>`.
/// - The text is what a reader sees of the page's content: scripts, styles, templates, navigation (`<nav>`,
///   `role="navigation"`), footers, forms and hidden elements are left out. Block elements end lines; white space
///   inside a paragraph is collapsed, except in `<pre>`.
/// - `<html lang>` gives `languages`; `<meta name="author">` and `<meta name="description">` give `author` and
///   `description`. A sidecar overrides and adds fields, as for a PDF.
enum HTMLReader {
    /// Elements whose content is not part of the page's text.
    static let skipped: Set<String> = [
        "head", "script", "style", "noscript", "template", "nav", "footer", "form", "button", "select", "textarea",
        "svg", "math", "iframe", "object", "embed", "canvas", "audio", "video",
    ]
    /// Elements that end a line before and after their content.
    static let blocks: Set<String> = [
        "p", "div", "section", "article", "main", "header", "aside", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
        "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "caption", "blockquote", "pre", "hr",
        "figure", "figcaption", "address", "details", "summary", "body", "br", "td", "th",
    ]

    /// Reads the page in `data`; `sidecarPath` is its YAML sidecar, when it has one, read within `policy`.
    static func read(
        _ data: Data, path: String, defaultID: String, sidecarPath: String? = nil, policy: LinkPolicy = .anywhere
    ) -> DocumentReader.Reading {
        var reading = DocumentReader.Reading()
        do {
            let sidecar = try Sidecar.load(sidecarPath, beside: path, within: policy)
            let page = try parse(data, path: path)
            var own: [String: JSONValue] = [:]
            if let title = page.title { own["title"] = .string(title) }
            if let language = page.language { own["languages"] = .array([.string(language)]) }
            if let author = page.author { own["author"] = .string(author) }
            if let description = page.description { own["description"] = .string(description) }
            reading.documents = [try Sidecar.document(own: own, sidecar: sidecar, body: page.text, display: path, defaultID: defaultID)]
            reading.warnings = page.losses.map { CorpusError(path: path, line: $0.line, message: $0.message) }
        } catch let error as CorpusError {
            reading.errors.append(error)
        } catch {
            reading.errors.append(CorpusError(path: path, message: "\(error)"))
        }
        return reading
    }

    /// What a page holds.
    struct Page: Equatable {
        var title: String?
        var text: String
        var language: String?
        var author: String?
        var description: String?
        /// Text libxml2 did not read, and why: reported as warnings, never dropped silently.
        var losses: [HTMLTree.Loss] = []
    }

    /// Parses `data` as HTML.
    ///
    /// - Throws: `CorpusError` when libxml2 finds no document at all in it.
    static func parse(_ data: Data, path: String) throws -> Page {
        // Without a declared character set libxml2 would assume Latin-1, as HTML 4 did; a page saved today is UTF-8.
        let head = String(decoding: data.prefix(2048), as: UTF8.self).lowercased()
        // Only a `<meta>` declares it (`<script charset=…>` does not); so does a byte-order mark.
        let declared = head.range(of: #"<meta[^>]*charset"#, options: .regularExpression) != nil
            || data.starts(with: [0xEF, 0xBB, 0xBF]) || data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF])
        guard let tree = HTMLTree(data: data, encoding: declared ? nil : "UTF-8"), let root = tree.root else {
            throw CorpusError(path: path, message: "no HTML document in it; is it a saved web page?")
        }
        defer { withExtendedLifetime(tree) {} }

        var page = Page(text: "", losses: tree.losses)
        page.language = attribute(root, "lang").flatMap { $0.split(separator: "-").first.map { String($0).lowercased() } }
        var firstHeading: String?
        var text = TextBuilder()
        // Depth-first, with an explicit stack: `HTMLTree` bounds nesting, but a page is still no reason to recurse.
        var stack: [(node: xmlNodePtr, entering: Bool, preformatted: Bool)] = [(root, true, false)]
        while let (node, entering, preformatted) = stack.popLast() {
            let name = node.pointee.name.map { String(cString: $0).lowercased() } ?? ""
            if !entering {
                if blocks.contains(name) { text.endLine() }
                continue
            }
            switch node.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content { text.append(String(cString: content), preformatted: preformatted) }
            case XML_ELEMENT_NODE:
                if name == "head" { readHead(node, into: &page) }
                if name == "h1", firstHeading == nil { firstHeading = collapsed(content(of: node)) }
                if skipped.contains(name) || isHidden(node) { continue }
                if blocks.contains(name) { text.endLine() }
                stack.append((node, false, preformatted))
                var children: [xmlNodePtr] = []
                var child = node.pointee.children
                while let current = child {
                    children.append(current)
                    child = current.pointee.next
                }
                for child in children.reversed() { stack.append((child, true, preformatted || name == "pre")) }
            default:
                break
            }
        }
        page.text = text.result
        if page.text.utf8.count > DocumentStream.maximumDocumentBytes {
            throw DocumentStream.tooLarge(page.text.utf8.count, path: path)
        }
        if page.title?.isEmpty ?? true { page.title = firstHeading.flatMap { $0.isEmpty ? nil : $0 } }
        // A first line that repeats the title would open every snippet, as in Markdown.
        if let title = page.title, page.text.hasPrefix(title + "\n") || page.text == title {
            page.text = String(page.text.dropFirst(title.count).drop { $0.isNewline })
        }
        return page
    }

    /// The `<title>` and the author and description `<meta>` elements of `head`.
    private static func readHead(_ head: xmlNodePtr, into page: inout Page) {
        var child = head.pointee.children
        while let node = child {
            child = node.pointee.next
            guard node.pointee.type == XML_ELEMENT_NODE, let raw = node.pointee.name else { continue }
            let name = String(cString: raw).lowercased()
            if name == "title", page.title == nil { page.title = collapsed(content(of: node)) }
            if name == "meta", let key = attribute(node, "name")?.lowercased(), let value = attribute(node, "content") {
                if key == "author", page.author == nil { page.author = collapsed(value) }
                if key == "description", page.description == nil { page.description = collapsed(value) }
            }
        }
    }

    private static func isHidden(_ node: xmlNodePtr) -> Bool {
        attribute(node, "hidden") != nil || attribute(node, "aria-hidden")?.lowercased() == "true"
            || attribute(node, "role")?.lowercased() == "navigation"
    }

    private static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { alliance_xml_free(value) }
        return String(cString: value)
    }

    private static func content(of node: xmlNodePtr) -> String {
        guard let value = xmlNodeGetContent(node) else { return "" }
        defer { alliance_xml_free(value) }
        return String(cString: value)
    }

    private static func collapsed(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Text with white space collapsed within lines (but in `<pre>`), one line per block, no blank lines.
    struct TextBuilder {
        private var lines: [String] = []
        private var current = ""

        mutating func append(_ text: String, preformatted: Bool) {
            if preformatted {
                // Every line break ends a line: "\r\n" is one `Character`, equal to neither "\n" nor "\r".
                let parts = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
                for (index, part) in parts.enumerated() {
                    if index > 0 { endLine() }
                    current += part
                }
                return
            }
            var previousSpace = current.last.map(\.isWhitespace) ?? true
            for character in text {
                if character.isWhitespace {
                    if !previousSpace { current.append(" ") }
                    previousSpace = true
                } else {
                    current.append(character)
                    previousSpace = false
                }
            }
        }

        /// Ends the current line; an empty one is dropped (block boundaries end lines, they add no blank ones).
        /// Leading white space is kept, as only `<pre>` can have any.
        mutating func endLine() {
            var line = current
            current = ""
            while line.last?.isWhitespace == true { line.removeLast() }
            if !line.isEmpty { lines.append(line) }
        }

        var result: String {
            var copy = self
            copy.endLine()
            return copy.lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
