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

    /// A PDF of `pages` written in PostScript (ASCII text only) and turned into PDF by ghostscript; an empty string is
    /// a blank page, which groff would not make.
    static func makeWithBlankPages(_ pages: [String], at url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let input = folder.appendingPathComponent(".\(url.lastPathComponent).ps")
        let body = pages.map { $0.isEmpty ? "showpage\n" : "72 700 moveto (\($0)) show showpage\n" }.joined()
        try Data(("%!PS\n/Times-Roman findfont 12 scalefont setfont\n" + body).utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        try shell("ps2pdf '\(input.path)' '\(url.path)'", in: folder)
    }

    /// A PDF of two pages, each an image and no text, as a scan without OCR is.
    static func makeScanned(at url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let input = folder.appendingPathComponent(".scan.ps")
        // An 8×8 grey chequerboard, scaled to 200 points, on each page.
        let rows = Array(repeating: "00ff00ff00ff00ff ff00ff00ff00ff00", count: 4).joined(separator: " ")
        let page = "gsave 100 100 translate 200 200 scale 8 8 8 [8 0 0 8 0 0] {<\(rows)>} image grestore showpage\n"
        try Data(("%!PS\n" + page + page).utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        try shell("ps2pdf '\(input.path)' '\(url.path)'", in: folder)
    }

    /// A copy of `source` encrypted with a user password.
    static func makeEncrypted(from source: URL, at url: URL) throws {
        try shell("gs -q -sDEVICE=pdfwrite -sOwnerPassword=owner -sUserPassword=secret -o '\(url.path)' '\(source.path)'", in: url.deletingLastPathComponent())
    }
}
