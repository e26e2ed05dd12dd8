/// What one ingest did, for the summary line and for scripts.
public struct IngestReport: Sendable, Equatable {
    public var added = 0
    public var updated = 0
    public var unchanged = 0
    public var removed = 0
    /// Files or JSONL records that could not be indexed; each has an entry in `errors`.
    public var failed: Int { errors.count }
    /// Every problem met, in file order.
    public var errors: [CorpusError] = []
    /// What the user should know but that cost no document (a PDF without text, indexed by its metadata).
    public var warnings: [CorpusError] = []
    /// Documents in the index after the ingest.
    public var documentCount = 0
    public var seconds = 0.0
    /// Why the index was built from scratch, or `nil` when it was updated in place.
    public var rebuildReason: String?
    /// When a scrub that an interrupted purge or `--secure` ingest left unfinished was finished by this ingest: the
    /// time it was recorded.
    public var finishedScrubFrom: String?
    /// The update was committed, but the scrub after it could not finish (`IndexError.scrubUnfinished`): the text it
    /// removed may still be in the file, and the scrub stays recorded for the next run.
    public var scrubFailure: IndexError?

    public init() {}

    /// `added 20, updated 0, unchanged 0, removed 0, failed 0 in 0.31 s (20 documents)`
    public var summary: String {
        let seconds = (seconds * 100).rounded() / 100
        return "added \(added), updated \(updated), unchanged \(unchanged), removed \(removed), failed \(failed)"
            + " in \(seconds) s (\(documentCount) documents)"
    }
}

/// How far an ingest has got, for a progress line on a terminal.
public struct IngestProgress: Sendable {
    public var filesDone: Int
    public var filesTotal: Int
    public var documentsDone: Int
}
