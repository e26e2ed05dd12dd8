/// Links between the page's views: the search page with a query, filters and an offset, and a document's view.
///
/// Every value is percent-encoded here (only unreserved characters are left as they are), and the templates then
/// HTML-escape the whole link, so no value can end an attribute or start another URL.
public struct PageLink: Sendable, Equatable {
    public var query: String
    /// Filters as (parameter, value) pairs: `type`, `country`, `issue`.
    public var filters: [(name: String, value: String)]
    public var offset: Int
    /// `all` or `any` when the link must search as the page it came from did (`nil`: `auto`).
    public var match: String?

    public init(query: String, filters: [(name: String, value: String)] = [], offset: Int = 0, match: String? = nil) {
        self.query = query
        self.filters = filters
        self.offset = offset
        self.match = match
    }

    /// The page's filter parameters, in the order they are shown.
    public static let filterNames = SearchPage.facets.map(\.parameter)

    /// `/?q=…&type=…&offset=…`.
    public var href: String {
        var pairs = [("q", query)] + filters.map { ($0.name, $0.value) }
        if let match { pairs.append(("match", match)) }
        if offset > 0 { pairs.append(("offset", String(offset))) }
        return "/?" + pairs.map { "\($0.0)=\(Self.encode($0.1))" }.joined(separator: "&")
    }

    /// This link with `filter` added (or, when it is there already, removed), back on the first page.
    public func toggling(_ name: String, _ value: String) -> PageLink {
        var link = self
        link.offset = 0
        if let index = filters.firstIndex(where: { $0.name == name && $0.value == value }) {
            link.filters.remove(at: index)
        } else {
            link.filters.append((name, value))
        }
        return link
    }

    public func contains(_ name: String, _ value: String) -> Bool {
        filters.contains { $0.name == name && $0.value == value }
    }

    /// `/documents/{id}?q=…`, the document's view with the query's words marked.
    public static func document(_ id: String, query: String) -> String {
        "/documents/\(encode(id))" + (query.isEmpty ? "" : "?q=\(encode(query))")
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters, UTF-8 byte by byte.
    public static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                result.unicodeScalars.append("%")
                result.unicodeScalars.append(hex[Int(byte >> 4)])
                result.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return result
    }

    public static func == (lhs: PageLink, rhs: PageLink) -> Bool {
        lhs.query == rhs.query && lhs.offset == rhs.offset && lhs.match == rhs.match
            && lhs.filters.elementsEqual(rhs.filters) { $0.name == $1.name && $0.value == $1.value }
    }
}
