import Foundation
import GRDB

extension Ingester {
    /// One ingest, inside the caller's write transaction: brings the documents of `roots` in line with `scan`.
    ///
    /// It works in four passes, so that who owns an id is decided on the state the corpus is in now, not on the
    /// order files are met in (two files that swap ids, or an id that moves to another file, are not duplicates):
    /// 1. files that are gone lose their documents;
    /// 2. changed files are read;
    /// 3. each id read is given to the first file that claims it, unless a file this run does not re-read, and that
    ///    still exists, holds it: then it is a duplicate, reported with both places;
    /// 4. documents no file claims any more are removed (unless their file has errors: then they are kept), and
    ///    what was read is written.
    struct Run {
        let db: Database
        let paths: IndexPaths
        let scan: CorpusScanner.Scan
        let roots: [String]
        let progress: ((IngestProgress) -> Void)?
        var report = IngestReport()
        /// Files that could not be read, or had errors: they keep the documents they had.
        var failedPaths: [String] = []
        private let timestamp = Ingester.now()
        private var lastProgress = Date()

        init(db: Database, paths: IndexPaths, scan: CorpusScanner.Scan, roots: [String], progress: ((IngestProgress) -> Void)?) {
            self.db = db
            self.paths = paths
            self.scan = scan
            self.roots = roots
            self.progress = progress
        }

        /// A changed file's new documents, each with what the index holds under its id.
        private struct Pending {
            var file: SourceFile
            var hash: String
            var documents: [(Document, DocumentStore.Stored?)] = []
            var errors: [CorpusError]
        }

        mutating func ingest() throws {
            report.errors = scan.errors
            let manifest = try Manifest.entries(db, paths: paths, under: roots)
            let scanned = Set(scan.files.map(\.path))

            // A root that lists no file although the index has files from it is taken to be unmounted, not emptied.
            let emptyRoots = roots.filter { root in
                !scan.files.contains { IndexPaths.isPath($0.path, under: root) }
                    && manifest.keys.contains { IndexPaths.isPath($0, under: root) }
            }
            for root in emptyRoots {
                report.errors.append(CorpusError(
                    path: DisplayPath.relative(root),
                    message: "no documents found here any more, so none were removed from the index; if the files were deleted on purpose, run `alliance-ingest --rebuild`"))
            }

            // 1. Files that are gone take their documents with them, unless their folder could not be listed.
            let keptFolders = emptyRoots + scan.unlisted
            for path in manifest.keys.sorted() where !scanned.contains(path) {
                guard !keptFolders.contains(where: { IndexPaths.isPath(path, under: $0) }) else {
                    report.unchanged += try DocumentStore.count(db, storedPath: paths.stored(path))
                    continue
                }
                report.removed += try DocumentStore.deleteAll(db, storedPath: paths.stored(path))
                try Manifest.delete(db, storedPath: paths.stored(path))
            }

            // 2. Changed files are read.
            var pending: [Pending] = []
            for (number, file) in scan.files.enumerated() {
                tick(filesDone: number)
                if let item = try read(file, known: manifest[file.path]) { pending.append(item) }
            }

            // 3. Each id goes to one file.
            let rereadPaths = Set(pending.map(\.file.path))
            var owners: [String: (path: String, line: Int)] = [:]
            for index in pending.indices {
                let file = pending[index].file
                var kept: [(Document, DocumentStore.Stored?)] = []
                for (document, _) in pending[index].documents {
                    if let owner = owners[document.id] {
                        pending[index].errors.append(duplicate(document, in: file, heldAt: owner))
                        continue
                    }
                    let stored = try DocumentStore.find(db, id: document.id)
                    if let stored {
                        let holder = paths.absolute(stored.storedPath)
                        if holder != file.path && !rereadPaths.contains(holder) && FileManager.default.fileExists(atPath: holder) {
                            pending[index].errors.append(duplicate(document, in: file, heldAt: (holder, stored.line)))
                            continue
                        }
                    }
                    owners[document.id] = (file.path, document.line)
                    kept.append((document, stored))
                }
                pending[index].documents = kept
            }

            // 4. Documents nobody claims are removed, unless their file has errors; then what was read is written.
            for item in pending {
                for id in try DocumentStore.ids(db, storedPath: paths.stored(item.file.path)) where owners[id] == nil {
                    if item.errors.isEmpty {
                        try DocumentStore.delete(db, id: id)
                        report.removed += 1
                    } else {
                        report.unchanged += 1
                    }
                }
            }
            for (number, item) in pending.enumerated() {
                let storedPath = paths.stored(item.file.path)
                for (document, stored) in item.documents {
                    tick(filesDone: scan.files.count - pending.count + number)
                    if let stored {
                        if stored.contentHash == document.contentHash && stored.storedPath == storedPath && stored.line == document.line {
                            report.unchanged += 1
                        } else {
                            try DocumentStore.update(db, document, storedPath: storedPath, at: timestamp)
                            report.updated += 1
                        }
                    } else {
                        try DocumentStore.insert(db, document, storedPath: storedPath, at: timestamp)
                        report.added += 1
                    }
                }
                report.errors += item.errors
                if !item.errors.isEmpty { failedPaths.append(item.file.path) }
                try Manifest.save(
                    db, storedPath: storedPath, file: item.file, contentHash: item.errors.isEmpty ? item.hash : nil,
                    hasErrors: !item.errors.isEmpty)
            }
            report.errors.sort { ($0.path, $0.line ?? 0) < ($1.path, $1.line ?? 0) }
            progress?(IngestProgress(
                filesDone: scan.files.count, filesTotal: scan.files.count,
                documentsDone: report.added + report.updated + report.unchanged))
        }

        /// Reads a file that changed; `nil` when it did not (its documents are counted unchanged) or cannot be read.
        private mutating func read(_ file: SourceFile, known: Manifest.Entry?) throws -> Pending? {
            let storedPath = paths.stored(file.path)
            if let known, !known.hasErrors, known.size == file.size, known.modifiedAt == file.modifiedAt {
                report.unchanged += try DocumentStore.count(db, storedPath: storedPath)
                return nil
            }
            let display = DisplayPath.relative(file.path)
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: file.path))
            } catch {
                report.errors.append(CorpusError(path: display, message: "cannot read: \(Self.readFailure(error)); check its permissions"))
                report.unchanged += try DocumentStore.count(db, storedPath: storedPath)
                failedPaths.append(file.path)
                try Manifest.save(db, storedPath: storedPath, file: file, contentHash: nil, hasErrors: true)
                return nil
            }
            var hasher = ContentHasher()
            data.withUnsafeBytes { hasher.combine(bytes: $0) }
            let hash = hasher.hexDigest
            if let known, !known.hasErrors, known.contentHash == hash {
                report.unchanged += try DocumentStore.count(db, storedPath: storedPath)
                try Manifest.save(db, storedPath: storedPath, file: file, contentHash: hash, hasErrors: false)
                return nil
            }
            let reading = DocumentReader.read(data, path: display, format: file.format, defaultID: paths.defaultID(for: file.path))
            return Pending(file: file, hash: hash, documents: reading.documents.map { ($0, nil) }, errors: reading.errors)
        }

        private func duplicate(_ document: Document, in file: SourceFile, heldAt holder: (path: String, line: Int)) -> CorpusError {
            CorpusError(
                path: DisplayPath.relative(file.path), line: document.line,
                message: "duplicate id \"\(document.id)\": \(DisplayPath.relative(holder.path)):\(holder.line) already uses it; give one of them another id (or, for a .txt file, another name)")
        }

        /// Calls `progress` at most four times a second.
        private mutating func tick(filesDone: Int) {
            guard let progress, Date().timeIntervalSince(lastProgress) > 0.25 else { return }
            lastProgress = Date()
            progress(IngestProgress(
                filesDone: filesDone, filesTotal: scan.files.count,
                documentsDone: report.added + report.updated + report.unchanged))
        }

        private static func readFailure(_ error: any Error) -> String {
            let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
            if let code = underlying?.code, underlying?.domain == NSPOSIXErrorDomain {
                return String(cString: strerror(Int32(code)))
            }
            return (error as NSError).localizedDescription
        }
    }
}
