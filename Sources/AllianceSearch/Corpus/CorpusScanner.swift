import Foundation

/// One file that ingest will read, as found under a folder or named directly.
public struct SourceFile: Sendable, Hashable {
    /// The absolute, standardised path: the key of the index's manifest and the `path` stored for its documents.
    public var path: String
    public var format: DocumentFormat
    public var size: Int64
    /// Seconds since 1970 of the last modification.
    public var modifiedAt: Double
    /// The YAML sidecar of a PDF or HTML page (`report.pdf` + `report.yaml`), whose size and date are added to
    /// `size` and `modifiedAt` (which is then a fingerprint rather than a date), so that a change to it alone is seen.
    public var sidecar: String?
}

/// Finds the document files under the folders and files a user names.
///
/// Hidden files and folders (a name starting with `.`) are skipped, as are files whose extension is not a
/// `DocumentFormat`. Results are sorted by path, so that ingest always meets files in the same order.
public enum CorpusScanner {
    /// What a scan found.
    public struct Scan: Sendable {
        public var files: [SourceFile] = []
        /// Folders or files that could not be listed or are not documents.
        public var errors: [CorpusError] = []
        /// Folders (absolute paths) that could not be listed: what the index holds from them must be kept.
        public var unlisted: [String] = []
    }

    /// The absolute, standardised form of a path given on the command line.
    public static func absolutePath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Lists the document files under each root.
    ///
    /// A root that is a symbolic link is followed, and so are links to files inside a folder; links to folders
    /// inside a folder are not (they could loop). Paths are reported under the root as it was named, so that the
    /// index does not change when a link is pointed elsewhere.
    ///
    /// - Throws: `CorpusError` when a root does not exist: that is a mistake in the command, not in the corpus.
    public static func scan(roots: [String]) throws -> Scan {
        var scan = Scan()
        var seen = Set<String>()
        let manager = FileManager.default
        func add(_ file: SourceFile?) {
            if let file, seen.insert(file.path).inserted { scan.files.append(file) }
        }
        for root in roots {
            let rootPath = absolutePath(root)
            let resolved = URL(fileURLWithPath: rootPath).resolvingSymlinksInPath()
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: resolved.path, isDirectory: &isDirectory) else {
                throw CorpusError(path: root, message: "no such file or folder")
            }
            let rootName = URL(fileURLWithPath: rootPath).lastPathComponent
            if !isDirectory.boolValue {
                guard let format = DocumentFormat(fileName: rootName) else {
                    scan.errors.append(CorpusError(path: root, message: "not a document: use .md, .txt, .jsonl, .pdf or .html files"))
                    continue
                }
                guard (try? resolved.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else {
                    scan.errors.append(CorpusError(path: root, message: "not a regular file (a pipe, socket or device); skipped"))
                    continue
                }
                add(sourceFile(path: rootPath, target: resolved.path, format: format, errors: &scan.errors))
                continue
            }
            let keys: [URLResourceKey] = [.isRegularFileKey, .isSymbolicLinkKey]
            var unlisted: [String] = []
            let resolvedPrefix = resolved.path.hasSuffix("/") ? resolved.path : resolved.path + "/"
            let enumerator = manager.enumerator(
                at: resolved, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles],
                errorHandler: { url, _ in
                    unlisted.append(url.standardizedFileURL.path)
                    return true
                })
            while let url = enumerator?.nextObject() as? URL {
                guard let format = DocumentFormat(fileName: url.lastPathComponent) else { continue }
                let found = url.standardizedFileURL.path
                guard found.hasPrefix(resolvedPrefix) else { continue }
                let relative = String(found.dropFirst(resolvedPrefix.count))
                let values = try? url.resourceValues(forKeys: Set(keys))
                var target = found
                let shown = DisplayPath.relative(rootPath + "/" + relative)
                if values?.isSymbolicLink == true {
                    target = url.resolvingSymlinksInPath().path
                    var targetIsDirectory: ObjCBool = false
                    guard manager.fileExists(atPath: target, isDirectory: &targetIsDirectory) else {
                        // stat(2) follows the links, and says why it could not: a loop, or a missing target.
                        var status = stat()
                        let reason = stat(found, &status) == 0 ? "it cannot be followed" : String(cString: strerror(errno))
                        scan.errors.append(CorpusError(path: shown, message: "a link that leads to no file (\(reason)); skipped"))
                        continue
                    }
                    if targetIsDirectory.boolValue { continue }
                    if (try? URL(fileURLWithPath: target).resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile != true {
                        scan.errors.append(CorpusError(path: shown, message: "a link to something that is not a regular file; skipped"))
                        continue
                    }
                } else if values?.isRegularFile != true {
                    // A named pipe, a socket or a device: reading it could block for ever.
                    var isFolder: ObjCBool = false
                    if manager.fileExists(atPath: found, isDirectory: &isFolder), !isFolder.boolValue {
                        scan.errors.append(CorpusError(path: shown, message: "not a regular file (a pipe, socket or device); skipped"))
                    }
                    continue
                }
                add(sourceFile(path: rootPath + "/" + relative, target: target, format: format, errors: &scan.errors))
            }
            for folder in unlisted {
                // Report and remember the folder under the root as it was named, like the files.
                let named = folder.hasPrefix(resolvedPrefix) ? rootPath + "/" + folder.dropFirst(resolvedPrefix.count) : rootPath
                let reason = access(folder, R_OK | X_OK) == 0 ? "it could not be read" : String(cString: strerror(errno))
                scan.errors.append(CorpusError(
                    path: DisplayPath.relative(named),
                    message: "cannot list this folder (\(reason)); what the index holds from it is kept"))
                scan.unlisted.append(named)
            }
        }
        scan.files.sort { $0.path < $1.path }
        return scan
    }

    /// A file found at `path`, whose size and date are those of `target` (itself, or where a link points).
    private static func sourceFile(
        path: String, target: String, format: DocumentFormat, errors: inout [CorpusError]
    ) -> SourceFile? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: target) else {
            errors.append(CorpusError(path: DisplayPath.relative(path), message: "cannot read the file's size and date"))
            return nil
        }
        var size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        var modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let sidecar = format.takesSidecar ? Sidecar.path(for: path) : nil
        if let sidecar, let extra = try? FileManager.default.attributesOfItem(atPath: sidecar) {
            size += (extra[.size] as? NSNumber)?.int64Value ?? 0
            // The sum, not the later of the two: a sidecar restored with an older date (`cp -p`, `rsync -t`) changes it.
            modified += (extra[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        }
        return SourceFile(path: path, format: format, size: size, modifiedAt: modified, sidecar: sidecar)
    }
}
