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

    /// What is at `path`.
    ///
    /// - Throws: `IndexError.io` naming what the path is, when it can be neither read as an index nor made one.
    static func state(of path: String) throws -> State {
        switch FileKind.at(path) {
        case .missing: return .none
        case .regular(let size): return size > 0 ? .file : .none
        case .folder:
            let suggestion = (path as NSString).appendingPathComponent("alliance.sqlite")
            throw IndexError.io(path: path, detail: "it is a folder; name a file in it, such as \(suggestion)")
        case let other:
            throw IndexError.io(
                path: path,
                detail: "it is \(other.noun), not a regular file; an index can only be a regular file or a path where nothing is yet, so it was left as it is")
        }
    }

    /// The path to write: the target of a symbolic link to a regular file, else `path` itself.
    static func writablePath(_ path: String) -> String {
        guard FileKind.at(path, followingLinks: false) == .link, FileKind.at(path).isRegular else { return path }
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    /// Removes the file at `path` when it is one: never a folder, whatever its name says. A missing path is fine.
    ///
    /// - Throws: `IndexError.io` when something other than a file or a link is in the way, or it cannot be removed.
    static func removeFile(_ path: String) throws {
        let kind = FileKind.at(path, followingLinks: false)
        guard kind != .missing else { return }
        guard kind != .folder else {
            throw IndexError.io(path: path, detail: "it is a folder where the index keeps a file of its own; move it away")
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
