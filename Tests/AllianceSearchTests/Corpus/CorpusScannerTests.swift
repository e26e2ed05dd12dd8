import Foundation
import Testing
@testable import AllianceSearch

struct CorpusScannerTests {
    @Test func findsDocumentsSortedAndSkipsHiddenAndOtherFiles() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Fixtures.write([
            "b/two.md": "# Two", "a/one.txt": "One", "export.jsonl": "", "notes.pdf": "x", "issues.yaml": "issues: []",
            ".hidden.md": "# Hidden", ".git/config.md": "# No",
        ], under: folder)
        let scan = try CorpusScanner.scan(roots: [folder.path])
        #expect(scan.files.map { DisplayPath.relative($0.path, to: folder.path) } == ["a/one.txt", "b/two.md", "export.jsonl"])
        #expect(scan.files.map(\.format) == [.plainText, .markdown, .jsonLines])
    }

    @Test func aMissingRootIsAnError() {
        #expect(throws: CorpusError(path: "/no/such/folder", message: "no such file or folder")) {
            try CorpusScanner.scan(roots: ["/no/such/folder"])
        }
    }
}
