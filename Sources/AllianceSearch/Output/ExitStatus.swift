/// The exit statuses of both tools: part of the contract scripts rely on, listed in `--help` and the README.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// `alliance-query`: the query matched at least one document (even when `--offset` or `--limit 0` leaves none
    /// to print). `alliance-ingest`: every file was indexed.
    case success = 0
    /// `alliance-query`: no hits. `alliance-ingest`: some files or records failed; the others were indexed.
    case partial = 1
    /// A usage error: an unknown option, a bad value, a query with nothing to search, a folder that does not exist.
    case usage = 2
    /// The index is missing, damaged, locked, of another version, or cannot be written (a full disk).
    case index = 3

    /// The status for an error thrown by the library.
    public static func forError(_ error: any Error) -> ExitStatus {
        switch error {
        case is QueryError, is CorpusError: .usage
        default: .index
        }
    }

    /// The table shown in `--help`.
    public static let helpText = """
        Exit status:
          0  success (alliance-query: the query matched at least one document)
          1  alliance-query: no hits; alliance-ingest: some files failed, the rest were indexed
          2  usage error: bad option or value, empty query, missing folder
          3  index error: missing, damaged, locked, other version, or not writable (disk full)
        """
}
