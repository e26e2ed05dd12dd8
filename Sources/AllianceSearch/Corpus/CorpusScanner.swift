import Foundation

/// One file that ingest will read, as found under a folder or named directly.
public struct SourceFile: Sendable, Hashable {
    /// The absolute, standardised path: the key of the index's manifest and the `path` stored for its documents.
    public var path: String
    public var format: DocumentFormat
    public var size: Int64
    /// Seconds since 1970 of the last modification.
    public var modifiedAt: Double
    /// The id a Markdown or text document gets when it does not set one: the name of the folder it was found in and
    /// its path under it, without the extension (`corpus/organisations/shakti-samuha`). Ingest keeps the id a file
    /// already has in the index, so naming the folder another way later does not change it.
    public var defaultID: String
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
                    scan.errors.append(CorpusError(path: root, message: "not a document: use .md, .txt or .jsonl files"))
                    continue
                }
                let folderName = URL(fileURLWithPath: rootPath).deletingLastPathComponent().lastPathComponent
                let id = folderName + "/" + (rootName as NSString).deletingPathExtension
                add(sourceFile(path: rootPath, target: resolved.path, format: format, defaultID: id, errors: &scan.errors))
                continue
            }
            let keys: [URLResourceKey] = [.isRegularFileKey, .isSymbolicLinkKey]
            var listingErrors: [CorpusError] = []
            let enumerator = manager.enumerator(
                at: resolved, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles],
                errorHandler: { url, error in
                    listingErrors.append(CorpusError(path: url.path, message: "cannot list: \(error.localizedDescription)"))
                    return true
                })
            let resolvedPrefix = resolved.path.hasSuffix("/") ? resolved.path : resolved.path + "/"
            while let url = enumerator?.nextObject() as? URL {
                guard let format = DocumentFormat(fileName: url.lastPathComponent) else { continue }
                let found = url.standardizedFileURL.path
                guard found.hasPrefix(resolvedPrefix) else { continue }
                let relative = String(found.dropFirst(resolvedPrefix.count))
                let values = try? url.resourceValues(forKeys: Set(keys))
                var target = found
                if values?.isSymbolicLink == true {
                    target = url.resolvingSymlinksInPath().path
                    var targetIsDirectory: ObjCBool = false
                    guard manager.fileExists(atPath: target, isDirectory: &targetIsDirectory), !targetIsDirectory.boolValue else {
                        continue
                    }
                } else if values?.isRegularFile != true {
                    continue
                }
                let id = rootName + "/" + (relative as NSString).deletingPathExtension
                add(sourceFile(path: rootPath + "/" + relative, target: target, format: format, defaultID: id, errors: &scan.errors))
            }
            scan.errors += listingErrors
        }
        scan.files.sort { $0.path < $1.path }
        return scan
    }

    /// A file found at `path`, whose size and date are those of `target` (itself, or where a link points).
    private static func sourceFile(
        path: String, target: String, format: DocumentFormat, defaultID: String, errors: inout [CorpusError]
    ) -> SourceFile? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: target) else {
            errors.append(CorpusError(path: DisplayPath.relative(path), message: "cannot read the file's size and date"))
            return nil
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return SourceFile(path: path, format: format, size: size, modifiedAt: modified, defaultID: defaultID)
    }
}
