/// The one-line progress display of a long ingest on a terminal: `\r  1200/5400 files, 3100 documents`.
public struct ProgressLine: Sendable {
    /// Seconds a run must have lasted before progress is shown, so that quick runs stay quiet.
    public static let delay = 1.0

    /// The line, which returns to the start of the line before it: control text, written as it is.
    public static func render(_ progress: IngestProgress) -> TerminalControl {
        TerminalControl("\r  \(progress.filesDone)/\(progress.filesTotal) files, \(progress.documentsDone) documents")
    }

    /// Clears the line once the run is over.
    public static let clear = TerminalControl("\r\u{1B}[2K")
}
