import Foundation
import Testing
@testable import AllianceSearch

/// PDFs: text page by page, metadata and sidecars, and a clear message for each PDF that cannot be read.
@Suite(.enabled(if: PDFFixtures.haveTools, "needs groff, ghostscript and poppler-utils (.ci/run installs them)"))
struct PDFReaderTests {
    let folder: URL

    init() throws {
        folder = try Fixtures.temporaryFolder()
    }

    private func read(_ url: URL) -> DocumentReader.Reading {
        PDFReader.read(
            path: url.path, display: url.lastPathComponent, defaultID: "reports/" + url.deletingPathExtension().lastPathComponent,
            sidecarPath: Sidecar.path(for: url.path))
    }

    @Test func eachPageIsKeptWithWhereItStarts() throws {
        let url = folder.appendingPathComponent("respect.pdf")
        try PDFFixtures.make(pages: ["First page about domestic work.", "Second page: police brutality.", "Trabajo doméstico en la tercera página."], at: url)
        let reading = read(url)
        #expect(reading.errors.isEmpty && reading.warnings.isEmpty)
        let document = try #require(reading.documents.first)
        #expect(document.id == "reports/respect")
        #expect(document.title == "respect", "no title in the PDF: the file's name")
        #expect(document.type == "publication")
        #expect(document.metadata["pages"] == .int(3))
        #expect(document.pageStarts.count == 3)
        let scalars = Array(document.body.unicodeScalars)
        for (number, start) in document.pageStarts.enumerated() {
            let end = number + 1 < document.pageStarts.count ? document.pageStarts[number + 1] : scalars.count
            let page = String(String.UnicodeScalarView(scalars[start..<end])).trimmingCharacters(in: .whitespacesAndNewlines)
            // groff heads pages 2 and 3 with their number, "-2-": that is on the page too.
            #expect(page.contains(["First page", "Second page", "Trabajo doméstico"][number]), "page \(number + 1): \(page)")
            #expect(number == 0 || page.hasPrefix("-\(number + 1)-"))
        }
        let police = try #require(document.body.range(of: "police"))
        let offset = document.body.unicodeScalars.distance(from: document.body.unicodeScalars.startIndex, to: police.lowerBound)
        #expect(Document.page(at: offset, pageStarts: document.pageStarts) == 2)
        #expect(Document.page(at: 0, pageStarts: document.pageStarts) == 1)
        #expect(Document.page(at: scalars.count, pageStarts: document.pageStarts) == 3)
    }

    /// A page without text keeps its number: the pages after it are where they are in the PDF.
    @Test func anEmptyPageInTheMiddleKeepsTheNumbering() throws {
        let url = folder.appendingPathComponent("gap.pdf")
        try PDFFixtures.makeWithBlankPages(["Page one.", "", "Page three, zqxthree."], at: url)
        let document = try #require(read(url).documents.first)
        #expect(document.metadata["pages"] == .int(3))
        #expect(document.pageStarts.count == 3)
        let marker = try #require(document.body.range(of: "zqxthree"))
        let offset = document.body.unicodeScalars.distance(from: document.body.unicodeScalars.startIndex, to: marker.lowerBound)
        #expect(Document.page(at: offset, pageStarts: document.pageStarts) == 3)
    }

    @Test func aSidecarOverridesAndAddsFields() throws {
        let url = folder.appendingPathComponent("speak-out.pdf")
        try PDFFixtures.make(pages: ["Sex workers raise their voices."], at: url)
        try Data("""
            id: speak-out
            title: Speak Out, Take Action
            type: publication
            issues: [police brutality, sex work]
            country: [Bangladesh, Cambodia, India]
            languages: [en]
            year: 2004

            """.utf8).write(to: folder.appendingPathComponent("speak-out.yaml"))
        let document = try #require(read(url).documents.first)
        #expect(document.id == "speak-out")
        #expect(document.title == "Speak Out, Take Action")
        #expect(document.issues == ["police brutality", "sex work"])
        #expect(document.metadata["country"]?.textList == ["Bangladesh", "Cambodia", "India"])
        #expect(document.metadata["year"] == .int(2004))

        try Data("title: [a, b]\n".utf8).write(to: folder.appendingPathComponent("speak-out.yaml"))
        let broken = read(url)
        #expect(broken.documents.isEmpty)
        #expect(broken.errors.map(\.description) == ["speak-out.yaml:1: 'title' must be a single value, not a list or a mapping"])
    }

    @Test func aPDFWithoutTextIsIndexedByItsMetadataWithAWarning() throws {
        let url = folder.appendingPathComponent("scanned.pdf")
        try PDFFixtures.makeScanned(at: url)
        // The fixture is what a scan is: an image on each page, and no text.
        let images = try PDFFixtures.shell("pdfimages -list '\(url.path)' | tail -n +3 | wc -l", in: folder)
        #expect(images.trimmingCharacters(in: .whitespacesAndNewlines) == "2")
        let reading = read(url)
        #expect(reading.errors.isEmpty)
        #expect(reading.warnings.map(\.message) == [
            "no text layer on any of its 2 pages (a scanned PDF?): indexed by its title and metadata alone; run OCR on it (for example `ocrmypdf`) to search its text",
        ])
        let document = try #require(reading.documents.first)
        #expect(document.body.isEmpty && document.pageStarts.isEmpty)
        #expect(document.metadata["pages"] == .int(2))
    }

    @Test func anEncryptedADamagedAndANonPDFFileAreErrorsThatSayWhatToDo() throws {
        let good = folder.appendingPathComponent("good.pdf")
        try PDFFixtures.make(pages: ["Text."], at: good)
        let encrypted = folder.appendingPathComponent("locked.pdf")
        try PDFFixtures.makeEncrypted(from: good, at: encrypted)
        let truncated = folder.appendingPathComponent("cut.pdf")
        try Data(try Data(contentsOf: good).prefix(600)).write(to: truncated)
        let notPDF = folder.appendingPathComponent("minutes.pdf")
        try Data("Minutes of the March meeting".utf8).write(to: notPDF)
        let cases: [(URL, String)] = [
            (encrypted, "encrypted: it needs a password to be read; decrypt a copy"),
            (truncated, "damaged, or not a PDF (poppler: "),
            (notPDF, "damaged, or not a PDF (poppler: "),
        ]
        for (url, message) in cases {
            let reading = read(url)
            #expect(reading.documents.isEmpty, "\(url.lastPathComponent)")
            #expect(reading.errors.count == 1 && reading.errors[0].message.hasPrefix(message), "\(url.lastPathComponent): \(reading.errors)")
            #expect(reading.errors.first?.path == url.lastPathComponent)
        }
    }
}

/// The Debian Reference in English, Spanish and Indonesian, and Alice in Wonderland, from Debian packages: a word
/// found on one page only is found with that page, in each language.
@Suite(.enabled(if: PDFFixtures.haveTools && PDFFixtures.haveReal, "needs scripts/fetch-pdf-fixtures.sh (run by .ci/run)"))
struct RealPDFTests {
    static let space: IngesterTests.Workspace = {
        let space = try! IngesterTests.Workspace([:])
        for name in ["debian-reference.en.pdf", "debian-reference.es.pdf", "debian-reference.id.pdf", "carroll-wonderland.pdf"] {
            try! FileManager.default.createDirectory(at: space.corpus, withIntermediateDirectories: true)
            try! FileManager.default.copyItem(at: PDFFixtures.real(name), to: space.corpus.appendingPathComponent(name))
        }
        let report = try! space.ingest()
        precondition(report.errors.isEmpty && report.added == 4, "\(report.errors)")
        return space
    }()

    @Test(arguments: [
        ("abbreviated", "debian-reference.en", 253),  // English, on page 253 only
        ("abrumador", "debian-reference.es", 108),  // Spanish
        ("abstraksi", "debian-reference.id", 126),  // Indonesian
        ("affectionately", "carroll-wonderland", 58),
    ])
    func aWordOnOnePageIsFoundWithThatPage(word: String, file: String, page: Int) throws {
        let results = try SearchEngine(index: SearchIndex.openForReading(at: Self.space.indexPath)).search(SearchRequest(query: word))
        let hit = try #require(results.hits.first)
        #expect(hit.path.hasSuffix("/\(file).pdf"))
        #expect(hit.page == page)
        #expect(hit.pages == [page])
        #expect(hit.snippets.first?.page == page)
        #expect(hit.snippets.first?.text.lowercased().contains(word) == true, "\(hit.snippets)")
    }

    @Test func theInfoDictionaryGivesTitleAuthorAndDate() throws {
        let results = try SearchEngine(index: SearchIndex.openForReading(at: Self.space.indexPath)).search(SearchRequest(query: "title:debian", match: .all))
        let english = try #require(results.hits.first { $0.path.hasSuffix("debian-reference.en.pdf") })
        #expect(english.title == "Debian Reference")
        #expect(english.metadata["author"]?.text == "Osamu Aoki")
        #expect(english.metadata["year"] == .int(2023))
        #expect(english.metadata["pages"] == .int(261))
    }
}
