import Foundation
import GRDB

extension Ingester {
    /// One ingest, inside the caller's write transaction: brings the documents of `roots` in line with `scan`.
    ///
    /// It works in passes, so that who owns an id is decided on the state the corpus is in now, not on the order
    /// files are met in (two files that swap ids, or an id that moves to another file, are not duplicates):
    /// 1. files that are gone lose their documents;
    /// 2. files whose size or date changed are hashed; those whose bytes changed too are the ones to read;
    /// 3. they are read on a second thread (`DocumentStream`, then `PreparedDocument`: parsing, NFC, hashing,
    ///    language guessing), handed over in batches through a `BoundedQueue`, and written on this one as they
    ///    arrive. Each id goes to the first file that claims it (`Claims`), unless a file this run does not
    ///    re-read, and that still exists, holds it: then it is a duplicate, reported with both places;
    /// 4. documents no file claims any more are removed (unless their file has errors: then they are kept).
    ///
    /// Memory stays bounded whatever the corpus size: at most `queueCapacity` batches of about 4 MB of text are
    /// in flight, and the ids claimed are in a temporary table.
    struct Run {
        let db: Database
        let paths: IndexPaths
        let scan: CorpusScanner.Scan
        let roots: [String]
        let progress: ((IngestProgress) -> Void)?
        var report = IngestReport()
        /// Files that could not be read, or had errors: they keep the documents they had.
        var failedPaths: [String] = []
        /// Called once, before the first write (the quick check of an existing index); nothing is called, and
        /// nothing written, when the corpus is unchanged.
        var beforeFirstWrite: ((Database) throws -> Void)?
        /// Whether anything was written.
        private(set) var wrote = false
        private let timestamp = Ingester.now()
        private var lastProgress = Date()
        private var filesDone = 0

        /// Batches read ahead of the writer.
        static let queueCapacity = 4

        init(db: Database, paths: IndexPaths, scan: CorpusScanner.Scan, roots: [String], progress: ((IngestProgress) -> Void)?) {
            self.db = db
            self.paths = paths
            self.scan = scan
            self.roots = roots
            self.progress = progress
        }

        /// What the reading thread hands to the writing one.
        private enum Item: Sendable {
            /// Documents of the `file`-th file to read, with the errors met reading them.
            case documents(file: Int, [PreparedDocument], errors: [CorpusError], warnings: [CorpusError])
            /// The file was read to its end (`hash`), or could not be (`failure`).
            case end(file: Int, hash: String?, failure: String?)
        }

        /// A file to read, in values the reading thread may hold.
        private struct Job: Sendable {
            var path: String
            var display: String
            var format: DocumentFormat
            var defaultID: String
            var policy: LinkPolicy
        }

        mutating func ingest() throws {
            report.errors = scan.errors
            report.warnings = scan.warnings
            let manifest = try Manifest.entries(db, paths: paths, under: roots)
            let scanned = Set(scan.files.map(\.path))

            // A root that lists no file although the index has files from it is taken to be unmounted, not emptied.
            let emptyRoots = roots.filter { root in
                !scan.files.contains { CorpusScanner.isPath($0.path, under: root) }
                    && manifest.keys.contains { CorpusScanner.isPath($0, under: root) }
            }
            for root in emptyRoots {
                report.errors.append(CorpusError(
                    path: DisplayPath.relative(root),
                    message: "no documents found here any more, so none were removed from the index; if the files were deleted on purpose, run `alliance-ingest --rebuild`"))
            }

            // 1. Files that are gone take their documents with them, unless their folder could not be listed.
            let keptFolders = emptyRoots + scan.unlisted
            for path in manifest.keys.sorted() where !scanned.contains(path) {
                guard !keptFolders.contains(where: { CorpusScanner.isPath(path, under: $0) }) else {
                    report.unchanged += try DocumentStore.count(db, storedPath: paths.stored(path))
                    continue
                }
                try willWrite()
                report.removed += try DocumentStore.deleteAll(db, storedPath: paths.stored(path))
                try Manifest.delete(db, storedPath: paths.stored(path))
            }

            // 2. The files to read.
            var changed: [SourceFile] = []
            for file in scan.files {
                tick()
                if try hasChanged(file, known: manifest[file.path]) {
                    changed.append(file)
                } else {
                    filesDone += 1
                }
            }

            // 3. Read on a second thread, written here.
            if !changed.isEmpty { try willWrite() }
            let claims = try Claims(db)
            var staged = try StagedWrites(db)
            let reread = Set(changed.map(\.path))
            let queue = BoundedQueue<Item>(capacity: Self.queueCapacity)
            let jobs = changed.map { file in
                Job(
                    path: file.path, display: DisplayPath.relative(file.path), format: file.format,
                    defaultID: paths.defaultID(for: file.path), policy: scan.policy)
            }
            let reader = Thread { Self.read(jobs, into: queue) }
            reader.stackSize = 16 << 20  // YAML front matter is parsed recursively
            reader.start()
            defer { queue.cancel() }
            var errors = [[CorpusError]](repeating: [], count: changed.count)
            var written: [(storedPath: String, hasErrors: Bool)] = []
            while let item = queue.receive() {
                switch item {
                case .documents(let index, let documents, let batchErrors, let batchWarnings):
                    errors[index] += batchErrors
                    report.warnings += batchWarnings
                    let storedPath = paths.stored(changed[index].path)
                    for document in documents {
                        if let duplicate = try write(
                            document, from: changed[index], storedPath: storedPath, claims: claims, staged: &staged,
                            reread: reread)
                        {
                            errors[index].append(duplicate)
                        }
                        tick()
                    }
                    try staged.flush()
                case .end(let index, let hash, let failure):
                    let file = changed[index]
                    if let failure {
                        errors[index].append(CorpusError(
                            path: DisplayPath.relative(file.path), message: "cannot read: \(failure)"))
                    }
                    let hasErrors = !errors[index].isEmpty
                    report.errors += errors[index]
                    errors[index] = []
                    if hasErrors { failedPaths.append(file.path) }
                    let storedPath = paths.stored(file.path)
                    written.append((storedPath, hasErrors))
                    try Manifest.save(db, storedPath: storedPath, file: file, contentHash: hasErrors ? nil : hash, hasErrors: hasErrors)
                    filesDone += 1
                }
            }

            // 4. Documents nobody claims are removed, unless their file has errors. A fresh index has none.
            if !claims.fresh {
                for (storedPath, hasErrors) in written {
                    if hasErrors {
                        report.unchanged += try DocumentStore.unclaimedIDs(db, storedPath: storedPath).count
                    } else {
                        report.removed += try DocumentStore.deleteUnclaimed(db, storedPath: storedPath)
                    }
                }
            }
            try claims.clear()
            report.errors.sort { ($0.path, $0.line ?? 0) < ($1.path, $1.line ?? 0) }
            progress?(IngestProgress(
                filesDone: scan.files.count, filesTotal: scan.files.count,
                documentsDone: report.added + report.updated + report.unchanged))
        }

        /// Whether `file` must be read: it is new, had errors, or its bytes differ from the manifest's hash (read
        /// only when its size or date changed). An unchanged file's documents are counted unchanged.
        private mutating func hasChanged(_ file: SourceFile, known: Manifest.Entry?) throws -> Bool {
            guard let known, !known.hasErrors else { return true }
            let storedPath = paths.stored(file.path)
            if known.size != file.size { return true }
            if known.modifiedAt != file.modifiedAt {
                // Same size, new date: the bytes may not have changed. A file that cannot be hashed is read, and
                // its error reported then.
                guard let hash = try? DocumentStream.hash(path: file.path, sidecar: file.sidecar), hash == known.contentHash else { return true }
                try willWrite()
                try Manifest.save(db, storedPath: storedPath, file: file, contentHash: hash, hasErrors: false)
            }
            report.unchanged += try DocumentStore.count(db, storedPath: storedPath)
            return false
        }

        /// Runs `beforeFirstWrite` the first time, and notes that the run writes.
        mutating func willWrite() throws {
            if !wrote { try beforeFirstWrite?(db) }
            wrote = true
        }

        /// The reading thread: each file in order, in batches, then its end.
        private static func read(_ jobs: [Job], into queue: BoundedQueue<Item>) {
            struct Cancelled: Error {}
            defer { queue.finish() }
            for (index, job) in jobs.enumerated() {
                do {
                    let hash = try DocumentStream.read(
                        path: job.path, display: job.display, format: job.format, defaultID: job.defaultID, policy: job.policy
                    ) { batch in
                        let prepared = batch.documents.map(PreparedDocument.init)
                        guard queue.send(.documents(file: index, prepared, errors: batch.errors, warnings: batch.warnings)) else { throw Cancelled() }
                    }
                    guard queue.send(.end(file: index, hash: hash, failure: nil)) else { return }
                } catch let failure as DocumentStream.ReadFailure {
                    guard queue.send(.end(file: index, hash: nil, failure: failure.advice)) else { return }
                } catch {
                    return
                }
            }
        }

        /// Writes one document of `file`, unless another file or line claimed its id first: then returns the
        /// duplicate error.
        private mutating func write(
            _ prepared: PreparedDocument, from file: SourceFile, storedPath: String, claims: Claims,
            staged: inout StagedWrites, reread: Set<String>
        ) throws -> CorpusError? {
            let document = prepared.document
            if let holder = try claims.holder(of: document.id) {
                return duplicate(document, in: file, heldAt: holder)
            }
            // In a fresh index, an id staged in this batch was claimed too.
            if claims.fresh, let holder = try staged.holder(of: document.id) {
                return duplicate(document, in: file, heldAt: (paths.absolute(holder.storedPath), holder.line))
            }
            let stored = try DocumentStore.find(db, id: document.id)
            if let stored {
                let holder = paths.absolute(stored.storedPath)
                // In a fresh index, a stored row was written by this ingest: a claim.
                if claims.fresh
                    || (holder != file.path && !reread.contains(holder) && FileManager.default.fileExists(atPath: holder))
                {
                    return duplicate(document, in: file, heldAt: (holder, stored.line))
                }
            }
            try claims.claim(document.id, path: file.path, line: document.line)
            if let stored {
                if stored.contentHash == prepared.contentHash && stored.storedPath == storedPath && stored.line == document.line {
                    report.unchanged += 1
                } else {
                    try staged.stage(prepared, storedPath: storedPath, at: timestamp, replaces: true)
                    report.updated += 1
                }
            } else {
                try staged.stage(prepared, storedPath: storedPath, at: timestamp, replaces: false)
                report.added += 1
            }
            return nil
        }

        private func duplicate(_ document: Document, in file: SourceFile, heldAt holder: (path: String, line: Int)) -> CorpusError {
            if holder.path == file.path {
                return CorpusError(
                    path: DisplayPath.relative(file.path), line: document.line,
                    message: "duplicate id \"\(document.id)\" (first used on line \(holder.line)); ids must be unique")
            }
            return CorpusError(
                path: DisplayPath.relative(file.path), line: document.line,
                message: "duplicate id \"\(document.id)\": \(DisplayPath.relative(holder.path)):\(holder.line) already uses it; give one of them another id (or, for a .txt file, another name)")
        }

        /// Calls `progress` at most four times a second.
        private mutating func tick() {
            guard let progress, Date().timeIntervalSince(lastProgress) > 0.25 else { return }
            lastProgress = Date()
            progress(IngestProgress(
                filesDone: filesDone, filesTotal: scan.files.count,
                documentsDone: report.added + report.updated + report.unchanged))
        }
    }
}
