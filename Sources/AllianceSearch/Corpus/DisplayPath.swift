import Foundation

/// How a stored absolute path is shown: relative to the working directory when it lies under it, else absolute.
///
/// The index stores absolute paths, so that the same file is the same manifest entry whichever way it was named on
/// the command line. People and scripts read paths relative to where they stand.
public enum DisplayPath {
    public static func relative(_ path: String, to directory: String = FileManager.default.currentDirectoryPath) -> String {
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }
}
