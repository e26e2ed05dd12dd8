import AllianceSearch
import Foundation
import Hummingbird

/// The HTML pages: the search page and a document's view, rendered on the server by Mustache.
struct PageRoutes: Sendable {
    let server: SearchServer

    static let contentType = "text/html; charset=utf-8"

    /// `GET /?q=…&type=…&country=…&issue=…&offset=…`.
    func search(_ query: String?) async throws -> Response {
        let parameters = try QueryString(query)
        let link = SearchPage.link(from: parameters)
        guard !link.query.allSatisfy(\.isWhitespace) || !link.filters.isEmpty else {
            do {
                let count = try await server.withEngine { engine in try engine.index.documentCount() }
                return render(SearchPage.empty(documents: count), template: "search")
            } catch {
                // The search box stays usable; the page says why nothing can be found now.
                let failure = ServerError.from(error)
                var page = SearchPage.empty(documents: nil)
                page.warnings = [("The index is unavailable: " + failure.text).html]
                return render(page, template: "search", status: failure.status)
            }
        }
        do {
            let request = try SearchPage.request(for: link)
            let results = try await server.withEngine { engine in try engine.search(request) }
            return render(SearchPage(results: results, link: link), template: "search")
        } catch let error as QueryError {
            return render(SearchPage(refused: link, reason: MessageText(unmarked: error.localizedDescription)), template: "search", status: .badRequest)
        } catch let error as ServerError where error.status == .badRequest {
            return render(SearchPage(refused: link, reason: error.text), template: "search", status: .badRequest)
        }
    }

    /// `GET /documents/{id}?q=…`.
    func document(_ id: String, query: String?) async throws -> Response {
        let words = try SearchParameters.checkedQuery(try QueryString(query).value("q") ?? "")
        let document = try await server.document(id, marking: words)
        return render(DocumentPage(document, query: words), template: "document")
    }

    func render(_ model: Any, template: String, status: HTTPResponse.Status = .ok) -> Response {
        let html = PageTemplates.library.render(model, withTemplate: template) ?? ""
        return SearchServer.response(status, type: Self.contentType, html)
    }

    /// An error as a page: its message under a heading, what it quotes from the request isolated.
    static func problem(_ error: ServerError) -> String {
        struct Problem {
            var pageTitle: String
            var query = ""
            var hiddenFilters: [SearchPage.Pair] = []
            var heading: String
            var messageHTML: String
        }
        let heading = switch error.status.code {
        case 404: "Not found"
        case 421: "This server does not answer for this host name"
        case 503: "Not available now"
        case 400..<500: "This request cannot be answered"
        default: "Something went wrong"
        }
        return PageTemplates.library.render(
            Problem(pageTitle: heading, heading: heading, messageHTML: error.text.html), withTemplate: "problem") ?? ""
    }
}
