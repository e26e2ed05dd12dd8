import AllianceSearch
import Foundation
import Hummingbird

/// The JSON API: `/api/search`, `/api/documents/{id}` and `/api/health`.
///
/// Errors are JSON too, with the status in the body as well as on the response: 400 for a bad parameter or a query
/// the engine refuses, 404 for an unknown document, 503 while the index cannot be read.
struct SearchAPI: Sendable {
    let server: SearchServer

    static let contentType = "application/json; charset=utf-8"

    /// `GET /api/search?q=…`: exactly what `alliance-query --format json` prints for the same request.
    func search(_ query: String?) async throws -> Response {
        let request = try SearchParameters.request(from: try QueryString(query))
        let json = try await server.withEngine { engine in try JSONRenderer().render(try engine.search(request)) }
        return SearchServer.response(.ok, type: Self.contentType, json)
    }

    /// `GET /api/documents/{id}?q=…`: the document's fields, metadata and text, and with `q`, where the query's words
    /// are in the text (`highlights`, offsets in Unicode scalars, as in search results).
    func document(_ id: String, query: String?) async throws -> Response {
        let parameters = try QueryString(query)
        if let unknown = parameters.names.subtracting(["q"]).sorted().first {
            throw ServerError.badParameter(unknown, "is unknown; a document takes only q, the words to mark")
        }
        let words = try SearchParameters.checkedQuery(parameters.value("q") ?? "")
        let document = try await server.document(id, marking: words)
        return SearchServer.response(.ok, type: Self.contentType, try Self.encode(DocumentJSON(document)))
    }

    /// `GET /api/health`: 200 with the document count when the index can be searched, else 503 with the reason.
    func health() async throws -> Response {
        struct Health: Encodable {
            var schema = JSONRenderer.schemaVersion
            var status: String
            var index: String
            var documents: Int?
            var error: String?
        }
        let path = server.options.indexPath
        do {
            let count = try await server.withEngine { engine in try engine.index.documentCount() }
            return SearchServer.response(.ok, type: Self.contentType, try Self.encode(Health(status: "ok", index: path, documents: count)))
        } catch {
            let failure = ServerError.from(error)
            return SearchServer.response(
                failure.status, type: Self.contentType,
                try Self.encode(Health(status: "unavailable", index: path, error: failure.message)))
        }
    }

    /// One document, as `/api/documents/{id}` returns it.
    struct DocumentJSON: Encodable {
        var schema = JSONRenderer.schemaVersion
        var id: String
        var type: String
        var title: String
        var aliases: [String]
        var issues: [String]
        var path: String
        var line: Int
        var metadata: [String: JSONValue]
        var body: String
        var highlights: [Highlight]
        /// For a PDF: where each page starts in `body` (scalars), and the page of each highlight.
        var pageStarts: [Int]?

        struct Highlight: Encodable {
            var start: Int
            var end: Int
            var page: Int?
        }

        enum CodingKeys: String, CodingKey {
            case schema, id, type, title, aliases, issues, path, line, metadata, body, highlights
            case pageStarts = "page_starts"
        }

        init(_ document: DocumentView) {
            id = document.id
            type = document.type
            title = document.title
            aliases = document.aliases
            issues = document.issues
            path = document.path
            line = document.line
            metadata = document.metadata
            body = document.body.text
            highlights = document.body.ranges.map {
                Highlight(start: $0.lowerBound, end: $0.upperBound, page: Document.page(at: $0.lowerBound, pageStarts: document.pageStarts))
            }
            pageStarts = document.pageStarts.isEmpty ? nil : document.pageStarts
        }
    }

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
