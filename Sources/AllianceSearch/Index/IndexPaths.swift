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

    /// The folder above the index's folder: the project folder in the usual layout (`index/`, `corpus/`).
    private let projectPrefix: String

    /// The index's folder is resolved through symbolic links, the index file's own included, so that an index
    /// reached by two names (a link in another folder) stores and reads the same paths.
    init(indexPath: String) {
        let folder = URL(fileURLWithPath: IndexLocation.writablePath(indexPath)).standardizedFileURL.deletingLastPathComponent()
        base = folder.resolvingSymlinksInPath().path
        baseComponents = base.split(separator: "/")
        let project = URL(fileURLWithPath: base).deletingLastPathComponent().path
        projectPrefix = project.hasSuffix("/") ? project : project + "/"
    }

    /// The id of a Markdown or text document that does not set one: its path under the project folder (the folder
    /// above the index's), without the extension, as `corpus/organisations/ndwm`; its absolute path, without the
    /// extension, when it lies elsewhere. It depends only on where the file and the index are, not on how the folder
    /// was named on the command line, so an incremental ingest and a rebuild give the same id.
    func defaultID(for absolute: String) -> String {
        let relative = absolute.hasPrefix(projectPrefix) ? String(absolute.dropFirst(projectPrefix.count)) : absolute
        return (relative as NSString).deletingPathExtension
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
}
