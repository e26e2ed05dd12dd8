import Foundation
import HTTPTypes
import Hummingbird

/// The outermost middleware: turns any error into a response (JSON under `/api/`, a page elsewhere) and gives every
/// response the same security headers.
///
/// - `Content-Security-Policy`: only this server's own style sheet and script, no inline code, no frames, forms
///   submitted only here. An injection that got past the escaping would still not run.
/// - `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` (queries are in URLs, and may be sensitive),
///   `X-Frame-Options: DENY` for browsers without CSP `frame-ancestors`.
struct ResponsePolicy: RouterMiddleware {
    typealias Context = BasicRequestContext

    /// The host names answered for; any other is a 421 (DNS rebinding).
    let hosts: HostPolicy

    static let contentSecurityPolicy = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    /// A second `Host` header stays among the fields (the first is the request's authority).
    static let host = HTTPField.Name("Host")!

    /// The headers every response carries, those the channel's `ProtocolGuard` writes included.
    static let securityHeaders: [(name: HTTPField.Name, value: String)] = [
        (.contentSecurityPolicy, contentSecurityPolicy), (.xContentTypeOptions, "nosniff"),
        (referrerPolicy, "no-referrer"), (frameOptions, "DENY"),
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            try hosts.check(authority: request.head.authority, repeated: request.headers[Self.host] != nil)
            // Everything here is read: any other method is refused, saying which are allowed.
            guard request.method == .get || request.method == .head else {
                throw ServerError(status: .methodNotAllowed, message: "\(fixed: request.method.rawValue) is not allowed; every route here answers GET (and HEAD)")
            }
            response = try await next(request, context)
        } catch {
            let failure: ServerError = switch error {
            case let error as HTTPError where error.status == .notFound: .noRoute(request.uri.path)
            case let error as HTTPError: ServerError(status: error.status, message: MessageText(unmarked: error.body ?? error.status.reasonPhrase))
            default: ServerError.from(error)
            }
            let (head, body) = Self.errorResponse(failure, path: request.uri.path)
            response = Response(status: head.status, headers: head.headerFields, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
        for (name, value) in Self.securityHeaders { response.headers[name] = value }
        return response
    }

    /// `failure` as the server answers it: JSON under `/api/`, a page elsewhere, `no-store`, with the security
    /// headers (and `Allow` for a 405).
    static func errorResponse(_ failure: ServerError, path: String) -> (head: HTTPResponse, body: String) {
        let (type, body) =
            if path.hasPrefix("/api/") || path == "/api" {
                (SearchAPI.contentType, failure.json)
            } else {
                (PageRoutes.contentType, PageRoutes.problem(failure))
            }
        var head = SearchServer.response(failure.status, type: type, body).head
        if failure.status == .methodNotAllowed { head.headerFields[.allow] = "GET, HEAD" }
        for (name, value) in securityHeaders { head.headerFields[name] = value }
        return (head, body)
    }
}
