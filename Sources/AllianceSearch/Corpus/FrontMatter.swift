import Foundation
import Yams

/// YAML front matter at the top of a Markdown file, between a `---` line and a closing `---` (or `...`) line.
///
/// Values are read with YAML 1.2 core rules, not YAML 1.1's: `no`, `yes`, `on` and `off` stay words, `010` is not
/// octal. Fields that name things (`id`, `title`, `aliases`, `issues`, `country`, `languages`, `type`, `source`)
/// are kept exactly as written, so `id: 010` is the id `"010"` and `country: NO` is Norway. Line numbers in errors
/// are the file's own: the opening `---` is line 1.
struct FrontMatter {
    /// The fields; empty when the file has no front matter.
    var fields: [String: JSONValue]
    /// The file line each field is set on.
    var lines: [String: Int]
    /// The text after the closing delimiter.
    var body: Substring

    /// Fields whose values are names: always text, never numbers or booleans.
    static let textFields: Set = ["id", "title", "type", "aliases", "issues", "country", "languages", "source"]

    /// Splits `text` into front matter and body, and parses the YAML.
    ///
    /// - Throws: `CorpusError` for an unclosed block, invalid YAML (with the line Yams reports), or YAML that is not
    ///   a mapping of field names to values.
    init(parsing text: String, path: String) throws {
        fields = [:]
        lines = [:]
        guard text.hasPrefix("---\n") || text == "---" else {
            body = text[...]
            return
        }
        let fileLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let close = fileLines.indices.dropFirst().first(where: { fileLines[$0] == "---" || fileLines[$0] == "..." }) else {
            throw CorpusError(
                path: path, line: 1,
                message: "front matter opened with '---' is never closed; add a '---' line after the last field")
        }
        let yamlLines = Array(fileLines[1..<close])
        let bodyStart = fileLines[..<(close + 1)].reduce(0) { $0 + $1.utf8.count + 1 }
        body = text.utf8.count > bodyStart ? text[text.utf8.index(text.startIndex, offsetBy: bodyStart)...] : ""
        (fields, lines) = try Self.parse(yamlLines, path: path, firstLine: 2, kind: "YAML front matter")
    }

    /// Parses a whole YAML file of fields: the sidecar of a PDF or HTML page (`report.pdf` + `report.yaml`), with
    /// the same rules and limits as front matter.
    init(yaml text: String, path: String) throws {
        body = ""
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.first == "---" { lines[0] = "" }
        if let last = lines.lastIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }), lines[last] == "..." || lines[last] == "---" {
            lines[last] = ""
        }
        (fields, self.lines) = try Self.parse(lines, path: path, firstLine: 1, kind: "YAML in this sidecar")
    }

    /// The fields of `yamlLines`, whose first line is line `firstLine` of the file, and the line each is set on.
    private static func parse(
        _ yamlLines: [Substring], path: String, firstLine: Int, kind: String
    ) throws -> (fields: [String: JSONValue], lines: [String: Int]) {
        var fields: [String: JSONValue] = [:]
        var lines: [String: Int] = [:]
        let root: Node?
        do {
            root = try Yams.compose(yaml: yamlLines.joined(separator: "\n"))
        } catch let error as YamlError {
            throw Self.corpusError(error, path: path, yamlLines: yamlLines, firstLine: firstLine, kind: kind)
        }
        guard let root else { return (fields, lines) }
        guard let mapping = root.mapping else {
            throw CorpusError(path: path, line: firstLine, message: "the YAML must be a mapping of fields such as 'title: …'")
        }
        var budget = Self.maximumValues
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.scalar?.string else { continue }
            let line = (keyNode.mark?.line ?? 1) + firstLine - 1
            if let first = lines[key] {
                throw CorpusError(path: path, line: line, message: "the field '\(key)' is set twice (first on line \(first))")
            }
            lines[key] = line
            guard let value = Self.value(of: valueNode, asText: Self.textFields.contains(key), budget: &budget) else {
                throw CorpusError(
                    path: path, line: line,
                    message: "front matter too large: '\(key)' holds more than \(Self.maximumValues) values (aliases that repeat aliases?); metadata is for a few fields")
            }
            fields[key] = value
        }
        return (fields, lines)
    }

    /// The file line on which `key` is set, for error messages; the opening delimiter's line when it is not set.
    func line(ofKey key: String) -> Int {
        lines[key] ?? 1
    }

    /// The most values front matter may hold, counting every list item and mapping entry. YAML aliases share
    /// nodes, so a few lines can stand for billions of values ("billion laughs"); as JSON each would be stored.
    static let maximumValues = 10_000

    /// A YAML node as a JSON value, by YAML 1.2 core rules, or as text throughout when `asText`; `nil` once it
    /// has used up `budget` values.
    static func value(of node: Node, asText: Bool, budget: inout Int) -> JSONValue? {
        budget -= 1
        guard budget >= 0 else { return nil }
        switch node {
        case .scalar(let scalar):
            // Quoted, or tagged `!!str`: text as written. Yams resolves plain scalars by YAML 1.1 rules, which
            // only ever turn text into other types, so a plain scalar it reads as a string is one.
            if asText || scalar.style != .plain || scalar.tag.description == Tag.Name.str.rawValue { return .string(scalar.string) }
            return coreValue(scalar.string)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence {
                guard let converted = value(of: item, asText: asText, budget: &budget) else { return nil }
                items.append(converted)
            }
            return .array(items)
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let name = key.scalar?.string else { continue }
                guard let converted = Self.value(of: value, asText: asText, budget: &budget) else { return nil }
                object[name] = converted
            }
            return .object(object)
        case .alias:
            return .null
        }
    }

    /// A plain scalar under the YAML 1.2 core schema: null, booleans, decimal integers and floats; all else is text,
    /// including numbers written with a leading zero.
    static func coreValue(_ text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        let unsigned = text.first == "-" || text.first == "+" ? text.dropFirst() : text[...]
        // A leading zero marks a code (`0123`, a postcode), not a number: it stays text.
        if unsigned.count > 1, unsigned.first == "0", unsigned.dropFirst().first?.isNumber == true { return .string(text) }
        if !unsigned.isEmpty, unsigned.allSatisfy({ $0.isASCII && $0.isNumber }) {
            // An integer too large for 64 bits (an identifier, a phone number) stays text rather than losing digits.
            return Int(text).map(JSONValue.int) ?? .string(text)
        }
        let isFloat = !unsigned.isEmpty && unsigned.allSatisfy { $0.isASCII && ($0.isNumber || ".eE+-".contains($0)) }
            && unsigned.first.map { $0.isNumber || $0 == "." } == true
        if isFloat, let number = Double(text), number.isFinite { return .double(number) }
        return .string(text)
    }

    /// The line (1-based, within the YAML) and a one-line description of a Yams error.
    static func describe(_ error: YamlError) -> (line: Int?, detail: String) {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            return (mark.line, [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " "))
        default:
            return (nil, "\(error)".split(separator: "\n").first.map(String.init) ?? "unreadable")
        }
    }

    private static func corpusError(_ error: YamlError, path: String, yamlLines: [Substring], firstLine: Int, kind: String) -> CorpusError {
        switch error {
        case .scanner, .parser, .composer:
            let (line, detail) = describe(error)
            return CorpusError(path: path, line: (line ?? 0) + firstLine - 1, message: "invalid \(kind): \(detail)")
        case let .duplicatedKeysInMapping(duplicates, context):
            // Name the line that sets the field again, not the start of the mapping.
            let repeated = duplicates.first.flatMap { key in
                yamlLines.indices.filter { yamlLines[$0].hasPrefix("\(key):") }.dropFirst().first
            }
            return CorpusError(
                path: path, line: repeated.map { $0 + firstLine } ?? context.mark.line + firstLine - 1,
                message: "invalid \(kind): the field \(duplicates.joined(separator: ", ")) is set twice")
        default:
            return CorpusError(path: path, line: 1, message: "invalid \(kind): \(error)")
        }
    }
}
