import Foundation

/// How an index stores file paths: relative to the folder the index file is in.
///
/// An index and its corpus usually travel together (a clone, a research bundle on a drive). Relative paths keep
/// the index valid when the whole tree is moved or mounted elsewhere; absolute ones would make every file look
/// deleted and every document a duplicate. Inside the ingest code paths are absolute and standardised; they are
/// converted only when written to or read from the database.
struct IndexPaths: Sendable {
    /// The absolute folder of the index file.
    let base: String
    private let baseComponents: [Substring]

    init(indexPath: String) {
        base = URL(fileURLWithPath: indexPath).standardizedFileURL.deletingLastPathComponent().path
        baseComponents = base.split(separator: "/")
    }

    /// The stored form of an absolute path: `../corpus/organisations/ndwm.md` for an index in `index/`.
    func stored(_ absolute: String) -> String {
        let parts = absolute.split(separator: "/")
        var common = 0
        while common < min(parts.count, baseComponents.count) && parts[common] == baseComponents[common] { common += 1 }
        let relative = Array(repeating: Substring(".."), count: baseComponents.count - common) + parts[common...]
        return relative.isEmpty ? "." : relative.joined(separator: "/")
    }

    /// The absolute form of a stored path. Absolute stored paths are returned as they are.
    func absolute(_ stored: String) -> String {
        if stored.hasPrefix("/") { return stored }
        return URL(fileURLWithPath: stored, relativeTo: URL(fileURLWithPath: base, isDirectory: true))
            .standardizedFileURL.path
    }

    /// Whether `path` is `root` or lies under it; both absolute.
    static func isPath(_ path: String, under root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }
}
