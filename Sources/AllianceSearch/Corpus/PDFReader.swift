import Foundation

/// Reads a PDF into one document whose text keeps its pages: poppler's `pdfinfo` gives the metadata (title,
/// author, creation date, page count, encryption) and `pdftotext` the text, streamed page by page through a pipe
/// (pages end with a form feed), so that only the text indexing needs is held, never the PDF's own structures.
///
/// Both run as child processes, not as a linked library: a damaged or hostile PDF that crashes or hangs poppler
/// costs that file, which is reported, and not the ingest. Each run is killed after `timeout`.
///
/// The body is the pages' text, NFC, separated by blank lines; `Document.pageStarts` says where each page starts,
/// so that a hit can say which pages matched. A sidecar (`Sidecar`) overrides the PDF's own title and adds fields.
enum PDFReader {
    /// A PDF that takes longer than this to read (`pdfinfo` and `pdftotext` together) is given up.
    static let timeout: TimeInterval = 120

    /// What `pdfinfo` says of a file.
    struct Info: Equatable {
        var title: String?
        var author: String?
        /// `YYYY-MM-DDThh:mm:ss…` (`pdfinfo -isodates`).
        var created: String?
        var pages = 0
    }

    /// The tool `name` on `PATH`, or `nil`.
    static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Reads the PDF at `path`: one document, or one error; a PDF without text gets a warning and is indexed by its
    /// metadata alone. Poppler opens the file by its name: where it leads is checked against `policy` just before.
    static func read(
        path: String, display: String, defaultID: String, sidecarPath: String?, policy: LinkPolicy = .anywhere
    ) -> DocumentReader.Reading {
        var reading = DocumentReader.Reading()
        do {
            if policy != .anywhere, let resolved = FileKind.realPath(path), !policy.allows(resolved) {
                throw CorpusError(path: display, message: "cannot read: \(FileKind.Refusal(kind: nil, code: 0, outside: resolved).reason)")
            }
            let sidecar = try Sidecar.load(sidecarPath, beside: display, within: policy)
            let deadline = Date().addingTimeInterval(timeout)
            let info = try self.info(path: path, display: display, deadline: deadline)
            var pages = try text(path: path, display: display, deadline: deadline)
            // pdfinfo's count is the PDF's own: pages without text are kept empty, and a form feed inside a page's
            // text (which would make one page two) is folded back into the last one.
            if pages.count < info.pages { pages += Array(repeating: "", count: info.pages - pages.count) }
            if info.pages > 0, pages.count > info.pages {
                pages[info.pages - 1] = pages[(info.pages - 1)...].joined(separator: "\n")
                pages.removeLast(pages.count - info.pages)
            }

            var body = ""
            var starts: [Int] = []
            var offset = 0
            for page in pages {
                if !starts.isEmpty {
                    body += "\n\n"
                    offset += 2
                }
                starts.append(offset)
                body += page
                offset += page.unicodeScalars.count
            }
            let hasText = pages.contains { !$0.allSatisfy(\.isWhitespace) }
            if !hasText {
                body = ""
                starts = []
                reading.warnings.append(CorpusError(
                    path: display,
                    message: "no text layer on any of its \(pages.count) pages (a scanned PDF?): indexed by its title and metadata alone; run OCR on it (for example `ocrmypdf`) to search its text"))
            }

            var own: [String: JSONValue] = ["type": .string("publication"), "pages": .int(info.pages)]
            if let title = info.title { own["title"] = .string(title) }
            if let author = info.author { own["author"] = .string(author) }
            if let created = info.created {
                own["date"] = .string(String(created.prefix(10)))
                if let year = Int(created.prefix(4)) { own["year"] = .int(year) }
            }
            var document = try Sidecar.document(own: own, sidecar: sidecar, body: body, display: display, defaultID: defaultID)
            document.pageStarts = starts
            reading.documents = [document]
        } catch let error as CorpusError {
            reading.errors.append(error)
        } catch {
            reading.errors.append(CorpusError(path: display, message: "\(error)"))
        }
        return reading
    }

    /// `pdfinfo -isodates`'s fields.
    ///
    /// - Throws: `CorpusError` for an encrypted PDF, a damaged one or a file that is not a PDF, with what to do.
    static func info(path: String, display: String, deadline: Date) throws -> Info {
        let run = try Self.run("pdfinfo", ["-enc", "UTF-8", "-isodates", path], display: display, deadline: deadline)
        guard run.status == 0 else { throw failure(run.stderr, display: display) }
        var info = Info()
        for line in String(decoding: run.stdout, as: UTF8.self).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "Title": info.title = value.isEmpty ? nil : value
            case "Author": info.author = value.isEmpty ? nil : value
            case "CreationDate": info.created = value.isEmpty ? nil : value
            case "Pages": info.pages = Int(value) ?? 0
            default: break
            }
        }
        return info
    }

    /// Each page's text, NFC, trimmed of trailing white space, in order.
    ///
    /// - Throws: `CorpusError` when `pdftotext` fails, runs past `timeout`, or gives more text than a document may
    ///   hold.
    static func text(path: String, display: String, deadline: Date) throws -> [String] {
        var pages: [String] = []
        var pending = Data()
        var total = 0
        var overflow = false
        let run = try Self.run("pdftotext", ["-enc", "UTF-8", "-eol", "unix", path, "-"], display: display, deadline: deadline) { chunk in
            total += chunk.count
            if total > DocumentStream.maximumDocumentBytes {
                overflow = true
                return false
            }
            pending.append(chunk)
            while let feed = pending.firstIndex(of: 0x0C) {
                pages.append(Self.clean(pending[pending.startIndex..<feed]))
                pending.removeSubrange(pending.startIndex...feed)
            }
            return true
        }
        if overflow {
            throw CorpusError(
                path: display,
                message: "too large: more than \(DocumentStream.maximumDocumentBytes >> 20) MB of text; a document may hold at most that much, so split the PDF (for example with `qpdf --split-pages=500`)")
        }
        guard run.status == 0 else { throw failure(run.stderr, display: display) }
        if !pending.allSatisfy({ $0 == 0x0A || $0 == 0x20 }) { pages.append(Self.clean(pending[...])) }
        return pages
    }

    /// A page's bytes as text: UTF-8 (an invalid sequence becomes U+FFFD: poppler's output, not the user's file),
    /// NFC, without trailing white space on its lines or at its end.
    static func clean(_ bytes: Data.SubSequence) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
            .joined(separator: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
            .nfc
    }

    /// What poppler's message means for the user.
    static func failure(_ stderr: String, display: String) -> CorpusError {
        let first = stderr.split(separator: "\n").first.map(String.init) ?? "it exited with an error"
        if stderr.contains("Incorrect password") || stderr.contains("encrypted") {
            return CorpusError(path: display, message: "encrypted: it needs a password to be read; decrypt a copy (for example `qpdf --decrypt --password=… in.pdf out.pdf`) and ingest that")
        }
        if stderr.contains("Copying of text from this document is not allowed") {
            return CorpusError(path: display, message: "its permissions forbid copying its text; ingest a copy without that restriction")
        }
        return CorpusError(path: display, message: "damaged, or not a PDF (poppler: \(first)); replace it with a complete copy")
    }

    struct Run {
        var status: Int32
        var stdout = Data()
        var stderr = ""
    }

    /// Runs a poppler tool with its output streamed to `chunk` (or collected, without one), stopping it at
    /// `deadline` or when `chunk` returns `false`: SIGTERM, then SIGKILL 2 s later if it is still running.
    static func run(
        _ name: String, _ arguments: [String], display: String, deadline: Date, chunk: ((Data) -> Bool)? = nil
    ) throws -> Run {
        guard let executable = tool(name) else {
            throw CorpusError(path: display, message: "cannot read PDF files: poppler's `\(name)` is not installed (apt-get install poppler-utils)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw CorpusError(path: display, message: "cannot start poppler's `\(name)` (\(error.localizedDescription)); run the ingest again")
        }
        let reader = output.fileHandleForReading, errorReader = errors.fileHandleForReading
        defer {
            try? reader.close()
            try? errorReader.close()
        }
        // A timer source is released when cancelled (a cancelled work item would keep the process, and its pipes,
        // until its deadline); it holds the process weakly all the same.
        let timedOut = Flag()
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + max(0, deadline.timeIntervalSinceNow))
        timer.setEventHandler { [weak process] in
            guard let process, process.isRunning else { return }
            timedOut.set()
            Self.stop(process)
        }
        timer.resume()
        defer { timer.cancel() }
        // stderr is drained on its own thread, so that a chatty tool cannot fill its pipe and stall.
        let collected = Collected()
        let drained = DispatchSemaphore(value: 0)
        Thread {
            collected.data = errorReader.readDataToEndOfFile()
            drained.signal()
        }.start()
        var result = Run(status: 0)
        while true {
            let data = reader.availableData
            if data.isEmpty { break }
            if let chunk {
                if !chunk(data) {
                    Self.stop(process)
                    break
                }
            } else if result.stdout.count < 1 << 20 {
                result.stdout.append(data)
            }
        }
        process.waitUntilExit()
        drained.wait()
        result.status = process.terminationStatus
        result.stderr = String(decoding: collected.data, as: UTF8.self)
        if timedOut.value {
            throw CorpusError(path: display, message: "reading it took longer than \(Int(timeout)) s and was stopped; the PDF may be damaged")
        }
        return result
    }

    /// SIGTERM now, SIGKILL in 2 s if the tool is still running.
    private static func stop(_ process: Process) {
        let pid = process.processIdentifier
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) { [weak process] in
            if let process, process.isRunning { kill(pid, SIGKILL) }
        }
    }

    private final class Collected: @unchecked Sendable {
        var data = Data()
    }

    private final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var isSet = false
        var value: Bool { lock.withLock { isSet } }
        func set() { lock.withLock { isSet = true } }
    }
}
