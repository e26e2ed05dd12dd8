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
}
