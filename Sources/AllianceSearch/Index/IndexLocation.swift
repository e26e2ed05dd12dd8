import Foundation

/// What is at an index path, and the files SQLite and a rebuild keep beside it.
///
/// Only a regular file, or a path where nothing is yet, may be read as an index or become one: a folder, a named
/// pipe, a device or a socket is refused with a message saying what it is, so that `--index /dev/null` or a FIFO is
/// never replaced by an SQLite file (a rebuild renames its new file over the path). A symbolic link to a regular
/// file is used through its target, so that a rebuild replaces the file it points to, not the link.
enum IndexLocation {
    /// A usable index path.
    enum State: Equatable {
        /// Nothing at the path yet (or an empty regular file, which SQLite treats as a new database).
        case none
        /// A regular file that is not empty.
        case file
    }

    /// The suffixes of the files SQLite keeps beside a database: the write-ahead log, its shared-memory index and
    /// the rollback journal.
    static let companionSuffixes = ["-wal", "-shm", "-journal"]

    /// What is at `path`, after checking what is beside it: SQLite opens the log, the shared-memory file and the
    /// journal by name, and would block on a pipe there or fail on a folder with a message about something else;
    /// the writer lock's file is ours.
    ///
    /// - Throws: `IndexError.wrongKind` naming the path and what it is, when it, or a file beside it, is not a
    ///   regular file.
    static func state(of path: String) throws -> State {
        let state: State
        switch FileKind.at(path) {
        case .missing: state = .none
        case .regular(let size): state = size > 0 ? .file : .none
        case .folder:
            let suggestion = (path as NSString).appendingPathComponent("alliance.sqlite")
            throw IndexError.wrongKind(path: path, detail: "it is a folder; name a file in it, such as \(suggestion)")
        case let other:
            throw IndexError.wrongKind(
                path: path,
                detail: "it is \(other.noun), not a regular file; an index can only be a regular file or a path where nothing is yet, so it was left as it is")
        }
        let target = writablePath(path)
        for suffix in companionSuffixes + [".lock"] {
            let kind = FileKind.at(target + suffix, followingLinks: false)
            guard kind != .missing, !kind.isRegular else { continue }
            throw IndexError.wrongKind(
                path: path,
                detail: "\(target + suffix), where \(suffix == ".lock" ? "writers take turns" : "SQLite keeps the index's \(companionNoun(suffix))"), is \(kind.noun), not a file; move it away")
        }
        return state
    }

    /// "write-ahead log", for messages.
    private static func companionNoun(_ suffix: String) -> String {
        switch suffix {
        case "-wal": "write-ahead log"
        case "-shm": "shared-memory file"
        default: "rollback journal"
        }
    }

    /// The path to write: the target of a symbolic link to a regular file, else `path` itself.
    static func writablePath(_ path: String) -> String {
        guard FileKind.at(path, followingLinks: false) == .link, FileKind.at(path).isRegular else { return path }
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    /// Removes the file at `path` when it is one: never a folder, whatever its name says. A missing path is fine.
    ///
    /// - Throws: `IndexError.wrongKind` when a folder is in the way, `.io` when it cannot be removed.
    static func removeFile(_ path: String) throws {
        let kind = FileKind.at(path, followingLinks: false)
        guard kind != .missing else { return }
        guard kind != .folder else {
            throw IndexError.wrongKind(path: path, detail: "it is a folder where the index keeps a file of its own; move it away")
        }
        if unlink(path) != 0 && errno != ENOENT {
            throw IndexError.io(path: path, detail: "cannot remove it: \(String(cString: strerror(errno)))")
        }
    }

    /// Removes what SQLite kept beside a database at `path` that is gone: applied to a new file there, a leftover
    /// log or journal would be replayed into it.
    static func removeCompanions(of path: String) throws {
        for suffix in companionSuffixes { try removeFile(path + suffix) }
    }
}
