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
    ]))

    /// The elements and attributes the templates write. Any other one in a page's source came from a value.
    static let allowedTags: Set<String> = [
        "html", "head", "meta", "title", "link", "script", "body", "a", "header", "p", "form", "label", "div", "input",
        "button", "main", "h1", "h2", "h3", "ul", "ol", "li", "nav", "section", "span", "mark", "footer", "article",
        "dl", "dt", "dd",
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
        let tag = try! Regex(#"<([a-zA-Z][a-zA-Z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>"#)
        let attribute = try! Regex(#"\s([^\s=/>"']+)(?:=(?:"[^"]*"|'[^']*'|[^\s>]+))?"#)
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
        #expect(page.body.contains(#"aria-current="true">Cambodia, Kingdom of</a>"#))
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
        #expect(results.body.contains("publication · \(year) · p. 2</p>"), "\(results.body)")
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
        #expect(page.body.contains(#"<a href="/?q=rights&amp;type=organisation&amp;match=all">organisation</a>"#), "\(page.body)")
        #expect(page.body.contains(#"<a rel="next" href="/?q=rights&amp;offset=10">"#))
        let second = try await bundled.get("/?q=rights&offset=10")
        #expect(second.body.contains(#"<ol start="11">"#))
        #expect(second.body.contains(#"<a rel="prev" href="/?q=rights">"#))
        let filtered = try await bundled.get("/?q=rights&type=organisation")
        #expect(filtered.body.contains(#"aria-label="Remove the filter Type: organisation""#))
        #expect(filtered.body.contains(#"<input type="hidden" name="type" value="organisation">"#))
        let typo = try await bundled.get("/?q=domestik+work")
        #expect(typo.body.contains(#"Did you mean <a href="/?q=domestic%20work">domestic work</a>?"#), "\(typo.body)")
        let empty = try await bundled.get("/")
        #expect(empty.body.contains("20 documents are indexed."))
        #expect(empty.body.contains(#"<label for="q">"#))
        let past = try await bundled.get("/?q=rights&offset=9990")
        #expect(past.body.contains("this page is past the last of them") && past.body.contains(#"<a rel="prev" href="/?q=rights">"#))
    }
}
