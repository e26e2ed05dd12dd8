import Foundation
import Testing

/// A hit in a PDF says its page: `p. 2` in the text output, `page` and `pages` in the JSON; and `alliance-ingest`
/// prints a scanned PDF's warning without failing.
@Suite(.enabled(if: ["/usr/bin/groff", "/usr/bin/pdftotext", "/usr/bin/ps2pdf"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }, "needs groff, ghostscript and poppler-utils"))
struct PagesCLITests {
    private func shell(_ command: String, in folder: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = folder
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(command)")
    }

    /// Each PDF starts two poppler tools; none of their pipes may outlive its PDF. Under a limit of 64 open files,
    /// 40 PDFs need 160 descriptors if any were kept.
    @Test func manyPDFsUnderALowOpenFileLimit() throws {
        let folder = try CLIRunner.cloneLikeFolder(withCorpus: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("corpus"), withIntermediateDirectories: true)
        try Data(".PP\nRecruitment fees.\n".utf8).write(to: folder.appendingPathComponent("one.ms"))
        try shell("groff -ms -Tpdf one.ms > one.pdf && for i in $(seq 1 40); do cp one.pdf corpus/report-$i.pdf; done", in: folder)
        let tool = CLIRunner.productsFolder.appendingPathComponent("alliance-ingest").path
        // The test runner's own descriptors (other tests' pipes and files) would be inherited and count against the
        // limit: the shell closes every one above 2 first.
        try shell(#"bash -c 'for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done; ulimit -n 64; exec "$0" corpus' '\#(tool)' > out.txt 2>&1"#, in: folder)
        let output = try String(contentsOf: folder.appendingPathComponent("out.txt"), encoding: .utf8)
        #expect(output.contains("added 40, updated 0, unchanged 0, removed 0, failed 0"), "\(output)")
    }

    @Test func hitsSayTheirPage() throws {
        let folder = try CLIRunner.cloneLikeFolder(withCorpus: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("corpus"), withIntermediateDirectories: true)
        try Data(".PP\nFirst page.\n.bp\n.PP\nPolice brutality, zqxpagetwo.\n.bp\n.PP\nAgain zqxpagetwo on page three.\n".utf8)
            .write(to: folder.appendingPathComponent("report.ms"))
        try shell("groff -ms -Tpdf report.ms > corpus/report.pdf && printf '%%!PS\\n0 0 moveto 9 9 lineto stroke showpage\\n' > scan.ps && ps2pdf scan.ps corpus/scan.pdf", in: folder)

        let ingest = try CLIRunner.run("alliance-ingest", [], in: folder)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.stderr.contains("corpus/scan.pdf: warning: no text layer on any of its 1 pages"), "\(ingest.stderr)")

        let text = try CLIRunner.run("alliance-query", ["police brutality"], in: folder)
        #expect(text.status == 0)
        #expect(text.stdout.contains("corpus/report.pdf p. 2 ·"), "\(text.stdout)")
        let both = try CLIRunner.run("alliance-query", ["zqxpagetwo"], in: folder)
        #expect(both.stdout.contains("corpus/report.pdf p. 2 (also p. 3) ·"), "\(both.stdout)")

        let json = try CLIRunner.run("alliance-query", ["--format", "json", "zqxpagetwo"], in: folder)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let hit = try #require((object["hits"] as? [[String: Any]])?.first)
        #expect(hit["page"] as? Int == 2)
        #expect(hit["pages"] as? [Int] == [2, 3])
        #expect((hit["snippet"] as? [String: Any])?["page"] as? Int == 2)
    }
}
