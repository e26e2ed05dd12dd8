/// The one-line progress display of a long ingest on a terminal: `\r  1200/5400 files, 3100 documents`.
public struct ProgressLine: Sendable {
    /// Seconds a run must have lasted before progress is shown, so that quick runs stay quiet.
    public static let delay = 1.0

    public static func render(_ progress: IngestProgress) -> String {
        "\r  \(progress.filesDone)/\(progress.filesTotal) files, \(progress.documentsDone) documents"
    }

    /// Clears the line once the run is over.
    public static let clear = "\r\u{1B}[2K"
}
