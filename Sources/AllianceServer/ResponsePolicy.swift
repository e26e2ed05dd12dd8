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

    static let contentSecurityPolicy = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
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
            if request.uri.path.hasPrefix("/api/") || request.uri.path == "/api" {
                response = SearchServer.response(failure.status, type: SearchAPI.contentType, failure.json)
            } else {
                response = PageRoutes.problem(failure)
            }
        }
        if response.status == .methodNotAllowed { response.headers[.allow] = "GET, HEAD" }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "no-referrer"
        response.headers[Self.frameOptions] = "DENY"
        return response
    }
}
