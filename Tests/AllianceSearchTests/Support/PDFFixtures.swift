import Foundation

/// PDFs for the tests: small ones made here with Debian's groff, ghostscript and poppler (installed by `.ci/run`),
/// and the real ones `scripts/fetch-pdf-fixtures.sh` fetches from Debian packages into `Tests/Fixtures/pdf`.
enum PDFFixtures {
    static let realFolder = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/pdf")

    static func real(_ name: String) -> URL { realFolder.appendingPathComponent(name) }

    /// Whether the real PDFs have been fetched.
    static var haveReal: Bool {
        ["debian-reference.en.pdf", "debian-reference.es.pdf", "debian-reference.id.pdf", "carroll-wonderland.pdf"]
            .allSatisfy { FileManager.default.fileExists(atPath: real($0).path) }
    }

    /// Whether the tools that make and read the small PDFs are installed.
    static var haveTools: Bool {
        ["/usr/bin/groff", "/usr/bin/gs", "/usr/bin/ps2pdf", "/usr/bin/pdftotext", "/usr/bin/pdfinfo"]
            .allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `command` through the shell in `folder`; throws with its output when it fails.
    @discardableResult
    static func shell(_ command: String, in folder: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(command): \(output)"])
        }
        return output
    }

    /// A PDF of `pages`, one paragraph each, made by groff (`-ms`, UTF-8 input), at `url`.
    static func make(pages: [String], at url: URL) throws {
        let source = pages.map { ".PP\n" + $0 }.joined(separator: "\n.bp\n") + "\n"
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let input = folder.appendingPathComponent(".\(url.lastPathComponent).ms")
        try Data(source.utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        try shell("groff -k -ms -Tpdf '\(input.path)' > '\(url.path)'", in: folder)
    }

    /// A PDF of two pages with shapes and no text, as a scan without OCR is.
    static func makeScanned(at url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let input = folder.appendingPathComponent(".scan.ps")
        try Data("%!PS\nnewpath 100 100 moveto 300 100 lineto 300 300 lineto closepath fill showpage\nnewpath 50 50 moveto 200 50 lineto 200 200 lineto closepath fill showpage\n".utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        try shell("ps2pdf '\(input.path)' '\(url.path)'", in: folder)
    }

    /// A copy of `source` encrypted with a user password.
    static func makeEncrypted(from source: URL, at url: URL) throws {
        try shell("gs -q -sDEVICE=pdfwrite -sOwnerPassword=owner -sUserPassword=secret -o '\(url.path)' '\(source.path)'", in: url.deletingLastPathComponent())
    }
}
