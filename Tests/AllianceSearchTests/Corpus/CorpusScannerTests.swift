import Foundation
import Testing
@testable import AllianceSearch

struct CorpusScannerTests {
    @Test func findsDocumentsSortedAndSkipsHiddenAndOtherFiles() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Fixtures.write([
            "b/two.md": "# Two", "a/one.txt": "One", "export.jsonl": "", "photo.jpg": "x", "issues.yaml": "issues: []",
            "report.pdf": "%PDF", "report.yaml": "title: Report\n", "site/page.htm": "<p>", ".hidden.md": "# Hidden",
            ".git/config.md": "# No",
        ], under: folder)
        let scan = try CorpusScanner.scan(roots: [folder.path])
        #expect(scan.files.map { DisplayPath.relative($0.path, to: folder.path) } == ["a/one.txt", "b/two.md", "export.jsonl", "report.pdf", "site/page.htm"])
        #expect(scan.files.map(\.format) == [.plainText, .markdown, .jsonLines, .pdf, .html])
        // A PDF's sidecar is part of it: its size counts, so that a change to the sidecar alone is seen.
        let report = try #require(scan.files.first { $0.format == .pdf })
        #expect(report.sidecar.map { URL(fileURLWithPath: $0).lastPathComponent } == "report.yaml")
        #expect(report.size == 4 + 14)
        #expect(scan.files.allSatisfy { $0.format == .pdf || $0.sidecar == nil })
    }

    @Test func aMissingRootIsAnError() {
        #expect(throws: CorpusError(path: "/no/such/folder", message: "no such file or folder")) {
            try CorpusScanner.scan(roots: ["/no/such/folder"])
        }
    }
}
