import Foundation

extension Ingester {
    /// What an ingest will do, decided from the options, the index's recorded settings and a scan of the corpus.
    struct Plan {
        let path: String
        let paths: IndexPaths
        /// The roots the index records (absolute), or `nil` when there is no index, or it is damaged and rebuilt.
        var recorded: [String]?
        /// Why the index is built anew, or `nil` for an update in place.
        var rebuildReason: String?
        /// The roots that exist, and those recorded ones that do not (an unmounted drive): what the index holds
        /// from a missing one is kept.
        var present: [String] = []
        var missing: [String] = []
        /// The roots to record: folders and document files, including missing recorded ones.
        var recordable: [String] = []
        var followLinks = false
        var scan = CorpusScanner.Scan()

        init(_ options: Options) throws {
            path = options.indexPath
            paths = IndexPaths(indexPath: path)
            rebuildReason = options.rebuild ? "--rebuild was asked for" : nil
            var recordedFollowLinks = false
            if try IndexLocation.state(of: path) == .file {
                do {
                    let settings = try SearchIndex.recordedSettings(at: path)
                    recorded = settings.roots.map(paths.absolute)
                    recordedFollowLinks = settings.followLinks
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
            followLinks = options.followLinks || (recordedFollowLinks && !options.rebuild)
            try chooseRoots(named: options.roots.map(CorpusScanner.absolutePath), rebuildAsked: options.rebuild)
        }

        /// Recorded roots are used when none are named, and kept when this build rebuilds an index that an older
        /// one made. A recorded folder that is missing stays recorded, and what the index holds from it stays too.
        private mutating func chooseRoots(named: [String], rebuildAsked: Bool) throws {
            var roots = named
            if roots.isEmpty {
                roots = recorded ?? [CorpusScanner.absolutePath(defaultCorpus)]
            } else if rebuildReason != nil && !rebuildAsked {
                roots += recorded ?? []
            }
            if roots.isEmpty && rebuildReason != nil {
                // Rebuilt from nothing, the index would be emptied.
                throw CorpusError(
                    path: path,
                    message: "this index records no folder or file to read again, so rebuilding it would empty it; name them: `alliance-ingest FOLDER… --rebuild --index \(path)`")
            }
            roots = Array(Set(roots)).sorted()
            let present = roots.filter { FileManager.default.fileExists(atPath: $0) }
            let missing = roots.filter { !present.contains($0) }
            var scan = try CorpusScanner.scan(roots: present, followLinks: followLinks)
            for root in missing {
                scan.errors.append(CorpusError(
                    path: DisplayPath.relative(root),
                    message: "this folder, which the index was built from, is missing; what the index holds from it is kept"))
            }
            // A named file that is not a document is reported by the scan, and not recorded as a root. A root that
            // is a link to a folder is recorded like the folder (`FileKind.at` follows links).
            recordable = roots.filter { root in
                missing.contains(root) || DocumentFormat(fileName: (root as NSString).lastPathComponent) != nil
                    || FileKind.at(root) == .folder
            }
            (self.present, self.missing, self.scan) = (present, missing, scan)
        }
    }
}
