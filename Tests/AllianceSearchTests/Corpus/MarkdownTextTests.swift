import Testing
@testable import AllianceSearch

struct MarkdownTextTests {
    @Test(arguments: [
        ("# Heading", "Heading"),
        ("## Closed heading ##", "Closed heading"),
        ("Some **bold** and *italic* and __strong__ text", "Some bold and italic and strong text"),
        ("snake_case_word stays", "snake_case_word stays"),
        ("A [link](https://gaatw.org/) here", "A link here"),
        ("An ![image alt](pic.png) here", "An image alt here"),
        ("A [reference][ref] link", "A reference link"),
        ("[ref]: https://example.org", ""),
        ("> quoted line", "quoted line"),
        ("- bullet item", "bullet item"),
        ("12. numbered item", "numbered item"),
        ("- [x] done task", "done task"),
        ("Inline `code` span", "Inline code span"),
        ("Escaped \\*stars\\*", "Escaped *stars*"),
        ("Text <b>with</b> tags", "Text with tags"),
        ("Autolink <https://gaatw.org>", "Autolink https://gaatw.org"),
        ("a < b and c > d", "a < b and c > d"),
        ("Before <!-- hidden --> after", "Before  after"),
        ("***", ""),
        ("Setext\n======", "Setext"),
        ("```swift\nlet code = 1\n```", "let code = 1"),
        ("Para one.\n\nPara two.", "Para one.\n\nPara two."),
        ("**trabajadoras domésticas** en Colombia", "trabajadoras domésticas en Colombia"),
        ("**शक्ति समूह** नेपाल", "शक्ति समूह नेपाल"),
    ])
    func strips(markdown: String, expected: String) {
        #expect(MarkdownText.plainText(Substring(markdown)) == expected, "stripping \(markdown.debugDescription)")
    }

    @Test(arguments: ["[", "<", "[x](", "<a "])
    func longLinesOfUnclosedSyntaxAreKeptAsText(unit: String) {
        let line = String(repeating: unit, count: 5_000)
        #expect(MarkdownText.plainText(Substring(line)).count == line.count)
    }

    @Test func multiLineCommentIsDropped() {
        let text = "Keep\n<!-- start\nhidden\nend -->\nAlso kept"
        #expect(MarkdownText.plainText(Substring(text)) == "Keep\n\nAlso kept")
    }
}
