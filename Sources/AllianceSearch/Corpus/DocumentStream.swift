import Foundation

/// Reads one source file in batches of documents, so that an export of millions of records is never in memory
/// at once, and hashes its bytes on the way.
///
/// A JSONL file is read a megabyte at a time and split into lines as bytes; each line is checked for UTF-8 and
/// decoded on its own, so a bad line costs only that line. A batch is handed on once it holds `batchBytes` of
/// text. A Markdown or text file is one document: it is read whole (`DocumentReader.read`).
///
/// Line numbers are those an editor shows: a UTF-8 byte-order mark at the start is skipped, and `\r\n` and a lone
/// `\r` each end a line, as `SourceText` counts them.
public enum DocumentStream {
    /// What a batch carries: documents, in NFC, and the errors met since the previous batch.
    public typealias Batch = DocumentReader.Reading

    /// The most bytes one document may take: a Markdown or text file, or one JSONL line. Indexing a document
    /// holds several copies of its text at once (NFC, Markdown stripping, SQLite's copies, FTS5's tokens), so a
    /// bound on it is a bound on memory; 8 MB is a 3,000-page report.
    public static let maximumDocumentBytes = 8 << 20
    /// The most bytes a saved web page may take on disk, markup included; its text is then held to
    /// `maximumDocumentBytes`.
    public static let maximumPageBytes = 64 << 20

    static func tooLarge(_ bytes: Int, path: String, line: Int? = nil) -> CorpusError {
        CorpusError(
            path: path, line: line,
            message: "too large: \(bytes >> 20) MB; a document may hold at most \(maximumDocumentBytes >> 20) MB of text, so split it into several")
    }

    /// A file that could not be read (opened, or read to its end).
    public struct ReadFailure: Error, Sendable {
        public var code: Int32
        /// What the path turned out to be, when it is not a regular file (replaced since it was listed).
        var kind: FileKind?
        public var reason: String { String(cString: strerror(code)) }

        /// Opens a file to read through `FileKind.openForReading`: never a pipe or device, and never blocking.
        static func open(_ path: String, within policy: LinkPolicy = .anywhere) throws -> Int32 {
            do {
                return try FileKind.openForReading(path, within: policy)
            } catch let refusal as FileKind.Refusal {
                throw ReadFailure(code: refusal.code, kind: refusal.kind, outside: refusal.outside)
            }
        }

        /// Where the file led when it was opened, outside what the ingest may read.
        var outside: String?

        /// What a user should be told, with what to do.
        public var advice: String {
            if let outside { return FileKind.Refusal(kind: nil, code: 0, outside: outside).reason + "; skipped" }
            if let kind { return "\(kind.noun), not a regular file; skipped" }
            return switch code {
            case ENOENT: "it was deleted or moved while the ingest ran; run the ingest again"
            case EACCES, EPERM: "\(reason); check its permissions"
            default: reason
            }
        }
    }

    /// Reads the file at `path`, calling `body` with each batch in order; returns the hash of all its bytes
    /// (`ContentHasher`), the one the manifest records.
    ///
    /// - Parameters:
    ///   - display: The path shown in errors and stored with the documents.
    ///   - defaultID: The id of a Markdown or text document that does not set one.
    ///   - policy: Where the file, and its sidecar, may be read from: checked on what is opened (`LinkPolicy`).
    /// - Throws: `ReadFailure` when the file cannot be opened or read; whatever `body` throws.
    public static func read(
        path: String, display: String, format: DocumentFormat, defaultID: String, policy: LinkPolicy = .anywhere,
        batchBytes: Int = 1 << 22, _ body: (Batch) throws -> Void
    ) throws -> String {
        if format == .pdf {
            // Read by poppler from the file; hashed here, with the sidecar, as the scanner sized it.
            let sidecar = Sidecar.path(for: path, within: policy)
            let hash = try hash(path: path, sidecar: sidecar)
            try body(PDFReader.read(path: path, display: display, defaultID: defaultID, sidecarPath: sidecar, policy: policy))
            return hash
        }
        let descriptor = try ReadFailure.open(path, within: policy)
        defer { close(descriptor) }
        guard format == .jsonLines else {
            // A saved web page carries markup, scripts and inline images besides its text: it may be larger on disk,
            // and its text is held to the limit once it is extracted.
            let limit = format == .html ? maximumPageBytes : maximumDocumentBytes
            var status = stat()
            if fstat(descriptor, &status) == 0, Int(status.st_size) > limit {
                let error = format == .html
                    ? CorpusError(path: display, message: "too large: \(Int(status.st_size) >> 20) MB; a saved page may take at most \(maximumPageBytes >> 20) MB")
                    : tooLarge(Int(status.st_size), path: display)
                try body(Batch(documents: [], errors: [error]))
                return try hash(path: path, sidecar: format.takesSidecar ? Sidecar.path(for: path, within: policy) : nil)
            }
            let data = try readAll(descriptor)
            var hasher = ContentHasher()
            data.withUnsafeBytes { hasher.combine(bytes: $0) }
            if format.takesSidecar {
                let sidecar = Sidecar.path(for: path, within: policy)
                if let sidecar { try combine(sidecar, into: &hasher) }
                try body(HTMLReader.read(data, path: display, defaultID: defaultID, sidecarPath: sidecar, policy: policy))
                return hasher.hexDigest
            }
            try body(DocumentReader.read(data, path: display, format: format, defaultID: defaultID))
            return hasher.hexDigest
        }

        var hasher = ContentHasher()
        var lines = LineSplitter(path: display)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = try chunk.withUnsafeMutableBytes { buffer in try readSome(descriptor, into: buffer) }
            if count == 0 { break }
            hasher.combine(bytes: chunk[..<count])
            try lines.append(chunk[..<count], batchBytes: batchBytes, body)
        }
        try lines.finish(body)
        return hasher.hexDigest
    }

    /// The documents and errors of a whole JSONL file already in memory, in one batch.
    static func read(_ data: Data, path: String) -> Batch {
        var lines = LineSplitter(path: path)
        var reading = Batch()
        let bytes = [UInt8](data)
        try? lines.append(bytes[...], batchBytes: .max) { reading = $0 }
        try? lines.finish { reading = $0 }
        return reading
    }

    /// The hash of the file's bytes (`ContentHasher`), read a megabyte at a time, then of its sidecar's, if any.
    ///
    /// - Throws: `ReadFailure`.
    public static func hash(path: String, sidecar: String? = nil) throws -> String {
        var hasher = ContentHasher()
        try combine(path, into: &hasher)
        if let sidecar { try combine(sidecar, into: &hasher) }
        return hasher.hexDigest
    }

    /// Adds the bytes of the file at `path` to `hasher`, a megabyte at a time.
    private static func combine(_ path: String, into hasher: inout ContentHasher) throws {
        let descriptor = try ReadFailure.open(path)
        defer { close(descriptor) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try readSome(descriptor, into: $0) }
            if count == 0 { return }
            hasher.combine(bytes: chunk[..<count])
        }
    }

    /// Splits a stream of bytes into JSONL records and batches their documents.
    private struct LineSplitter {
        let path: String
        var partial: [UInt8] = []
        /// The bytes of the current line seen so far, when it is over the limit and is being skipped.
        var skipped = 0
        var line = 0
        var atStart = true
        var batch = Batch()
        var batchSize = 0

        init(path: String) {
            self.path = path
        }

        mutating func append(_ bytes: ArraySlice<UInt8>, batchBytes: Int, _ body: (Batch) throws -> Void) throws {
            var start = bytes.startIndex
            while let newline = bytes[start...].firstIndex(of: 0x0A) {
                if skipped > 0 {
                    skip(newline - start, ended: true)
                } else if partial.count + (newline - start) > maximumDocumentBytes {
                    skip(partial.count + (newline - start), ended: true)
                } else if partial.isEmpty {
                    record(bytes[start..<newline])
                } else {
                    partial += bytes[start..<newline]
                    record(partial[...])
                    partial.removeAll(keepingCapacity: true)
                }
                start = newline + 1
                if batchSize >= batchBytes { try flush(body) }
            }
            if skipped > 0 || partial.count + (bytes.endIndex - start) > maximumDocumentBytes {
                skip(partial.count + (bytes.endIndex - start), ended: false)
            } else {
                partial += bytes[start...]
            }
        }

        /// Drops `count` more bytes of a line over the limit; at its end, reports it.
        private mutating func skip(_ count: Int, ended: Bool) {
            partial = []
            skipped += count
            guard ended else { return }
            line += 1
            batch.errors.append(DocumentStream.tooLarge(skipped, path: path, line: line))
            skipped = 0
        }

        mutating func finish(_ body: (Batch) throws -> Void) throws {
            // A last line without a newline is a record like the others; a truncated one fails as bad JSON.
            if skipped > 0 {
                skip(0, ended: true)
            } else if !partial.isEmpty {
                record(partial[...])
            }
            partial = []
            try flush(body)
        }

        private mutating func flush(_ body: (Batch) throws -> Void) throws {
            guard !batch.documents.isEmpty || !batch.errors.isEmpty else { return }
            try body(batch)
            batch = Batch()
            batchSize = 0
        }

        /// One line, ended by `\n` (not included); a lone `\r` inside ends a line too.
        private mutating func record(_ bytes: ArraySlice<UInt8>) {
            var bytes = bytes
            if atStart {
                atStart = false
                if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            }
            if bytes.last == 0x0D { bytes = bytes.dropLast() }
            guard bytes.contains(0x0D) else { return parse(bytes) }
            for piece in bytes.split(separator: 0x0D, omittingEmptySubsequences: false) { parse(piece) }
        }

        private mutating func parse(_ bytes: ArraySlice<UInt8>) {
            line += 1
            batchSize += bytes.count
            do {
                guard String(validating: bytes, as: UTF8.self) != nil else {
                    let offset = SourceText.firstInvalidUTF8Offset(Array(bytes)) ?? 0
                    throw CorpusError(
                        path: path, line: line,
                        message: "invalid UTF-8 at byte \(offset) of the line; re-save the file as UTF-8 (for example with `iconv -t UTF-8`)")
                }
                if let document = try DocumentReader.jsonLineDocument(bytes, path: path, line: line) {
                    batch.documents.append(document.normalized)
                }
            } catch let error as CorpusError {
                batch.errors.append(error)
            } catch {
                batch.errors.append(CorpusError(path: path, line: line, message: "\(error)"))
            }
        }
    }

    private static func readSome(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = Foundation.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw ReadFailure(code: errno) }
        }
    }

    private static func readAll(_ descriptor: Int32) throws -> Data {
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try readSome(descriptor, into: $0) }
            if count == 0 { return data }
            data.append(contentsOf: chunk[..<count])
        }
    }
}
