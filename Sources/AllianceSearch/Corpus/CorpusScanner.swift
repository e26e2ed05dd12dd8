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
        /// Files left out on purpose that the user should know of: links that lead outside the folders ingested.
        public var warnings: [CorpusError] = []
        /// Folders (absolute paths) that could not be listed: what the index holds from them must be kept.
        public var unlisted: [String] = []
        /// What the files found may be read from: the reader checks every file it opens against it again.
        public var policy = LinkPolicy.anywhere
    }

    /// The absolute, standardised form of a path given on the command line.
    public static func absolutePath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Lists the document files under each root.
    ///
    /// A root is taken as the user named it: a root that is a symbolic link is followed. Inside a folder, links to
    /// files are followed only when the file they lead to lies under one of the roots, so that a link planted in a
    /// corpus (`corpus/passwd.txt → /etc/passwd`) does not put a file from elsewhere into the index; `followLinks`
    /// follows them wherever they lead. Links to folders inside a folder are never followed (they could loop). Paths
    /// are reported under the root as it was named, so that the index does not change when a link is pointed
    /// elsewhere.
    ///
    /// - Throws: `CorpusError` when a root does not exist: that is a mistake in the command, not in the corpus.
    public static func scan(roots: [String], followLinks: Bool = false) throws -> Scan {
        var scan = Scan()
        let resolvedRoots = roots.map { URL(fileURLWithPath: absolutePath($0)).resolvingSymlinksInPath().path }
        let policy = LinkPolicy(roots: resolvedRoots, followLinks: followLinks)
        scan.policy = policy
        for (root, resolvedPath) in zip(roots, resolvedRoots) {
            let rootPath = absolutePath(root)
            let kind = FileKind.at(resolvedPath)
            guard kind != .missing else { throw CorpusError(path: root, message: "no such file or folder") }
            guard kind == .folder else {
                guard let format = DocumentFormat(fileName: URL(fileURLWithPath: rootPath).lastPathComponent) else {
                    scan.errors.append(CorpusError(path: root, message: "not a document: use .md, .txt, .jsonl, .pdf or .html files"))
                    continue
                }
                guard kind.isRegular else {
                    scan.errors.append(CorpusError(path: root, message: "\(kind.noun), not a regular file; skipped"))
                    continue
                }
                if let file = sourceFile(path: rootPath, target: resolvedPath, format: format, policy: policy, into: &scan) {
                    scan.files.append(file)
                }
                continue
            }
            list(folder: resolvedPath, as: rootPath, policy: policy, into: &scan)
        }
        // A file named twice (as a root and under a folder root, or under two nested roots) is listed once.
        var seen = Set<String>()
        scan.files = scan.files.filter { seen.insert($0.path).inserted }.sorted { $0.path < $1.path }
        return scan
    }

    /// Whether `path` is `root` or lies under it; both absolute.
    static func isPath(_ path: String, under root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    /// Lists the document files under the folder `resolved` (a root, links resolved), reporting them under
    /// `rootPath`, the root as it was named.
    private static func list(
        folder resolved: String, as rootPath: String, policy: LinkPolicy, into scan: inout Scan
    ) {
        let keys: [URLResourceKey] = [.isRegularFileKey, .isSymbolicLinkKey]
        var unlisted: [String] = []
        let resolvedPrefix = resolved.hasSuffix("/") ? resolved : resolved + "/"
        let enumerator = FileManager.default.enumerator(
            at: URL(fileURLWithPath: resolved), includingPropertiesForKeys: keys, options: [.skipsHiddenFiles],
            errorHandler: { url, _ in
                unlisted.append(url.standardizedFileURL.path)
                return true
            })
        while let url = enumerator?.nextObject() as? URL {
            guard let format = DocumentFormat(fileName: url.lastPathComponent) else { continue }
            let found = url.standardizedFileURL.path
            guard found.hasPrefix(resolvedPrefix) else { continue }
            let named = rootPath + "/" + found.dropFirst(resolvedPrefix.count)
            let shown = DisplayPath.relative(named)
            var target = found
            switch FileKind.at(found, followingLinks: false) {
            case .regular:
                break
            case .folder:
                continue
            case .link:
                let kind = FileKind.at(found)
                target = url.resolvingSymlinksInPath().path
                if kind == .folder { continue }
                if kind == .link {
                    // stat(2) follows the links, and says why it could not: a loop, or a missing target.
                    var status = stat()
                    let reason = stat(found, &status) == 0 ? "it cannot be followed" : String(cString: strerror(errno))
                    scan.errors.append(CorpusError(path: shown, message: "a link that leads to no file (\(reason)); skipped"))
                    continue
                }
                guard kind.isRegular else {
                    scan.errors.append(CorpusError(path: shown, message: "a link to \(kind.noun); skipped"))
                    continue
                }
                guard policy.allows(target) else {
                    scan.warnings.append(CorpusError(
                        path: shown,
                        message: "a link to \(target), outside the folders being ingested; skipped (ingest with --follow-links to follow such links)"))
                    continue
                }
            case let kind:
                // A named pipe, a socket or a device: reading it could block for ever.
                scan.errors.append(CorpusError(path: shown, message: "\(kind.noun), not a regular file; skipped"))
                continue
            }
            if let file = sourceFile(path: named, target: target, format: format, policy: policy, into: &scan) {
                scan.files.append(file)
            }
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

    /// A file found at `path`, whose size and date are those of `target` (itself, or where a link points).
    private static func sourceFile(
        path: String, target: String, format: DocumentFormat, policy: LinkPolicy, into scan: inout Scan
    ) -> SourceFile? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: target) else {
            scan.errors.append(CorpusError(path: DisplayPath.relative(path), message: "cannot read the file's size and date"))
            return nil
        }
        var size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        var modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let sidecar = format.takesSidecar ? Sidecar.path(for: path, within: policy) : nil
        if format.takesSidecar, sidecar == nil, let found = Sidecar.path(for: path), let resolved = FileKind.realPath(found) {
            // The same rule as for documents: a sidecar that is a link out of the folders is not read.
            scan.warnings.append(CorpusError(
                path: DisplayPath.relative(found),
                message: "a link to \(resolved), outside the folders being ingested; this sidecar is not read (ingest with --follow-links to follow such links)"))
        }
        if let sidecar, let extra = try? FileManager.default.attributesOfItem(atPath: sidecar) {
            size += (extra[.size] as? NSNumber)?.int64Value ?? 0
            // The sum, not the later of the two: a sidecar restored with an older date (`cp -p`, `rsync -t`) changes it.
            modified += (extra[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        }
        return SourceFile(path: path, format: format, size: size, modifiedAt: modified, sidecar: sidecar)
    }
}
