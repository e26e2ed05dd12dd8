import Foundation

extension Ingester {
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
        let scan = try CorpusScanner.scan(roots: roots, followLinks: settings.followLinks)
        let emptyRoots = roots.filter { root in !scan.files.contains { CorpusScanner.isPath($0.path, under: root) } }
        var added = 0, changed = 0
        for file in scan.files {
            guard let entry = manifest[file.path] else { added += 1; continue }
            if entry.size != file.size || entry.modifiedAt != file.modifiedAt { changed += 1 }
        }
        let scanned = Set(scan.files.map(\.path))
        let removed = manifest.keys.filter { path in
            !scanned.contains(path) && !emptyRoots.contains { CorpusScanner.isPath(path, under: $0) }
        }.count
        guard added + changed + removed > 0 else { return nil }
        return "\(added) new, \(changed) changed and \(removed) deleted file(s)"
    }
}
