import Foundation
import Testing

/// The search page's HTML: hostile text in documents and queries comes out escaped, and text in the network's
/// scripts comes out as it went in.
@Suite(.serialized)
struct SearchPageTests {
    static let hostileTitle = #"<script>alert('title')</script> "><img src=x onerror=alert(1)> \#u{600}<img src=y onerror=alert(14) \#u{600}> Hostile police report"#

    static let server: ServerProcess = try! ServerProcess(in: ServerProcess.folder(corpus: [
        "hostile.md": """
            ---
            id: hostile
            type: publication
            title: '\(hostileTitle.replacingOccurrences(of: "'", with: "''"))'
            aliases: ["' onmouseover='alert(2)", "{{alias}}"]
            country: "<b>Narnia</b>"
            issues: ["<svg onload=alert(3)>"]
            languages: ['en" onfocus="alert(4)']
            ---
            Police brutality, reported with <script>alert("body")</script> and <iframe src=javascript:alert(5)></iframe> inside, and {{{mustache}}} too.
            """,
        "khmer.md": """
            ---
            id: khmer
            type: organisation
            title: សមាគមពលករស្ត្រី
            languages: [km]
            country: Cambodia, Kingdom of
            ---
            សមាគមពលករចំណាកស្រុកការពារសិទ្ធិស្ត្រី។
            """,
        "nepali.md": """
            ---
            id: nepali
            type: organisation
            title: घरेलु कामदार संगठन
            languages: [ne]
            country: Nepal
            ---
            घरेलु कामदारहरूको अधिकारका लागि संगठित समूह।
            """,
        "bengali.md": """
            ---
            id: bengali
            type: organisation
            title: যৌনকর্মী সংগঠন
            languages: [bn]
            country: Bangladesh
            ---
            যৌনকর্মী নারীদের অধিকার ও পুলিশি নির্যাতনের বিরুদ্ধে সংগঠন।
            """,
        "bidi.md": bidiDocument,
    ]))

    /// A document whose every field holds a right-to-left override (U+202E), which shows `gnp.exe` as `exe.png`
    /// and would reverse the page's own words after it if it were not isolated.
    static let bidiDocument = """
        ---
        id: "bidi\\u202Egnp.exe"
        type: "\\u202Epublication"
        title: "Annual zqxbidi report \\u202Egnp.exe"
        aliases: ["\\u202Efirst alias", "second alias"]
        country: ["\\u202ENarnia", "Oz"]
        issues: ["\\u202Etrafficking", "labour"]
        year: 2004
        author: "\\u202Eauthor"
        ---
        The zqxbidi report says \u{202E}gnp.exe in its text. Another zqxbidi line \u{2067}with an isolate.
        """

    /// The elements and attributes the templates write. Any other one in a page's source came from a value.
    static let allowedTags: Set<String> = [
        "html", "head", "meta", "title", "link", "script", "body", "a", "header", "p", "form", "label", "div", "input",
        "button", "main", "h1", "h2", "h3", "ul", "ol", "li", "nav", "section", "span", "mark", "footer", "article",
        "dl", "dt", "dd", "bdi",
    ]
    static let allowedAttributes: Set<String> = [
        "lang", "charset", "name", "content", "rel", "href", "src", "defer", "class", "role", "action", "method", "for",
        "id", "type", "value", "maxlength", "autocomplete", "spellcheck", "aria-describedby", "aria-label",
        "aria-labelledby", "aria-current", "aria-hidden", "start", "tabindex",
    ]

    /// Reads every tag in `html` as a browser would start to, and checks its name and its attributes' names against
    /// what the templates write: a value that broke out of its text or its quoted attribute would add a tag or an
    /// attribute (`<img …>`, `onerror=`, `onfocus=`).
    static func expectNoInjection(_ html: String, _ context: String) {
        // Scalar by scalar, as a browser's tokenizer reads: a `>` followed by a combining mark still ends a tag.
        let tag = try! Regex(#"<([a-zA-Z][a-zA-Z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>"#).matchingSemantics(.unicodeScalar)
        let attribute = try! Regex(#"\s([^\s=/>"']+)(?:=(?:"[^"]*"|'[^']*'|[^\s>]+))?"#).matchingSemantics(.unicodeScalar)
        var scripts = 0
        for match in html.matches(of: tag) {
            let name = String(match.output[1].substring ?? "").lowercased()
            #expect(allowedTags.contains(name), "\(context): a <\(name)> element")
            if name == "script" { scripts += 1 }
            let attributes = String(match.output[2].substring ?? "")
            for found in attributes.matches(of: attribute) {
                let attributeName = String(found.output[1].substring ?? "").lowercased()
                #expect(allowedAttributes.contains(attributeName), "\(context): an attribute \(attributeName) in <\(name)>")
            }
            #expect(!attributes.lowercased().contains("javascript:"), "\(context): javascript: in <\(name)>")
        }
        #expect(scripts == 1, "\(context): \(scripts) <script> elements")
        #expect(html.contains(#"<script src="/static/app.js" defer></script>"#), "\(context)")
    }

    @Test(arguments: [
        "/?q=police",
        "/?q=%3Cscript%3Ealert(6)%3C%2Fscript%3E+police",
        "/?q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(7)%3E",
        "/?q=police&type=%3Cscript%3Ealert(8)%3C%2Fscript%3E",
        "/?q=police&country=%22+onfocus%3D%22alert(9)",
        "/?q=' onmouseover='alert(10)",
        "/?q=police&issue=%3Csvg+onload%3Dalert(3)%3E",
        "/documents/hostile?q=police+%3Cscript%3E",
        "/documents/%3Cscript%3Ealert(11)%3C%2Fscript%3E",
        // A `<` or `"` joined into one grapheme cluster with a prepended or combining mark.
        "/?q=%D8%80%3Cimg+src%3Dx+onerror%3Dalert(12)+%D8%80%3E",
        "/?q=police%22%CC%81+onfocus%3D%22alert(13)",
        "/?q=police&type=%22%CC%81%3E%3Cmeta+http-equiv%3Drefresh+content%3D0%3Burl%3Dhttps%3A%2F%2Fevil.example%3E",
        "/documents/hostile?q=%D8%80%3C%2Ftitle%D8%80%3E%3Cscript%3E",
    ])
    func hostileTextIsEscaped(path: String) async throws {
        let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(.init(charactersIn: "'"))) ?? path
        let reply = try await Self.server.get(path.contains(" ") ? encoded : path)
        #expect([200, 400, 404].contains(reply.status), "\(path): \(reply.status)")
        #expect(reply.headers["content-type"] == "text/html; charset=utf-8")
        #expect(reply.headers["content-security-policy"]?.contains("script-src 'self'") == true)
        Self.expectNoInjection(reply.body, path)
    }

    @Test func theHostileDocumentIsFoundAndShownAsText() async throws {
        let page = try await Self.server.get("/?q=police")
        #expect(page.body.contains("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt; \u{600}&lt;img src=y onerror=alert(14) \u{600}&gt; Hostile"))
        let document = try await Self.server.get("/documents/hostile?q=police")
        #expect(document.status == 200)
        // The Markdown reader keeps no HTML tags of the body, only their text, which is escaped.
        #expect(document.body.contains("reported with alert(&quot;body&quot;) and"))
        #expect(document.body.contains("{{{mustache}}}"))
        #expect(document.body.contains(#"<mark id="mark-1">Police</mark>"#))
        #expect(document.body.contains(#"lang="en&quot; onfocus=&quot;alert(4)""#))
    }

    @Test(arguments: [
        // Khmer is found inside a run of text with no spaces; the Nepali word by its stem, in another form.
        ("ពលករ", "khmer", #"សមាគម<mark id="mark-1">ពលករ</mark>ចំណាកស្រុក"#, "km"),
        ("कामदार", "nepali", #"घरेलु <mark id="mark-1">कामदारहरूको</mark> अधिकारका"#, "ne"),
        ("যৌনকর্মী", "bengali", #"<mark id="mark-1">যৌনকর্মী</mark> নারীদের"#, "bn"),
    ])
    func textInTheNetworksScriptsIsShownAsItIs(query: String, id: String, marked: String, lang: String) async throws {
        let path = "/?q=" + query.addingPercentEncoding(withAllowedCharacters: .alphanumerics.subtracting(.nonBaseCharacters))!
        let page = try await Self.server.get(path)
        #expect(page.status == 200)
        #expect(page.body.contains(#"<meta charset="utf-8">"#))
        #expect(page.body.contains(#"value="\#(query)""#), "the search box")
        #expect(page.body.contains(#"href="/documents/\#(id)?q="#))
        #expect(page.body.contains(#"<li class="hit" lang="\#(lang)">"#))
        let document = try await Self.server.get("/documents/\(id)?q=" + path.dropFirst(4))
        #expect(document.body.contains(marked), "\(document.body)")
    }

    /// A filter value is taken whole, commas and all, and its facet link, chip and count agree.
    @Test func aFilterValueWithACommaIsOneFilter() async throws {
        let page = try await Self.server.get("/?q=%E1%9E%96%E1%9E%9B%E1%9E%80%E1%9E%9A&country=Cambodia%2C%20Kingdom%20of")
        #expect(page.status == 200)
        #expect(page.body.contains("1 result."), "\(page.body)")
        #expect(page.body.contains(#"aria-label="Remove the filter Country: Cambodia, Kingdom of""#))
        #expect(page.body.contains(#"aria-current="true"><bdi>Cambodia, Kingdom of</bdi></a>"#))
    }

    /// A PDF's hit says its page, and its document view shows each page under its number, with links to the pages
    /// that hold a match.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/groff") && FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext")))
    func aPDFShowsItsPages() async throws {
        let folder = try ServerProcess.folder(corpus: ["report.ms": ".PP\nFirst page.\n.bp\n.PP\nPolice brutality, zqxpagetwo.\n.bp\n.PP\nThird page.\n"])
        let groff = Process()
        groff.executableURL = URL(fileURLWithPath: "/bin/sh")
        groff.arguments = ["-c", "groff -ms -Tpdf corpus/report.ms > corpus/report.pdf && rm corpus/report.ms"]
        groff.currentDirectoryURL = folder
        try groff.run()
        groff.waitUntilExit()
        let server = try ServerProcess(in: folder)
        defer { server.stop() }
        let results = try await server.get("/?q=zqxpagetwo")
        // The year is the PDF's creation date, made just now by groff.
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        #expect(results.body.contains("<bdi>publication</bdi> · <bdi>\(year)</bdi> · p. 2</p>"), "\(results.body)")
        let document = try await server.get("/documents/corpus%2Freport?q=zqxpagetwo")
        #expect(document.status == 200, "\(document.body)")
        #expect(document.body.contains(##"<nav class="pages" aria-label="Pages with a match"><p>On pages: <a href="#page-2">2</a> </p></nav>"##))
        for page in 1...3 { #expect(document.body.contains(#"<section class="page" id="page-\#(page)" aria-label="Page \#(page)"><p class="page-number">p. \#(page)</p>"#)) }
        let second = try #require(document.body.range(of: #"id="page-2""#)), third = try #require(document.body.range(of: #"id="page-3""#))
        let mark = try #require(document.body.range(of: #"<mark id="mark-1">zqxpagetwo</mark>"#))
        #expect(second.upperBound < mark.lowerBound && mark.upperBound < third.lowerBound)
        Self.expectNoInjection(document.body, "the PDF's page")
    }

    @Test func facetsPagingAndDidYouMeanAreLinks() async throws {
        let bundled = try ServerProcess(in: ServerProcess.folder())
        defer { bundled.stop() }
        let page = try await bundled.get("/?q=rights")
        #expect(page.body.contains(#"<nav class="facets" aria-labelledby="refine">"#))
        #expect(page.body.contains(#"<h3 id="facet-type">Type</h3>"#))
        // A facet link searches in the mode its count was made in.
        #expect(page.body.contains(#"<a href="/?q=rights&amp;type=organisation&amp;match=all"><bdi>organisation</bdi></a>"#), "\(page.body)")
        #expect(page.body.contains(#"<a rel="next" href="/?q=rights&amp;offset=10">"#))
        let second = try await bundled.get("/?q=rights&offset=10")
        #expect(second.body.contains(#"<ol start="11">"#))
        #expect(second.body.contains(#"<a rel="prev" href="/?q=rights">"#))
        let filtered = try await bundled.get("/?q=rights&type=organisation")
        #expect(filtered.body.contains(#"aria-label="Remove the filter Type: organisation""#))
        #expect(filtered.body.contains(#"<input type="hidden" name="type" value="organisation">"#))
        let typo = try await bundled.get("/?q=domestik+work")
        #expect(typo.body.contains(#"Did you mean <a href="/?q=domestic%20work"><bdi>domestic work</bdi></a>?"#), "\(typo.body)")
        let empty = try await bundled.get("/")
        #expect(empty.body.contains("20 documents are indexed."))
        #expect(empty.body.contains(#"<label for="q">"#))
        let past = try await bundled.get("/?q=rights&offset=9990")
        #expect(past.body.contains("this page is past the last of them") && past.body.contains(#"<a rel="prev" href="/?q=rights">"#))
    }

    /// Whether `scalar` is one of the explicit bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C).
    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value) || [0x200E, 0x200F, 0x061C].contains(scalar.value)
    }

    /// Checks that `<title>` holds no bidi control, and that every bidi control in the page's text (outside tags and
    /// their attributes) is inside a `<bdi>` element. Returns how many controls it found in the text.
    @discardableResult
    static func expectIsolated(_ html: String, _ context: String) -> Int {
        if let open = html.range(of: "<title>"), let close = html.range(of: "</title>") {
            let title = html[open.upperBound..<close.lowerBound]
            #expect(!title.unicodeScalars.contains(where: isBidiControl), "\(context): a bidi control in <title>\(title)</title>")
        }
        let scalars = Array(html.unicodeScalars)
        var index = 0, depth = 0, found = 0
        while index < scalars.count {
            if scalars[index] == "<" {
                // A tag, to its '>' outside quoted attribute values.
                var end = index + 1, quote: Unicode.Scalar?
                while end < scalars.count, quote != nil || scalars[end] != ">" {
                    if let open = quote { if scalars[end] == open { quote = nil } } else if scalars[end] == "\"" || scalars[end] == "'" { quote = scalars[end] }
                    end += 1
                }
                let tag = String(String.UnicodeScalarView(scalars[index..<min(end + 1, scalars.count)])).lowercased()
                if tag.hasPrefix("<bdi") { depth += 1 } else if tag.hasPrefix("</bdi") { depth -= 1 }
                index = end + 1
                continue
            }
            if isBidiControl(scalars[index]) {
                found += 1
                #expect(depth > 0, "\(context): U+\(String(scalars[index].value, radix: 16, uppercase: true)) outside <bdi> near \(String(String.UnicodeScalarView(scalars[max(0, index - 60)..<index])))")
            }
            index += 1
        }
        #expect(depth == 0, "\(context): unbalanced <bdi>")
        return found
    }

    /// Every value from a document or a request that holds a bidi control shows isolated: titles, ids, paths,
    /// snippets, metadata and facet values, the query echoed back, filters in use, warnings and errors that quote
    /// input; <title> is given without the controls.
    @Test(arguments: [
        "/?q=zqxbidi",
        "/?q=zqxbidi+%E2%80%AEgnp.exe",
        "/?q=zqxbidi&country=%E2%80%AENarnia",
        "/?q=zqxbidi&type=%E2%80%AEnone",
        "/?q=zqxbidi+year:%E2%80%AEsoon",
        "/?q=zqxbidi+%E2%80%AE%22unclosed",
        "/?q=%E2%80%AE",
        "/?q=%E2%81%A9%E2%80%AE+-zqxbidi",
        "/documents/bidi%E2%80%AEgnp.exe?q=zqxbidi",
        "/documents/%E2%80%AEnone",
        "/documents/bidi%E2%80%AEgnp.exe?q=%E2%80%AEzqxbidi",
    ])
    func bidiTextIsIsolated(path: String) async throws {
        let reply = try await Self.server.get(path)
        #expect([200, 400, 404].contains(reply.status), "\(path): \(reply.status)")
        let found = Self.expectIsolated(reply.body, path)
        #expect(found > 0, "\(path): no bidi control in the page's text: \(reply.body)")
        Self.expectNoInjection(reply.body, path)
    }

    /// What the isolation looks like in the source, where it matters most.
    @Test func theIsolatedPlaces() async throws {
        let page = try await Self.server.get("/?q=zqxbidi+%E2%80%AEgnp.exe&country=%E2%80%AENarnia")
        #expect(page.body.contains("<title>zqxbidi gnp.exe · Alliance Search</title>"), "\(page.body)")
        #expect(page.body.contains("<h1>Results for “<bdi>zqxbidi \u{202E}gnp.exe</bdi>”</h1>"), "\(page.body)")
        #expect(page.body.contains("Country: <bdi>\u{202E}Narnia</bdi> <span"), "\(page.body)")
        #expect(page.body.contains("<bdi>Annual zqxbidi report \u{202E}gnp.exe</bdi></a></h3>"), "\(page.body)")
        #expect(page.body.contains("<p class=\"meta\"><bdi>\u{202E}publication</bdi> · <bdi>\u{202E}Narnia</bdi>, <bdi>Oz</bdi> · <bdi>2004</bdi> · <bdi>\u{202E}trafficking</bdi>, <bdi>labour</bdi></p>"), "\(page.body)")
        let document = try await Self.server.get("/documents/bidi%E2%80%AEgnp.exe")
        #expect(document.body.contains("<title>Annual zqxbidi report gnp.exe · Alliance Search</title>"), "\(document.body)")
        #expect(document.body.contains("<dt>Also known as</dt><dd><bdi>\u{202E}first alias</bdi>; <bdi>second alias</bdi></dd>"), "\(document.body)")
        #expect(document.body.contains("<dt>Id</dt><dd><bdi>bidi\u{202E}gnp.exe</bdi></dd>"), "\(document.body)")
        #expect(document.body.contains("<dt>Source file</dt><dd><bdi>corpus/bidi.md</bdi></dd>"), "\(document.body)")
        let missing = try await Self.server.get("/documents/%E2%80%AEnone")
        #expect(missing.body.contains("no document has the id &#39;<bdi>\u{202E}none</bdi>&#39;"), "\(missing.body)")
    }
}
