/// A document with every value ingest derives from it computed once, on the reading thread, so that the
/// writing thread only binds values: its metadata as canonical JSON, its content hash, the Khmer cluster pairs
/// (`KhmerGrams`) and the languages it is stemmed in.
struct PreparedDocument: Sendable {
    var document: Document
    var metadataJSON: String
    var contentHash: String
    var khmer: String
    var stemming: String

    init(_ document: Document) {
        self.document = document
        metadataJSON = document.metadataJSON
        contentHash = document.contentHash(metadataJSON: metadataJSON)
        khmer = KhmerGrams.indexText(([document.title] + document.aliases + [document.body]).joined(separator: "\n"))
        stemming = document.stemmingLanguages.map(\.rawValue).joined(separator: " ")
    }
}
