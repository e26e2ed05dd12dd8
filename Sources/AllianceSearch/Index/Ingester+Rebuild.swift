import Foundation
import GRDB

extension Ingester {
    /// Builds a complete index in a new file beside `path`, then renames it over `path`.
    ///
    /// What the previous index holds for files that cannot be read now, and for folders that are missing, empty
    /// (unmounted) or unlistable, is copied into the new one: a rebuild, asked for or forced by a new version, never
    /// loses what it could not read again. A first build that could read no document at all writes no index: there
    /// would be nothing in it, and it would hide `corpus/` from later runs.
    ///
    /// A symbolic link at the index path is kept: the file it leads to is the one replaced.
    static func rebuild(_ plan: Plan, progress: ((IngestProgress) -> Void)?) throws -> IngestReport {
        let path = plan.path, paths = plan.paths, scan = plan.scan, missing = plan.missing
        let roots = plan.recordable
        let target = IndexLocation.writablePath(path)
        let temporary = RebuildLeftovers.temporaryPath(for: path)
        try IndexLocation.removeFile(temporary)
        try IndexLocation.removeCompanions(of: temporary)
        let previous = try IndexLocation.state(of: path) == .file ? try? SearchIndex.openUnchecked(at: path) : nil
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
                let emptyRoots = roots.filter { root in
                    !missing.contains(root) && !scan.files.contains { CorpusScanner.isPath($0.path, under: root) }
                }
                if let previous, !(run.failedPaths + missing + emptyRoots + scan.unlisted).isEmpty {
                    do {
                        run.report.unchanged += try copyDocuments(
                            from: previous, into: db, paths: paths, files: run.failedPaths,
                            folders: missing + emptyRoots + scan.unlisted)
                    } catch let error as IndexError {
                        // The old index cannot be read (damaged): what it held for these files cannot be kept.
                        run.report.errors.append(CorpusError(
                            path: path,
                            message: "what the old index held for files that cannot be read now, or folders that are missing, could not be copied into the new one (\(error.localizedDescription)); they are left out until they can be read again"))
                    }
                }
                try IndexSettings.current(roots: roots.map(paths.stored), followLinks: plan.followLinks, now: now()).save(db)
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
                try? IndexLocation.removeFile(temporary)
                try? IndexLocation.removeCompanions(of: temporary)
                return unwritten
            }
            // A leftover rollback journal belongs to the file being replaced; applied to the new one it would corrupt it.
            try IndexLocation.removeCompanions(of: target)
            // The path is checked again just before it is replaced: only a file, or nothing, may be.
            _ = try IndexLocation.state(of: path)
            keepOwnerAndMode(of: target, on: temporary)
            guard Foundation.rename(temporary, target) == 0 else {
                throw IndexError.io(path: path, detail: "cannot move the rebuilt index into place: \(String(cString: strerror(errno)))")
            }
            return report
        } catch {
            try? IndexLocation.removeFile(temporary)
            try? IndexLocation.removeCompanions(of: temporary)
            if let error = error as? IndexError { throw error.naming(path, instead: temporary) }
            throw error
        }
    }

    /// Gives the new file the permissions of the one it replaces, and its owner where this process may (root): a
    /// private index stays private after a rebuild.
    private static func keepOwnerAndMode(of target: String, on temporary: String) {
        var old = stat()
        guard stat(target, &old) == 0 else { return }
        _ = chown(temporary, old.st_uid, old.st_gid)
        _ = chmod(temporary, old.st_mode & 0o7777)
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
        if try previous.read({ old in try old.columns(in: "documents").contains { $0.name == "pages" } }) {
            columns.append("pages")
        }
        let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let oldPaths = IndexPaths(indexPath: previous.path)
        let rows: [Row] = try previous.read { old in
            try Row.fetchAll(old, sql: "SELECT \(list) FROM \"documents\" ORDER BY \"docid\"")
        }
        let sources: [String: Row] = try previous.read { old in
            Dictionary(try Row.fetchAll(old, sql: #"SELECT * FROM "sources""#).map { (oldPaths.absolute($0["path"]), $0) }, uniquingKeysWith: { a, _ in a })
        }
        let wanted = Set(files)
        var copied = 0
        var copiedPaths = Set<String>()
        for row in rows {
            let absolute = oldPaths.absolute(row["path"])
            guard wanted.contains(absolute) || folders.contains(where: { CorpusScanner.isPath(absolute, under: $0) }) else { continue }
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
}
