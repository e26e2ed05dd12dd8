import Foundation

/// One file that ingest will read, as found under a folder or named directly.
public struct SourceFile: Sendable, Hashable {
    /// The absolute, standardised path: the key of the index's manifest and the `path` stored for its documents.
    public var path: String
    public var format: DocumentFormat
    public var size: Int64
    /// Seconds since 1970 of the last modification.
    public var modifiedAt: Double
    /// The id a Markdown or text document gets when it does not set one: its path under the folder it was found in,
    /// without the extension (`organisations/shakti-samuha`).
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
    /// - Throws: `CorpusError` when a root does not exist: that is a mistake in the command, not in the corpus.
    public static func scan(roots: [String]) throws -> Scan {
        var scan = Scan()
        var seen = Set<String>()
        let manager = FileManager.default
        for root in roots {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: root, isDirectory: &isDirectory) else {
                throw CorpusError(path: root, message: "no such file or folder")
            }
            let rootURL = URL(fileURLWithPath: absolutePath(root))
            if !isDirectory.boolValue {
                let name = rootURL.lastPathComponent
                guard let format = DocumentFormat(fileName: name) else {
                    scan.errors.append(CorpusError(path: root, message: "not a document: use .md, .txt or .jsonl files"))
                    continue
                }
                let id = (name as NSString).deletingPathExtension
                if let file = sourceFile(rootURL, format: format, defaultID: id, errors: &scan.errors), seen.insert(file.path).inserted {
                    scan.files.append(file)
                }
                continue
            }
            let keys: [URLResourceKey] = [.isRegularFileKey, .isDirectoryKey, .fileSizeKey, .contentModificationDateKey]
            var listingErrors: [CorpusError] = []
            let enumerator = manager.enumerator(
                at: rootURL, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles],
                errorHandler: { url, error in
                    listingErrors.append(CorpusError(path: url.path, message: "cannot list: \(error.localizedDescription)"))
                    return true
                })
            let rootPrefix = rootURL.path.hasSuffix("/") ? rootURL.path : rootURL.path + "/"
            while let url = enumerator?.nextObject() as? URL {
                guard let format = DocumentFormat(fileName: url.lastPathComponent) else { continue }
                let path = url.standardizedFileURL.path
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                let relative = path.hasPrefix(rootPrefix) ? String(path.dropFirst(rootPrefix.count)) : url.lastPathComponent
                let id = (relative as NSString).deletingPathExtension
                if let file = sourceFile(url, format: format, defaultID: id, errors: &scan.errors), seen.insert(file.path).inserted {
                    scan.files.append(file)
                }
            }
            scan.errors += listingErrors
        }
        scan.files.sort { $0.path < $1.path }
        return scan
    }

    private static func sourceFile(_ url: URL, format: DocumentFormat, defaultID: String, errors: inout [CorpusError]) -> SourceFile? {
        let path = url.standardizedFileURL.path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            errors.append(CorpusError(path: path, message: "cannot read the file's size and date"))
            return nil
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return SourceFile(path: path, format: format, size: size, modifiedAt: modified, defaultID: defaultID)
    }
}
