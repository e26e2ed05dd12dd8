import AllianceSearch
import Foundation

/// A pool of search engines, each on its own read-only connection to the index, so that requests are answered
/// side by side (SQLite serialises the users of one connection), and a watchdog that stops a search that runs too
/// long.
///
/// Each engine keeps its caches (`IndexCache`) between requests. An ingest that updates the index in place is
/// seen by the next request, through SQLite's write-ahead log and `PRAGMA data_version`. A rebuild renames a new file
/// into place: the pool notices that the path names another file (device and inode), and reopens. The connections
/// are those of `SearchIndex.openForReading`: read-only, except that a hot journal left by a killed ingest is rolled
/// back read-write, and an index on read-only media is opened `immutable` (which then sees no later change, as
/// nothing can change it there).
///
/// `withEngine` blocks on SQLite; it is called from the server's thread pool, never from an event loop.
public final class EnginePool: @unchecked Sendable {
    public let path: String
    /// A search still running this long after its request came is interrupted, and answered 503.
    public let timeout: TimeInterval
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

    public init(path: String, timeout: TimeInterval = 10) {
        self.path = path
        self.timeout = timeout
    }

    /// Runs `body` with an engine on the index as it is now, opening one when none is idle or the file was replaced.
    ///
    /// - Parameter deadline: When `body` is interrupted: `timeout` after the request came, so that the time it
    ///   waited for a thread counts (`SearchJob`). Without one, `timeout` from now.
    /// - Throws: `IndexError` when the index cannot be opened (missing, damaged, another version): the server
    ///   answers 503 until it can; `ServerError` (503) when the deadline passed before `body` started, or while it
    ///   ran (it was interrupted); or what `body` throws.
    public func withEngine<T>(until deadline: DispatchTime? = nil, _ body: (SearchEngine) throws -> T) throws -> T {
        let start = DispatchTime.now()
        let deadline = deadline ?? start + timeout
        let arrival = deadline - timeout
        guard start < deadline else {
            throw ServerError.timedOut(limit: timeout, waited: arrival.seconds(to: start), ran: nil)
        }
        guard let file = FileIdentity(path: path) else { throw IndexError.missing(path: path) }
        let reused: Slot? = lock.withLock {
            idle.removeAll { $0.file != file }
            return idle.popLast()
        }
        let slot = try reused ?? Slot(engine: SearchEngine(index: try SearchIndex.openForReading(at: path)), file: file)
        defer { lock.withLock { idle.append(slot) } }
        let watchdog = Watchdog(index: slot.engine.index)
        let alarm = AlarmClock.shared.set(at: deadline) { watchdog.interrupt() }
        defer {
            watchdog.finish()
            AlarmClock.shared.cancel(alarm)
        }
        do {
            return try body(slot.engine)
        } catch where watchdog.fired {
            throw ServerError.timedOut(
                limit: timeout, waited: arrival.seconds(to: start), ran: start.seconds(to: .now()))
        }
    }

    /// Interrupts a search that is still running, never one that has finished: both happen under one lock, so an
    /// interrupt cannot reach the next search on the same connection.
    private final class Watchdog: @unchecked Sendable {
        private let index: SearchIndex
        private let lock = NSLock()
        private var done = false
        private var didFire = false

        init(index: SearchIndex) {
            self.index = index
        }

        var fired: Bool { lock.withLock { didFire } }

        func interrupt() {
            lock.withLock {
                guard !done else { return }
                didFire = true
                index.interrupt()
            }
        }

        func finish() {
            lock.withLock { done = true }
        }
    }
}
