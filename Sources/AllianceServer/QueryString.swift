import Foundation

/// The parameters of a URL's query string, decoded strictly: `+` is a space (as browsers send forms), `%XX`
/// escapes must be well formed and decode to UTF-8, and the number and size of parameters are bounded.
///
/// Hummingbird's own `queryParameters` keeps a value whose escapes are broken as it was typed; here such a value is
/// a 400 that names the parameter, so a client learns that its encoding is wrong.
public struct QueryString: Sendable, Equatable {
    /// The parameters in the order they came, names and values decoded.
    public var pairs: [(name: String, value: String)]

    /// At most this many parameters.
    public static let maximumCount = 64
    /// At most this many bytes in the whole query string, encoded.
    public static let maximumBytes = 16_384

    /// Decodes `query`, the part of a URL after `?` (`nil` for none).
    ///
    /// - Throws: `ServerError` (400) for a query string that is too long, has too many parameters, or holds an
    ///   escape that does not decode to UTF-8.
    public init(_ query: String?) throws {
        pairs = []
        guard let query, !query.isEmpty else { return }
        guard query.utf8.count <= Self.maximumBytes else {
            throw ServerError(status: .badRequest, message: "the query string is longer than \(Self.maximumBytes) bytes")
        }
        let parts = query.split(separator: "&", omittingEmptySubsequences: true)
        guard parts.count <= Self.maximumCount else {
            throw ServerError(status: .badRequest, message: "more than \(Self.maximumCount) parameters")
        }
        for part in parts {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(pieces[0], name: String(pieces[0]))
            let value = pieces.count > 1 ? try Self.decode(pieces[1], name: name) : ""
            pairs.append((name, value))
        }
    }

    /// All the values given for `name`, in order.
    public func values(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    /// The last value given for `name`, or `nil`.
    public func value(_ name: String) -> String? {
        pairs.last { $0.name == name }?.value
    }

    /// The names given, once each.
    public var names: Set<String> { Set(pairs.map(\.name)) }

    /// `text` percent-decoded; `+` is a space in a query string (HTML forms), not in a path.
    static func decode(_ text: Substring, name: String, plusIsSpace: Bool = true) throws -> String {
        let spaced = plusIsSpace ? text.replacingOccurrences(of: "+", with: " ") : String(text)
        guard let decoded = spaced.removingPercentEncoding else {
            throw ServerError.badParameter(name, "is not valid percent-encoded UTF-8")
        }
        return decoded
    }

    public static func == (lhs: QueryString, rhs: QueryString) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }
}
