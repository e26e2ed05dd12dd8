import Foundation
import GRDB

/// Builds and updates an index from folders and files of documents.
///
/// An ingest runs in one write transaction: the index a reader sees is the one before it or the one after it,
/// never a mix, and a failure or an interrupted run leaves the previous index as it was. A rebuild writes a new file
/// beside the index and renames it into place only once it is complete.
///
/// The manifest (`sources`) makes the work incremental. A file whose size and modification time are unchanged is
/// not read; one whose bytes hash the same is not parsed; a changed file's documents are compared one by one by
/// their content hash. A file that vanished from under an ingested folder loses its documents. A file that fails
/// to read keeps the documents it had, and is read again on the next run.
public enum Ingester {
    /// What to ingest, and where.
    public struct Options: Sendable {
        /// Folders and files to read; empty means the folders recorded in the index, or `corpus/` for a new one.
        public var roots: [String]
        public var indexPath: String
        /// Start over: build a new index from `roots` alone.
        public var rebuild: Bool
        /// Removed and replaced documents leave no text behind in the index file (`Purge`): slower, for sensitive
        /// material.
        public var secure: Bool

        public init(roots: [String], indexPath: String, rebuild: Bool = false, secure: Bool = false) {
            self.roots = roots
            self.indexPath = indexPath
            self.rebuild = rebuild
            self.secure = secure
        }
    }

    /// The folder ingested when none is named and the index records none.
    public static let defaultCorpus = "corpus"

    /// Runs an ingest.
    ///
    /// - Parameter progress: Called from time to time while files are read.
    /// - Returns: The counts and the per-file errors. Errors in documents do not throw: they are in the report.
    /// - Throws: `CorpusError` when a named root does not exist, `IndexError` when the index cannot be written.
    public static func run(_ options: Options, progress: ((IngestProgress) -> Void)? = nil) throws -> IngestReport {
        let start = Date()
        let path = options.indexPath
        let paths = IndexPaths(indexPath: path)
        try SearchIndex.refuseFolder(path)
        for root in options.roots where !FileManager.default.fileExists(atPath: root) {
            throw CorpusError(path: root, message: "no such file or folder")
        }
        removeAbandonedRebuilds(of: path)

        var recorded: [String]?
        var rebuildReason: String? = options.rebuild ? "--rebuild was asked for" : nil
        if SearchIndex.exists(at: path) {
            do {
                let settings = try SearchIndex.recordedSettings(at: path)
                recorded = settings.roots.map(paths.absolute)
                if settings.schemaVersion > IndexSchema.version && !options.rebuild {
                    throw IndexError.newerSchema(path: path, found: settings.schemaVersion, supported: IndexSchema.version)
                }
                rebuildReason = rebuildReason ?? settings.rebuildReason
            } catch IndexError.corrupt(_, _) where options.rebuild {
                // A damaged index is replaced when a rebuild is asked for; a foreign file never is.
            }
        } else {
            rebuildReason = "there was no index"
        }

        // Recorded roots are used when none are named, and kept when this build rebuilds an index that an older one
        // made. A recorded folder that is missing stays recorded, and what the index holds from it stays too.
        var roots = options.roots.map(CorpusScanner.absolutePath)
        if roots.isEmpty {
            roots = recorded ?? [CorpusScanner.absolutePath(defaultCorpus)]
        } else if rebuildReason != nil && !options.rebuild {
            roots += recorded ?? []
        }
        roots = Array(Set(roots)).sorted()
        let present = roots.filter { FileManager.default.fileExists(atPath: $0) }
        let missing = roots.filter { !present.contains($0) }
        var scan = try CorpusScanner.scan(roots: present)
        for root in missing {
            scan.errors.append(CorpusError(
                path: DisplayPath.relative(root),
                message: "this folder, which the index was built from, is missing; what the index holds from it is kept"))
        }
        // A named file that is not a document is reported by the scan, and not recorded as a root.
        let recordable = roots.filter { root in
            missing.contains(root) || DocumentFormat(fileName: (root as NSString).lastPathComponent) != nil
                || (try? FileManager.default.attributesOfItem(atPath: root)[.type] as? FileAttributeType) == .typeDirectory
        }

        var report: IngestReport
        if let reason = rebuildReason {
            report = try rebuild(at: path, paths: paths, roots: recordable, scan: scan, missing: missing, progress: progress)
            if report.documentCount > 0 || report.errors.isEmpty || recorded != nil { report.rebuildReason = reason }
        } else {
            let index = try SearchIndex.openForWriting(at: path)
            if options.secure { try Purge.secureDelete(index) }
            report = try index.write { db in
                var run = Run(db: db, paths: paths, scan: scan, roots: present, progress: progress)
                try run.ingest()
                var settings = try IndexSettings.fetch(db) ?? .current(roots: [], now: now())
                settings.roots = Array(Set(settings.roots + recordable.map(paths.stored))).sorted()
                settings.updatedAt = now()
                try settings.save(db)
                run.report.documentCount = try Int.fetchOne(db, sql: #"SELECT count(*) FROM "documents""#) ?? 0
                return run.report
            }
            if options.secure && report.removed + report.updated > 0 { try Purge.scrub(index) }
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// Builds a complete index in a new file beside `path`, then renames it over `path`.
    ///
    /// What the previous index holds for files that cannot be read now, and for folders that are missing, empty
    /// (unmounted) or unlistable, is copied into the new one: a rebuild, asked for or forced by a new version, never
    /// loses what it could not read again. A first build that could read no document at all writes no index: there
    /// would be nothing in it, and it would hide `corpus/` from later runs.
    private static func rebuild(
        at path: String, paths: IndexPaths, roots: [String], scan: CorpusScanner.Scan, missing: [String],
        progress: ((IngestProgress) -> Void)?
    ) throws -> IngestReport {
        let temporary = "\(path).rebuild-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: temporary)
        let previous = SearchIndex.exists(at: path) ? try? SearchIndex.openUnchecked(at: path) : nil
        do {
            let index = try SearchIndex.openForWriting(at: temporary)
            // The new file is nobody's until it is renamed into place, and a failed rebuild deletes it: it needs no
            // rollback journal and no sync at each commit, only one sync before the rename. A larger page cache
            // keeps FTS5's segment merges in memory.
            try index.queue.inDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -16384")
            }
            let report = try index.write { db in
                var run = Run(db: db, paths: paths, scan: scan, roots: roots, progress: progress)
                try run.ingest()
                if let previous {
                    let emptyRoots = roots.filter { root in
                        !missing.contains(root) && !scan.files.contains { IndexPaths.isPath($0.path, under: root) }
                    }
                    run.report.unchanged += try copyDocuments(
                        from: previous, into: db, paths: paths, files: run.failedPaths,
                        folders: missing + emptyRoots + scan.unlisted)
                }
                try IndexSettings.current(roots: roots.map(paths.stored), now: now()).save(db)
                run.report.documentCount = try Int.fetchOne(db, sql: #"SELECT count(*) FROM "documents""#) ?? 0
                return run.report
            }
            SearchIndex.useWriteAheadLog(index.queue)
            try index.queue.close()
            do {
                guard let handle = FileHandle(forUpdatingAtPath: temporary) else {
                    throw CocoaError(.fileWriteUnknown)
                }
                defer { try? handle.close() }
                try handle.synchronize()
            } catch {
                throw IndexError.io(path: path, detail: "cannot write the rebuilt index to disk: \(error.localizedDescription)")
            }
            if report.documentCount == 0 && !report.errors.isEmpty && previous == nil {
                var unwritten = report
                unwritten.errors.append(CorpusError(
                    path: roots.map { DisplayPath.relative($0) }.joined(separator: ", "),
                    message: "no document could be read, so no index was written"))
                for suffix in ["", "-journal"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
                return unwritten
            }
            // A leftover rollback journal belongs to the file being replaced; applied to the new one it would corrupt it.
            for suffix in ["-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            guard Foundation.rename(temporary, path) == 0 else {
                throw IndexError.io(path: path, detail: "cannot move the rebuilt index into place: \(String(cString: strerror(errno)))")
            }
            return report
        } catch {
            for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
            if let error = error as? IndexError { throw error.naming(path, instead: temporary) }
            throw error
        }
    }

    /// Copies from `previous` the documents of `files`, and of every file under `folders`, that `db` does not hold
    /// yet, with their manifest entries; returns how many documents were copied.
    ///
    /// An older index may store absolute paths, so rows are matched by both forms and written in the stored form.
    private static func copyDocuments(
        from previous: SearchIndex, into db: Database, paths: IndexPaths, files: [String], folders: [String]
    ) throws -> Int {
        var columns = ["id", "type", "title", "aliases", "issues", "body", "khmer", "path", "line", "metadata", "content_hash", "indexed_at"]
        // An index made before pages were kept has no `pages` column: its documents have none.
        if (try? previous.read { old in try old.columns(in: "documents").contains { $0.name == "pages" } }) == true {
            columns.append("pages")
        }
        let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let oldPaths = IndexPaths(indexPath: previous.path)
        let rows: [Row] = (try? previous.read { old in
            try Row.fetchAll(old, sql: "SELECT \(list) FROM \"documents\" ORDER BY \"docid\"")
        }) ?? []
        let sources: [String: Row] = (try? previous.read { old in
            Dictionary(try Row.fetchAll(old, sql: #"SELECT * FROM "sources""#).map { (oldPaths.absolute($0["path"]), $0) }, uniquingKeysWith: { a, _ in a })
        }) ?? [:]
        let wanted = Set(files)
        var copied = 0
        var copiedPaths = Set<String>()
        for row in rows {
            let absolute = oldPaths.absolute(row["path"])
            guard wanted.contains(absolute) || folders.contains(where: { IndexPaths.isPath(absolute, under: $0) }) else { continue }
            let taken = try Bool.fetchOne(db, sql: #"SELECT EXISTS (SELECT 1 FROM "documents" WHERE "id" = ?)"#, arguments: [row["id"]]) ?? false
            if taken { continue }
            var values = columns.map { row[$0] as DatabaseValue }
            values[columns.firstIndex(of: "path")!] = paths.stored(absolute).databaseValue
            // The languages are worked out again: an index of an older version may not have recorded them.
            let metadata = (try? JSONDecoder().decode([String: JSONValue].self, from: Data((row["metadata"] as String).utf8))) ?? [:]
            let stemming = Document(id: row["id"], type: row["type"], title: row["title"], body: row["body"], path: "", metadata: metadata)
                .stemmingLanguages.map(\.rawValue).joined(separator: " ")
            try db.execute(
                sql: "INSERT INTO \"documents\" (\(list), \"stemming\") VALUES (\(Array(repeating: "?", count: columns.count + 1).joined(separator: ", ")))",
                arguments: StatementArguments(values + [stemming.databaseValue]))
            copied += 1
            copiedPaths.insert(absolute)
        }
        for absolute in copiedPaths.subtracting(wanted) {
            guard let source = sources[absolute] else { continue }
            try db.execute(
                sql: #"INSERT OR IGNORE INTO "sources" ("path", "size", "modified_at", "content_hash", "has_errors") VALUES (?, ?, ?, ?, ?)"#,
                arguments: [paths.stored(absolute), source["size"], source["modified_at"], source["content_hash"], source["has_errors"]])
        }
        return copied
    }

    /// Removes the files of rebuilds whose process is gone (killed before it could clean up).
    private static func removeAbandonedRebuilds(of path: String) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = url.lastPathComponent + ".rebuild-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(prefix) {
            let pidText = name.dropFirst(prefix.count).prefix { $0.isNumber }
            guard let pid = Int32(pidText), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    /// Tells whether the files under the index's roots differ from its manifest, by size, date and presence.
    ///
    /// It reads no file contents, so it is cheap enough to run before every query. A root that no longer exists, or
    /// that lists no file although the index has files from it (an unmounted drive), is not counted as deleted.
    ///
    /// - Returns: A description of the change, or `nil` when the index is up to date.
    public static func staleness(of index: SearchIndex) throws -> String? {
        let paths = IndexPaths(indexPath: index.path)
        let settings = try index.settings()
        let roots = settings.roots.map(paths.absolute).filter { FileManager.default.fileExists(atPath: $0) }
        guard !roots.isEmpty else { return nil }
        let manifest = try index.read { db in try Manifest.entries(db, paths: paths, under: roots) }
        let scan = try CorpusScanner.scan(roots: roots)
        let emptyRoots = roots.filter { root in !scan.files.contains { IndexPaths.isPath($0.path, under: root) } }
        var added = 0, changed = 0
        for file in scan.files {
            guard let entry = manifest[file.path] else { added += 1; continue }
            if entry.size != file.size || entry.modifiedAt != file.modifiedAt { changed += 1 }
        }
        let scanned = Set(scan.files.map(\.path))
        let removed = manifest.keys.filter { path in
            !scanned.contains(path) && !emptyRoots.contains { IndexPaths.isPath(path, under: $0) }
        }.count
        guard added + changed + removed > 0 else { return nil }
        return "\(added) new, \(changed) changed and \(removed) deleted file(s)"
    }

    static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
