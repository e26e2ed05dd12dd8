import Foundation

/// What a path names, as `stat(2)` sees it: the one place that decides whether a path may be read as a document or
/// become an index.
///
/// A path is never trusted to be what its name suggests. A corpus may hold a named pipe (opening it blocks until
/// someone writes), a device, a socket, or a link to any of these or to a file elsewhere; an index path may be
/// `/dev/null`. Reading code opens files through `openForReading(_:)`, which refuses all but regular files without
/// blocking, and writing code asks `at(_:)` before it creates or replaces anything.
enum FileKind: Equatable, Sendable {
    case missing
    case regular(size: Int64)
    case folder
    case pipe
    case socket
    case characterDevice
    case blockDevice
    /// A symbolic link: only ever returned when links are not followed, or for a link whose target is missing or
    /// loops.
    case link
    case unknown

    /// What `path` is, following symbolic links (`stat`), or not (`lstat`). A link that leads nowhere (a missing
    /// target, a loop) is `.link` when followed, so that it is never mistaken for a free path.
    static func at(_ path: String, followingLinks: Bool = true) -> FileKind {
        var status = stat()
        if followingLinks ? stat(path, &status) == 0 : lstat(path, &status) == 0 {
            return FileKind(mode: status.st_mode, size: Int64(status.st_size))
        }
        if followingLinks && lstat(path, &status) == 0 { return .link }
        return .missing
    }

    init(mode: mode_t, size: Int64) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular(size: size)
        case S_IFDIR: self = .folder
        case S_IFIFO: self = .pipe
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFLNK: self = .link
        default: self = .unknown
        }
    }

    var isRegular: Bool {
        if case .regular = self { return true }
        return false
    }

    /// "a named pipe", for messages that say why a path was refused.
    var noun: String {
        switch self {
        case .missing: "nothing"
        case .regular: "a file"
        case .folder: "a folder"
        case .pipe: "a named pipe (FIFO)"
        case .socket: "a socket"
        case .characterDevice: "a character device"
        case .blockDevice: "a block device"
        case .link: "a symbolic link that leads to no file (its target is missing, or the links loop)"
        case .unknown: "a special file"
        }
    }

    /// Opens `path` for reading only when it is a regular file (after following links), and never blocks: a pipe
    /// or device swapped in after the file was listed is refused, not opened and waited on.
    ///
    /// - Returns: The descriptor, in blocking mode, for the caller to close.
    /// - Throws: `FileKind.Refusal` saying what the path is, or the `errno` of a failed open.
    static func openForReading(_ path: String, within policy: LinkPolicy = .anywhere) throws -> Int32 {
        // A device is not even opened (opening some has effects); O_NONBLOCK covers a pipe swapped in since.
        let before = at(path)
        guard before.isRegular || before == .missing else { throw Refusal(kind: before, code: 0) }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else { throw Refusal(kind: nil, code: errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw Refusal(kind: nil, code: code)
        }
        let kind = FileKind(mode: status.st_mode, size: Int64(status.st_size))
        guard kind.isRegular else {
            close(descriptor)
            throw Refusal(kind: kind, code: 0)
        }
        // What was opened, not what the name led to a moment before: a link re-pointed, or a folder swapped for a
        // link, since the path was checked.
        if policy != .anywhere, let opened = openedPath(descriptor) ?? realPath(path), !policy.allows(opened) {
            close(descriptor)
            throw Refusal(kind: nil, code: 0, outside: opened)
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return descriptor
    }

    /// The path of the file open on `descriptor`, as the kernel has it (`/proc/self/fd`), or `nil` where it cannot
    /// say.
    private static func openedPath(_ descriptor: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/fd/\(descriptor)", &buffer, buffer.count - 1)
        guard count > 0, buffer[0] == 0x2F else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `path` with every link resolved, or `nil` when it cannot be.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Why `openForReading` refused a path.
    struct Refusal: Error, Sendable {
        /// What the path turned out to be, when it opened but is not a regular file.
        var kind: FileKind?
        /// The `errno` of a failed `open` or `fstat`.
        var code: Int32
        /// Where it led, when that is outside what the `LinkPolicy` allows.
        var outside: String? = nil

        /// "not a regular file but a named pipe (FIFO)", or the system's reason.
        var reason: String {
            if let outside { return "it now leads to \(outside), outside the folders being ingested; ingest with --follow-links to follow such links" }
            if let kind { return "not a regular file but \(kind.noun)" }
            return String(cString: strerror(code))
        }
    }
}
