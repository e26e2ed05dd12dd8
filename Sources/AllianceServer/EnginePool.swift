import AllianceSearch
import Foundation

/// A pool of search engines, each on its own read-only connection to the index, so that requests are answered
/// side by side (SQLite serialises the users of one connection).
///
/// Each engine keeps its caches (`IndexCache`) between requests. An ingest that updates the index in place is
/// seen by the next request, through SQLite's write-ahead log and `PRAGMA data_version`. A rebuild renames a new file
/// into place: the pool notices that the path names another file (device and inode), and reopens.
///
/// `withEngine` blocks on SQLite; it is called from the server's thread pool, never from an event loop.
public final class EnginePool: @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private var idle: [Slot] = []

    private struct Slot {
        var engine: SearchEngine
        var file: FileIdentity
    }

    /// Which file a path names now.
    struct FileIdentity: Equatable {
        var device: UInt64
        var inode: UInt64

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    public init(path: String) {
        self.path = path
    }

    /// Runs `body` with an engine on the index as it is now, opening one when none is idle or the file was replaced.
    ///
    /// - Throws: `IndexError` when the index cannot be opened (missing, damaged, another version): the server
    ///   answers 503 until it can; or what `body` throws.
    public func withEngine<T>(_ body: (SearchEngine) throws -> T) throws -> T {
        guard let file = FileIdentity(path: path) else { throw IndexError.missing(path: path) }
        var slot: Slot? = lock.withLock {
            idle.removeAll { $0.file != file }
            return idle.popLast()
        }
        if slot == nil {
            slot = Slot(engine: SearchEngine(index: try SearchIndex.openForReading(at: path)), file: file)
        }
        guard let slot else { throw IndexError.missing(path: path) }
        defer { lock.withLock { idle.append(slot) } }
        return try body(slot.engine)
    }
}
