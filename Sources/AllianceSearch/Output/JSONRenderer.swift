import Foundation

/// Renders results as one JSON document (`--format json`), or one hit per line (`--format jsonl`).
public struct JSONRenderer: Sendable {
    /// The version of the contract; it changes only when a field is removed or changes meaning.
    public static let schemaVersion = 1

    public init() {}

    /// The whole result document, pretty-printed.
    public func render(_ results: SearchResults) throws -> String {
        String(decoding: try ResultDocument.encoder(pretty: true).encode(ResultDocument(results)), as: UTF8.self) + "\n"
    }

    /// One compact JSON object per hit, each with `schema` and `query` added, so that each line stands alone.
    public func renderLines(_ results: SearchResults) throws -> String {
        struct Line: Encodable {
            var schema: Int
            var query: String
            var total: Int
            var hit: ResultDocument.Hit

            func encode(to encoder: Encoder) throws {
                try hit.encode(to: encoder)
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(schema, forKey: .schema)
                try container.encode(query, forKey: .query)
                try container.encode(total, forKey: .total)
            }

            enum Keys: String, CodingKey { case schema, query, total }
        }
        let document = ResultDocument(results)
        let encoder = ResultDocument.encoder(pretty: false)
        return try document.hits.map { hit in
            String(decoding: try encoder.encode(Line(schema: document.schema, query: document.query, total: document.total, hit: hit)), as: UTF8.self) + "\n"
        }.joined()
    }
}
