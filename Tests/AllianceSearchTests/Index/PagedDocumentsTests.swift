import Foundation
import Testing
@testable import AllianceSearch

/// PDFs and HTML pages through ingest: indexed beside Markdown, found with their pages, updated when they or their
/// sidecars change, and purged like any document.
@Suite(.enabled(if: PDFFixtures.haveTools, "needs groff, ghostscript and poppler-utils (.ci/run installs them)"))
struct PagedDocumentsTests {
    @Test func pdfAndHTMLBesideMarkdown() throws {
        let space = try IngesterTests.Workspace([
            "orgs/a.md": Fixtures.markdown(id: "a", title: "Alpha collective", body: "Domestic workers organising."),
            "web/page.html": "<html><head><title>Saved page</title><script>var zqxscript = 1;</script></head><body><nav>zqxnav</nav><p>Returnee migrants speak.</p></body></html>",
        ])
        defer { space.remove() }
        try PDFFixtures.make(
            pages: ["Respect and relevance, first page.", "Police brutality and zqxpagetwo.", "Trabajo doméstico, zqxpagethree."],
            at: space.corpus.appendingPathComponent("reports/respect.pdf"))
        try Data("id: respect\ntitle: Respect & Relevance\nissues: [self-organisation]\n".utf8)
            .write(to: space.corpus.appendingPathComponent("reports/respect.yaml"))
        try Data("%PDF-1.4 cut short".utf8).write(to: space.corpus.appendingPathComponent("reports/broken.pdf"))

        var report = try space.ingest()
        #expect(report.added == 3)
        #expect(report.errors.map(\.path) == [DisplayPath.relative(space.corpus.appendingPathComponent("reports/broken.pdf").path)])
        let engine = SearchEngine(index: try SearchIndex.openForReading(at: space.indexPath))
        let hit = try #require(try engine.search(SearchRequest(query: "zqxpagetwo")).hits.first)
        #expect(hit.id == "respect" && hit.title == "Respect & Relevance")
        #expect(hit.page == 2 && hit.pages == [2])
        let both = try #require(try engine.search(SearchRequest(query: "zqxpagetwo OR zqxpagethree")).hits.first)
        #expect(both.pages == [2, 3])
        #expect(try space.ids("returnee") == ["corpus/web/page"])
        #expect(try space.ids("zqxscript").isEmpty && space.ids("zqxnav").isEmpty)
        #expect(try engine.search(SearchRequest(query: "organising")).hits.first?.page == nil, "Markdown has no pages")

        // Unchanged: nothing is read again. A new sidecar alone updates the PDF's document.
        report = try space.ingest()
        #expect((report.added, report.updated, report.unchanged) == (0, 0, 3))
        try Data("id: respect\ntitle: Respect and Relevance (2nd edition)\n".utf8)
            .write(to: space.corpus.appendingPathComponent("reports/respect.yaml"))
        report = try space.ingest()
        #expect((report.added, report.updated, report.unchanged) == (0, 1, 2))
        #expect(try space.ids("edition") == ["respect"])

        // Purged: gone from the index.
        let purged = try Purge.run(ids: ["respect"], indexPath: space.indexPath)
        #expect(purged.purged == ["respect"])
        #expect(try space.ids("zqxpagetwo").isEmpty)
    }

    /// A sidecar added, edited to the same size with an older date (as `cp -p` restores one), and deleted: each
    /// change alone updates the PDF's document.
    @Test func everyChangeToASidecarAloneIsSeen() throws {
        let space = try IngesterTests.Workspace([:])
        defer { space.remove() }
        let pdf = space.corpus.appendingPathComponent("report.pdf")
        let sidecar = space.corpus.appendingPathComponent("report.yaml")
        try PDFFixtures.make(pages: ["Recruitment fees."], at: pdf)
        _ = try space.ingest()
        func title() throws -> String? {
            try SearchEngine(index: SearchIndex.openForReading(at: space.indexPath)).search(SearchRequest(query: "recruitment")).hits.first?.title
        }
        #expect(try title() == "report")

        try Data("title: Fees one\n".utf8).write(to: sidecar)
        #expect(try space.ingest().updated == 1)
        #expect(try title() == "Fees one")

        let older = Date(timeIntervalSinceNow: -86_400 * 30)
        try Data("title: Fees two\n".utf8).write(to: sidecar)
        try FileManager.default.setAttributes([.modificationDate: older], ofItemAtPath: sidecar.path)
        #expect(try space.ingest().updated == 1)
        #expect(try title() == "Fees two")

        try FileManager.default.removeItem(at: sidecar)
        #expect(try space.ingest().updated == 1)
        #expect(try title() == "report")
        #expect((try space.ingest().unchanged, try space.ingest().updated) == (1, 0))
    }

    @Test func aScannedPDFIsAWarningNotAFailure() throws {
        let space = try IngesterTests.Workspace([:])
        defer { space.remove() }
        try PDFFixtures.makeScanned(at: space.corpus.appendingPathComponent("scan.pdf"))
        try Data("title: Field notes, scanned\n".utf8).write(to: space.corpus.appendingPathComponent("scan.yaml"))
        let report = try space.ingest()
        #expect(report.errors.isEmpty && report.added == 1)
        #expect(report.warnings.count == 1 && report.warnings[0].message.hasPrefix("no text layer on any of its 2 pages"))
        #expect(try space.ids("title:scanned") == ["corpus/scan"])
    }
}
