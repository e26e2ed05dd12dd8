import Testing
@testable import AllianceServer

/// Query strings decoded strictly, and the page's links encoded so that no value can escape its parameter.
struct QueryStringTests {
    @Test(arguments: [
        ("q=domestic+work", [("q", "domestic work")]),
        ("q=trabajo%20dom%C3%A9stico&type=organisation", [("q", "trabajo doméstico"), ("type", "organisation")]),
        ("q=%E1%9E%80%E1%9E%98%E1%9F%92%E1%9E%98%E1%9E%80%E1%9E%9A", [("q", "កម្មករ")]),
        ("q=a%2Bb%26c%3Dd", [("q", "a+b&c=d")]),
        ("q&type=", [("q", ""), ("type", "")]),
        ("&&q=x&&", [("q", "x")]),
    ])
    func decodes(query: String, expected: [(String, String)]) throws {
        let decoded = try QueryString(query)
        #expect(decoded.pairs.map(\.name) == expected.map(\.0))
        #expect(decoded.pairs.map(\.value) == expected.map(\.1))
    }

    @Test(arguments: [
        ("q=%zz", "parameter 'q' is not valid percent-encoded UTF-8"),
        ("q=%C3%28", "parameter 'q' is not valid percent-encoded UTF-8"),
        ("q=%", "parameter 'q' is not valid percent-encoded UTF-8"),
        (String(repeating: "a=1&", count: 65), "more than 64 parameters"),
        ("q=" + String(repeating: "x", count: 16_384), "the query string is longer than 16384 bytes"),
    ])
    func refusesWithTheReason(query: String, message: String) {
        #expect(throws: ServerError(status: .badRequest, message: .init(stringLiteral: message))) { try QueryString(query) }
    }

    @Test func linksEncodeEveryValueAndRoundTrip() throws {
        let hostile = "\"><script>alert(1)</script>&offset=99 'x' #frag /../"
        let link = PageLink(query: hostile, filters: [(name: "type", value: "a&b=c"), (name: "issue", value: "trabajo doméstico")], offset: 20)
        let href = link.href
        #expect(!href.contains("<") && !href.contains("\"") && !href.contains("'") && !href.contains(" ") && !href.contains("#"))
        let back = SearchPage.link(from: try QueryString(String(href.dropFirst(2))))
        #expect(back == link)
        #expect(PageLink.document("corpus/notes", query: "") == "/documents/corpus%2Fnotes")
    }

    @Test func htmlTextEscapesAndMarks() {
        #expect(HTMLText.escape(#"<a href="x" onclick='y'>&</a>"#) == "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;")
        // Offsets count Unicode scalars: each of the two words is 6 (a base letter and its signs are several).
        let text = "<b>កម្មករ</b> and श्रमिक & co"
        let khmer = 3..<9, nepali = 18..<24
        #expect(HTMLText.marked(text, ranges: [khmer, nepali]) == "&lt;b&gt;<mark>កម្មករ</mark>&lt;/b&gt; and <mark>श्रमिक</mark> &amp; co")
        #expect(HTMLText.marked("abc", ranges: [1..<99]) == "a<mark>bc</mark>")
        #expect(HTMLText.marked("abc", ranges: [0..<1], numbered: true) == #"<mark id="mark-1">a</mark>bc"#)
    }
}
