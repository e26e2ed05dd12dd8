import Foundation

/// The lock every process that writes an index holds for as long as it writes: an ingest, a purge, a repair, and the
/// update a query runs first when the corpus changed.
///
/// SQLite's own write lock lasts one transaction, and a second writer waits for it only as long as the busy timeout
/// (10 s): an ingest that takes minutes would make a scheduled one fail with "locked". So writers first take this
/// lock, an advisory `flock(2)` on `INDEX.lock` beside the index, which holds the holder's process id:
/// - an ingest or a purge waits for it as long as it takes, and says once that it waits;
/// - a query's update does not wait: the query searches the index as it is, and never makes an ingest fail.
///
/// The lock file is removed when the lock is released (a process killed with SIGKILL leaves it behind, unlocked,
/// for the next writer to take and remove). A writer that took the lock on a file that was removed and made again in
/// the meantime lets it go and tries again, so two writers never both believe they hold it.
final class WriterLock {
    /// The lock file, beside the index.
    let path: String
    /// The index it guards, as the user named it.
    let indexPath: String
    private var descriptor: Int32

    private init(path: String, indexPath: String, descriptor: Int32) {
        self.path = path
        self.indexPath = indexPath
        self.descriptor = descriptor
    }

    deinit { release() }

    /// The lock files this process holds.
    private static let heldHere = HeldPaths()

    /// Whether this process holds the lock of the index at `indexPath`.
    static func isHeldHere(for indexPath: String) -> Bool {
        heldHere.contains(IndexLocation.writablePath(indexPath) + ".lock")
    }

    private final class HeldPaths: @unchecked Sendable {
        private let lock = NSLock()
        private var paths = Set<String>()
        func insert(_ path: String) { lock.withLock { _ = paths.insert(path) } }
        func remove(_ path: String) { lock.withLock { _ = paths.remove(path) } }
        func contains(_ path: String) -> Bool { lock.withLock { paths.contains(path) } }
    }

    /// Takes the lock of the index at `indexPath`.
    ///
    /// - Parameters:
    ///   - waiting: Wait for a writer that holds it (saying so through `notice`), or return `nil` at once.
    /// - Throws: `IndexError.io` when the lock file cannot be made (a read-only folder: nothing could be written
    ///   there anyway) or something that is not a file is in its place.
    static func acquire(for indexPath: String, waiting: Bool, notice: ((String) -> Void)? = nil) throws -> WriterLock? {
        let path = IndexLocation.writablePath(indexPath) + ".lock"
        // A first build makes the index's folder; the lock goes in it first.
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && FileKind.at(folder) == .missing {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        var told = false
        while true {
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
            guard descriptor >= 0 else {
                throw IndexError.io(path: indexPath, detail: "cannot make its lock file \(path): \(String(cString: strerror(errno)))")
            }
            var status = stat()
            // A file with another name (a hard link) would have that file's contents replaced by a process id.
            guard fstat(descriptor, &status) == 0, FileKind(mode: status.st_mode, size: 0).isRegular, status.st_nlink <= 1 else {
                close(descriptor)
                throw IndexError.wrongKind(path: indexPath, detail: "\(path), where writers take turns, is not a file of its own (another kind of file, or one with another name); move it away")
            }
            if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
                guard waiting else {
                    close(descriptor)
                    return nil
                }
                if !told {
                    told = true
                    notice?("waiting for another process\(holder(descriptor)) that is writing \(indexPath) to finish …")
                }
                while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
            }
            // The file may have been released and removed while this process waited on it: then the lock is on a
            // file nobody else will look at. Take the one at the path instead.
            var current = stat()
            guard stat(path, &current) == 0, current.st_dev == status.st_dev, current.st_ino == status.st_ino else {
                close(descriptor)
                continue
            }
            let pid = "\(getpid())\n"
            _ = ftruncate(descriptor, 0)
            _ = pwrite(descriptor, pid, pid.utf8.count, 0)
            heldHere.insert(path)
            return WriterLock(path: path, indexPath: indexPath, descriptor: descriptor)
        }
    }

    /// " (process 1234)", read from a lock file another process holds, or nothing when it has not written it yet.
    private static func holder(_ descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0, let pid = Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return ""
        }
        return " (process \(pid))"
    }

    /// Removes the lock file and lets the lock go. Removing it first, while it is held, makes a waiter that then gets
    /// the lock see that the path no longer names its file.
    func release() {
        guard descriptor >= 0 else { return }
        Self.heldHere.remove(path)
        unlink(path)
        close(descriptor)
        descriptor = -1
    }
}
