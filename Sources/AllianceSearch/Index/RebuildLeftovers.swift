import Foundation

/// The file a rebuild writes beside the index before renaming it into place (`alliance.sqlite.rebuild-1234`, and
/// what SQLite keeps beside that), which a rebuild killed before it could clean up leaves behind.
///
/// Every rebuild runs under the index's `WriterLock`, so whoever holds the lock knows such files are abandoned and
/// removes them: every ingest and purge does, and every search that finds the lock free. A search that cannot
/// (a read-only folder) says what is left and how large it is.
enum RebuildLeftovers {
    /// A file left by a rebuild.
    struct Leftover: Equatable {
        var path: String
        var size: Int64
    }

    /// The file a rebuild of the index at `indexPath` by this process writes.
    static func temporaryPath(for indexPath: String) -> String {
        IndexLocation.writablePath(indexPath) + marker + String(getpid())
    }

    private static let marker = ".rebuild-"

    /// The rebuild files beside the index at `indexPath`, with their sizes.
    static func find(beside indexPath: String) -> [Leftover] {
        let url = URL(fileURLWithPath: IndexLocation.writablePath(indexPath))
        let folder = url.deletingLastPathComponent().path
        let prefix = url.lastPathComponent + marker
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasPrefix(prefix) }.sorted().compactMap { name in
            let path = (folder as NSString).appendingPathComponent(name)
            switch FileKind.at(path, followingLinks: false) {
            case .regular(let size): return Leftover(path: path, size: size)
            case .link: return Leftover(path: path, size: 0)
            default: return nil
            }
        }
    }

    /// Removes them; call only with the writer lock held.
    static func remove(beside indexPath: String) {
        for leftover in find(beside: indexPath) { try? IndexLocation.removeFile(leftover.path) }
    }

    /// For a search: removes them when no writer runs, and otherwise, when they cannot be removed here, returns a
    /// line saying what is left. Nothing is said while a writer runs: the file may be its rebuild.
    static func tidy(beside indexPath: String) -> String? {
        let found = find(beside: indexPath)
        guard !found.isEmpty else { return nil }
        let lock: WriterLock?
        do {
            lock = try WriterLock.acquire(for: indexPath, waiting: false)
        } catch {
            let total = found.reduce(Int64(0)) { $0 + $1.size }
            let names = found.map { DisplayPath.relative($0.path) }.joined(separator: ", ")
            return "a rebuild that was stopped left \(names) (\(ByteCountFormatter.string(fromByteCount: total, countStyle: .file))), which cannot be removed from here; delete it"
        }
        guard let lock else { return nil }
        defer { lock.release() }
        remove(beside: indexPath)
        return nil
    }
}
