import Foundation

/// A document source that could not be read: which file, which line, and what to do about it.
///
/// Ingest reports these on stderr as `path:line: message` and goes on with the other files; the exit status then
/// says that something failed.
public struct CorpusError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// The file, as the user named it or as it was found under a folder they named.
    public var path: String
    /// The 1-based line the problem is on, when it is known.
    public var line: Int?
    /// What went wrong, and what to do about it.
    public var message: String

    public init(path: String, line: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { "\(path):\(line): \(message)" } else { "\(path): \(message)" }
    }

    public var errorDescription: String? { description }

    /// `path:line: label: message`, for a warning.
    public func prefixed(_ label: String) -> String {
        let place = line.map { "\(path):\($0)" } ?? path
        return "\(place): \(label): \(message)"
    }
}
