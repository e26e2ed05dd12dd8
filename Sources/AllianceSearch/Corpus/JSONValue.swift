import Foundation

/// A JSON value: the shape of document metadata, as it is read from YAML front matter or a JSONL record and as it is
/// written back out in the index and in JSON output.
///
/// Objects keep their keys sorted when encoded, so the same metadata always produces the same bytes.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The value as display text: strings as they are, numbers printed, lists joined with ", ".
    public var text: String? {
        switch self {
        case .null: nil
        case .bool(let value): String(value)
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .string(let value): value
        case .array(let values): values.compactMap(\.text).joined(separator: ", ")
        case .object: nil
        }
    }

    /// The value as a list of strings: a list's text items, or a single value as a one-item list.
    public var textList: [String] {
        switch self {
        case .array(let values): values.compactMap(\.text)
        case .null: []
        default: text.map { [$0] } ?? []
        }
    }

    /// What kind of value it is, for messages: "a string", "an array".
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
