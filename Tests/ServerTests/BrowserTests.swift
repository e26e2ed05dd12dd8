import Foundation
import Testing

/// The search page in a real browser: headless Chromium loads it, a query is typed and submitted with the Enter key,
/// and the test reads the DOM the browser built. `.ci/run` installs Chromium; without it the test is skipped.
///
/// `ALLIANCE_SCREENSHOT=path.png` also saves a screenshot of the results (the README's).
struct BrowserTests {
    @Test(.enabled(if: Chromium.isAvailable, "needs Chromium (apt-get install chromium)"), .timeLimit(.minutes(3)))
    func aQueryTypedAndSubmittedShowsResultsSnippetsAndFacets() throws {
        let server = try ServerProcess(in: ServerProcess.folder())
        let browser = try Chromium()
        try browser.open(server.base)
        #expect(try browser.evaluate("document.title") as? String == "Search · Alliance Search")
        #expect(try browser.evaluate("document.querySelector('label[for=q]').textContent") as? String == "Search reports, groups and programmes")

        // Type the query into the search box and press Enter: the form is submitted, and the results page loads.
        _ = try browser.evaluate("document.getElementById('q').focus()")
        try browser.type("domestic work")
        try browser.expectingLoad { try browser.press("Enter", code: "Enter", keyCode: 13, text: "\r") }
        let page = try #require(try browser.evaluate("""
            JSON.stringify({
              url: location.pathname + location.search,
              heading: document.querySelector('h1').textContent,
              summary: document.querySelector('.summary').textContent,
              hits: [...document.querySelectorAll('li.hit h3 a')].map(a => a.textContent),
              marks: [...document.querySelectorAll('li.hit .snippet mark')].map(m => m.textContent.toLowerCase()),
              facets: [...document.querySelectorAll('.facets h3')].map(h => h.textContent),
              facetLinks: [...document.querySelectorAll('.facets a')].map(a => a.textContent),
              styled: getComputedStyle(document.querySelector('mark')).backgroundColor
            })
            """) as? String)
        let dom = try #require(try JSONSerialization.jsonObject(with: Data(page.utf8)) as? [String: Any])
        #expect(dom["url"] as? String == "/?q=domestic+work")
        #expect(dom["heading"] as? String == "Results for “domestic work”")
        #expect(dom["summary"] as? String == "3 results.")
        #expect(dom["hits"] as? [String] == [
            "National Domestic Workers Movement (NDWM)", "Sindicato de Trabajadoras Domésticas (SINTRASEDOM)",
            "Association of Indonesian Migrant Workers in Hong Kong (ATKI-HK)",
        ])
        let marks = dom["marks"] as? [String] ?? []
        #expect(marks.contains("domestic work") && marks.contains("domestic workers"), "\(marks)")
        #expect(dom["facets"] as? [String] == ["Type", "Country", "Issue"])
        #expect((dom["facetLinks"] as? [String])?.contains("organisation") == true)
        // The style sheet loaded (CSP allows it): marks have their background.
        #expect(dom["styled"] as? String != "rgba(0, 0, 0, 0)")

        // The script loaded too: "/" moves the focus back to the search box.
        _ = try browser.evaluate("document.querySelector('li.hit h3 a').focus()")
        try browser.press("/", code: "Slash", keyCode: 191, text: "/")
        #expect(try browser.evaluate("document.activeElement.id") as? String == "q")

        if let path = ProcessInfo.processInfo.environment["ALLIANCE_SCREENSHOT"] {
            try browser.screenshot().write(to: URL(fileURLWithPath: path))
        }

        // A facet link narrows the results to as many documents as its count said.
        let india = try browser.evaluate("[...document.querySelectorAll('.facets a')].find(a => a.textContent === 'India').nextElementSibling.firstChild.textContent") as? String
        try browser.expectingLoad { _ = try browser.evaluate("[...document.querySelectorAll('.facets a')].find(a => a.textContent === 'India').click()") }
        #expect(try browser.evaluate("location.search") as? String == "?q=domestic%20work&country=India&match=all")
        #expect(try browser.evaluate("String(document.querySelectorAll('li.hit').length)") as? String == india)
        let places = try browser.evaluate("[...document.querySelectorAll('li.hit .meta')].map(p => p.textContent.split(' · ')[1])") as? [String]
        #expect(places?.isEmpty == false && places?.allSatisfy { $0.contains("India") } == true, "\(places ?? [])")
        try browser.expectingLoad { _ = try browser.evaluate("document.querySelector('li.hit h3 a').click()") }
        #expect(try browser.evaluate("document.querySelector('h1').textContent") as? String == "National Domestic Workers Movement (NDWM)")
        #expect((try browser.evaluate("document.querySelectorAll('.text mark').length") as? Int ?? 0) > 5)
        #expect(browser.logEntries.filter { $0.contains("Content Security Policy") }.isEmpty, "\(browser.logEntries)")
    }

    /// Where a browser draws text with a right-to-left override (U+202E): inside its own value only. The closing
    /// quote after the query in the heading stays right of the query, and in a hit's details each value stays
    /// between its separators, in order; the tab's title has no override left.
    @Test(.enabled(if: Chromium.isAvailable, "needs Chromium (apt-get install chromium)"), .timeLimit(.minutes(3)))
    func bidiTextIsDrawnInItsPlace() throws {
        let server = try ServerProcess(in: ServerProcess.folder(corpus: ["bidi.md": SearchPageTests.bidiDocument]))
        let browser = try Chromium()
        try browser.open(try #require(URL(string: server.base.absoluteString + "?q=zqxbidi+%E2%80%AEgnp.exe")))
        #expect(try browser.evaluate("document.title") as? String == "zqxbidi gnp.exe · Alliance Search")
        // Each character of an element's text with where it is drawn, in the text's order.
        let layout = try #require(try browser.evaluate("""
            (() => {
              function drawn(element) {
                const out = [], walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
                while (walker.nextNode()) {
                  const node = walker.currentNode;
                  for (let i = 0; i < node.length; i++) {
                    const range = document.createRange();
                    range.setStart(node, i); range.setEnd(node, i + 1);
                    const box = range.getBoundingClientRect();
                    out.push({c: node.data[i], left: box.left, right: box.right, width: box.width});
                  }
                }
                return out.filter(x => x.width > 0);
              }
              return JSON.stringify({heading: drawn(document.querySelector('h1')), meta: drawn(document.querySelector('li.hit .meta'))});
            })()
            """) as? String)
        struct Glyph: Decodable { var c: String; var left: Double; var right: Double }
        struct Layout: Decodable { var heading: [Glyph]; var meta: [Glyph] }
        let drawn = try JSONDecoder().decode(Layout.self, from: Data(layout.utf8))
        let heading = drawn.heading.map(\.c).joined()
        #expect(heading == "Results for “zqxbidi gnp.exe”", "\(heading)")
        // The query's characters, and the closing quote after them.
        let query = drawn.heading.dropLast().suffix("zqxbidi gnp.exe".count)
        let quote = try #require(drawn.heading.last)
        #expect(quote.c == "”")
        #expect(quote.left >= (query.map(\.right).max() ?? .infinity) - 0.5, "the closing quote is drawn inside the query: \(drawn.heading)")
        // In the details, the separators are drawn left to right, each value between the two around it.
        let separators = drawn.meta.enumerated().filter { $0.element.c == "·" }
        #expect(separators.count == 3, "\(drawn.meta.map(\.c).joined())")
        #expect(zip(separators, separators.dropFirst()).allSatisfy { $0.element.right <= $1.element.left }, "\(drawn.meta)")
        var start = 0
        for separator in separators + [(offset: drawn.meta.count, element: Glyph(c: "", left: .infinity, right: .infinity))] {
            let value = drawn.meta[start..<separator.offset].filter { $0.c != " " }
            let before = start == 0 ? -Double.infinity : drawn.meta[start - 1].right
            #expect(value.allSatisfy { $0.left >= before - 0.5 && $0.right <= separator.element.left + 0.5 }, "\(value.map(\.c).joined()) is drawn outside its place")
            start = separator.offset + 1
        }
    }
}
