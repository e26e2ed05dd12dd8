import AllianceSearch
import Foundation
import HTTPTypes

/// What went wrong with one HTTP request, as a status code and a message the user can act on.
///
/// The API answers it as JSON, `{"schema": 1, "error": {"status": 400, "message": "…"}}`, where `status` is the
/// HTTP status; the page shows the message, with what it quotes from the request bidi-isolated (`MessageText`).
public struct ServerError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    let text: MessageText

    init(status: HTTPResponse.Status, message: MessageText) {
        self.status = status
        self.text = message
    }

    /// The message as plain text.
    public var message: String { text.plain }

    public var description: String { message }

    /// Errors are equal when their status and their text are, however the text marks what it quotes.
    public static func == (lhs: ServerError, rhs: ServerError) -> Bool {
        lhs.status == rhs.status && lhs.message == rhs.message
    }

    /// 400: a parameter that is malformed, out of range or unknown.
    static func badParameter(_ name: String, _ problem: MessageText) -> ServerError {
        ServerError(status: .badRequest, message: "parameter \(quoted: name) " + problem)
    }

    /// 404: no document has this id.
    static func unknownDocument(_ id: String) -> ServerError {
        ServerError(status: .notFound, message: "no document has the id \(quoted: id)")
    }

    /// 404: no such page or endpoint.
    static func noRoute(_ path: String) -> ServerError {
        ServerError(status: .notFound, message: "nothing is served at \(input: path); the API is /api/search, /api/documents/{id} and /api/health")
    }

    /// 503: a search not finished within the server's `--timeout`, counted from when the request came.
    ///
    /// - Parameters:
    ///   - waited: How long it waited for a thread.
    ///   - ran: How long it ran, `nil` when it never started.
    static func timedOut(limit: TimeInterval, waited: TimeInterval, ran: TimeInterval?) -> ServerError {
        guard let ran else {
            return ServerError(status: .serviceUnavailable, message: """
                the server is busy: the search waited its whole \(fixed: seconds(limit)) s limit for a thread and was \
                not run; try again shortly
                """)
        }
        // A wait too short to matter is not worth a word: the query is what took the time.
        guard waited >= limit / 10 else {
            return ServerError(status: .serviceUnavailable, message: "the search ran longer than \(fixed: seconds(limit)) s and was stopped; narrow the query or add filters")
        }
        return ServerError(status: .serviceUnavailable, message: """
            the search was stopped at its \(fixed: seconds(limit)) s limit, after waiting \(fixed: seconds(waited)) s \
            for a thread and running \(fixed: seconds(ran)) s; the server is busy, try again shortly
            """)
    }

    /// `1`, `0.5`, `2.3`: seconds to a tenth, without a trailing `.0`.
    private static func seconds(_ value: TimeInterval) -> String {
        let text = String(format: "%.1f", value)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// The status and message for any error a handler met: a query the engine refuses is the user's to fix (400),
    /// an index that cannot be read is unavailable (503), anything else is the server's fault (500).
    static func from(_ error: any Error) -> ServerError {
        switch error {
        case let error as ServerError: error
        case let error as QueryError: ServerError(status: .badRequest, message: MessageText(unmarked: error.localizedDescription))
        case let error as IndexError: ServerError(status: .serviceUnavailable, message: MessageText(unmarked: error.localizedDescription))
        default: ServerError(status: .internalServerError, message: MessageText(unmarked: "internal error: " + error.localizedDescription))
        }
    }

    /// The JSON body for the API.
    var json: String {
        struct Body: Encodable {
            var schema = JSONRenderer.schemaVersion
            var error: Detail
            struct Detail: Encodable {
                var status: Int
                var message: String
            }
        }
        return (try? SearchAPI.encode(Body(error: .init(status: status.code, message: message)))) ?? "{}\n"
    }
}
