import Foundation
import Testing
@testable import AllianceSearch

struct DocumentReaderTests {
    private func read(_ text: String, format: DocumentFormat = .markdown, path: String = "doc.md") -> DocumentReader.Reading {
        DocumentReader.read(Data(text.utf8), path: path, format: format, defaultID: "folder/doc")
    }

    @Test func readsFrontMatterFieldsAndStripsMarkdown() throws {
        let reading = read("""
            ---
            id: sintrasedom
            type: Organisation
            title: Sindicato de Trabajadoras Domésticas
            aliases: [SINTRASEDOM]
            issues: [domestic work, labour rights]
            country: Colombia
            languages: [es]
            year: 1986
            ---
            # SINTRASEDOM

            A **union** of [domestic workers](https://example.org).
            """)
        #expect(reading.errors.isEmpty)
        let document = try #require(reading.documents.first)
        #expect(document.id == "sintrasedom")
        #expect(document.type == "organisation")
        #expect(document.title == "Sindicato de Trabajadoras Domésticas")
        #expect(document.aliases == ["SINTRASEDOM"])
        #expect(document.issues == ["domestic work", "labour rights"])
        #expect(document.body == "SINTRASEDOM\n\nA union of domestic workers.")
        #expect(document.metadata == ["country": .string("Colombia"), "languages": .array([.string("es")]), "year": .int(1986)])
    }

    @Test func markdownWithoutFrontMatterTakesItsTitleFromTheFirstHeadingAndItsIDFromThePath() throws {
        let document = try #require(read("Intro line\n\n# Realising Rights\n\nText.").documents.first)
        #expect(document.title == "Realising Rights")
        #expect(document.id == "folder/doc")
        #expect(document.type == "page")
    }

    @Test func aFirstHeadingThatRepeatsTheTitleLeavesTheBody() throws {
        let document = try #require(read("---\ntitle: Shakti Samuha\n---\n# Shakti Samuha\n\nSurvivors lead it.").documents.first)
        #expect(document.body == "Survivors lead it.")
        let untitled = try #require(read("# Genera\n\nA member group.").documents.first)
        #expect((untitled.title, untitled.body) == ("Genera", "A member group."))
    }

    @Test func plainTextTakesTheFirstLineAsTitle() throws {
        let document = try #require(read("Partners in Change\nStories of women's collectives.\n", format: .plainText, path: "p.txt").documents.first)
        #expect(document.title == "Partners in Change")
        #expect(document.body == "Stories of women's collectives.")
    }

    @Test func jsonLinesReadsEachRecordAndReportsBadLinesByNumber() {
        let reading = read(
            """
            {"id": "a", "title": "First", "body": "domestic work", "country": "India"}

            {"id": "b", "title": "Second"
            {"title": "No id", "body": "x"}
            {"id": 7, "title": "Numeric id", "text": "body from text"}
            {"id": "a", "title": "Again"}
            [1, 2]
            """, format: .jsonLines, path: "export.jsonl")
        // A repeated id is ingest's to refuse (`IngesterTests`): it knows the ids of every file and batch.
        #expect(reading.documents.map(\.id) == ["a", "7", "a"])
        #expect(reading.documents.map(\.line) == [1, 5, 6])
        #expect(reading.documents[1].body == "body from text")
        #expect(reading.documents[0].metadata == ["country": .string("India")])
        #expect(reading.errors.map(\.line) == [3, 4, 7])
        #expect(reading.errors.allSatisfy { $0.path == "export.jsonl" })
        #expect(reading.errors[1].message.contains("missing \"id\""))
    }

    /// Broken files: each error names the file and the line to look at.
    @Test(arguments: [
        ("---\ntitle: [unclosed\n---\nBody", 3, "invalid YAML front matter"),
        ("---\nid: x\ntitle: A\n  bad: indent\n---\nBody", 4, "invalid YAML front matter"),
        ("---\nid: x\ntype: organisation\n---\nNo heading either", 1, "missing title"),
        ("---\nid: x\ntitle: [a, b]\n---\n", 3, "'title' must be a single value"),
        ("---\nid: x\ntitle: A\nissues: {a: 1}\n---\n", 4, "'issues' must be a list"),
        ("---\nid: x\ntitle: Never closed\n", 1, "never closed"),
        ("---\n- just\n- a list\n---\n", 2, "must be a mapping"),
        ("---\ntitle: A\ntitle: B\n---\n", 3, "set twice"),
    ])
    func brokenMarkdownNamesTheLine(text: String, line: Int, message: String) {
        let reading = read(text)
        #expect(reading.documents.isEmpty)
        let error = reading.errors.first
        #expect(error?.path == "doc.md")
        #expect(error?.line == line, "line for \(text.debugDescription): \(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    /// YAML 1.2 core typing: names stay as written, `no` is not `false`, `010` is not octal.
    @Test func frontMatterKeepsNamesAsWritten() throws {
        let document = try #require(read("""
            ---
            id: 010
            title: yes
            country: NO
            languages: [no, en]
            year: 2004
            ratio: 1.5
            draft: false
            code: 0123
            tagged: !!str 2004
            phone: 004512345678901234567
            big: 12345678901234567890123
            note: ~
            ---
            Body
            """).documents.first)
        #expect(document.id == "010")
        #expect(document.title == "yes")
        #expect(document.metadata["country"] == .string("NO"))
        #expect(document.metadata["languages"] == .array([.string("no"), .string("en")]))
        #expect(document.metadata["year"] == .int(2004))
        #expect(document.metadata["ratio"] == .double(1.5))
        #expect(document.metadata["draft"] == .bool(false))
        #expect(document.metadata["code"] == .string("0123"))
        #expect(document.metadata["note"] == .null)
        #expect(document.metadata["tagged"] == .string("2004"))
        #expect(document.metadata["phone"] == .string("004512345678901234567"))
        #expect(document.metadata["big"] == .string("12345678901234567890123"))
    }

    @Test(arguments: [
        (#"{"id": "  ", "title": "Blank id"}"#, #"missing "id": every JSONL record needs a stable id"#),
        (#"{"id": "x", "title": "T", "body": {"nested": 1}}"#, #""body" must be a string"#),
        (#"{"id": "x", "title": "T", "body": "", "text": "other"}"#, #"both "body" and "text" are set; keep one of them"#),
        (#"{"id": "x", "title": "   "}"#, "missing title: add a 'title' field"),
        // JSON faults say what is wrong and where (`JSONParserTests` has them all); a repeated key is refused, as in
        // front matter, rather than the first one silently winning.
        (#"{"id": "x", "title": "T", "title": "U"}"#, #"invalid JSON at column 27: the key "title" appears twice in one object; keep one of them"#),
        (#"{"id": "x", "title": "T", "body": "\ud800"}"#, #"invalid JSON at column 36: the escape \uD800 is half of a surrogate pair, and no \uDC00–\uDFFF escape follows it; escape the whole character (a \uD800–\uDBFF escape, then a \uDC00–\uDFFF one) or write it as it is"#),
        (#"{"id": "x", "title": "T", "n": "# + String(repeating: "[", count: 600), "invalid JSON at column 543: nested deeper than 512 arrays and objects; flatten the value"),
        (#"{"id": "x", "title": "T",}"#, "invalid JSON at column 25: a trailing comma before }; remove the comma"),
        (#"["id", "x"]"#, #"not a JSON object but an array; each line must be one object such as {"id": …, "title": …, "body": …}"#),
    ])
    func badJSONLRecordsAreRefused(line: String, message: String) {
        let reading = read(line, format: .jsonLines, path: "x.jsonl")
        #expect(reading.documents.isEmpty)
        #expect(reading.errors.first?.message == message)
    }

    @Test func invalidUTF8NamesTheLineAndByte() {
        var data = Data("---\ntitle: Ok\n---\nline four\nbad: ".utf8)
        data.append(contentsOf: [0xC3, 0x28])
        let reading = DocumentReader.read(data, path: "bad.md", format: .markdown, defaultID: "bad")
        #expect(reading.documents.isEmpty)
        #expect(reading.errors.first?.description == "bad.md:5: invalid UTF-8 at byte 33; re-save the file as UTF-8 (for example with `iconv -t UTF-8`)")
    }

    @Test func emptyTextFileIsMissingItsTitle() {
        let reading = read("\n\nbody", format: .plainText, path: "empty.txt")
        #expect(reading.errors.first?.description == "empty.txt:1: missing title: the first line of a .txt file is its title")
    }

    @Test func byteOrderMarkAndWindowsLineEndingsAreAccepted() throws {
        var data = Data([0xEF, 0xBB, 0xBF])
        data.append(Data("---\r\nid: w\r\ntitle: Windows file\r\n---\r\nBody text\r\n".utf8))
        let document = try #require(DocumentReader.read(data, path: "w.md", format: .markdown, defaultID: "w").documents.first)
        #expect(document.title == "Windows file")
        #expect(document.body == "Body text")
    }
}
