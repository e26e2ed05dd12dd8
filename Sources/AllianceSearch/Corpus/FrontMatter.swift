import Foundation
import Yams

/// YAML front matter at the top of a Markdown file, between a `---` line and a closing `---` (or `...`) line.
///
/// Line numbers in errors are the file's own: the opening `---` is line 1.
struct FrontMatter {
    /// The parsed mapping; empty when the file has no front matter.
    var fields: [String: Any]
    /// The YAML source lines, to find the line a field is on.
    var yamlLines: [Substring]
    /// The text after the closing delimiter.
    var body: Substring
    /// The file line the body starts on.
    var bodyLine: Int

    /// Splits `text` into front matter and body, and parses the YAML.
    ///
    /// - Throws: `CorpusError` for an unclosed block, invalid YAML (with the line Yams reports), or YAML that is not
    ///   a mapping of field names to values.
    init(parsing text: String, path: String) throws {
        guard text.hasPrefix("---\n") || text == "---" else {
            fields = [:]
            yamlLines = []
            body = text[...]
            bodyLine = 1
            return
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let close = lines.indices.dropFirst().first(where: { lines[$0] == "---" || lines[$0] == "..." }) else {
            throw CorpusError(
                path: path, line: 1,
                message: "front matter opened with '---' is never closed; add a '---' line after the last field")
        }
        yamlLines = Array(lines[1..<close])
        let yaml = yamlLines.joined(separator: "\n")
        let bodyStart = lines[..<(close + 1)].reduce(0) { $0 + $1.utf8.count + 1 }
        body = text.utf8.count > bodyStart ? text[text.utf8.index(text.startIndex, offsetBy: bodyStart)...] : ""
        bodyLine = close + 2
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: yaml)
        } catch let error as YamlError {
            throw Self.corpusError(error, path: path, yamlLines: yamlLines)
        }
        switch loaded {
        case nil:
            fields = [:]
        case let mapping as [String: Any]:
            fields = mapping
        case let mapping as [AnyHashable: Any]:
            fields = Dictionary(mapping.map { ("\($0.key)", $0.value) }, uniquingKeysWith: { first, _ in first })
        default:
            throw CorpusError(path: path, line: 2, message: "front matter must be a mapping of fields such as 'title: …'")
        }
    }

    /// The file line on which `key` is set, for error messages; the opening delimiter's line when it is not found.
    func line(ofKey key: String) -> Int {
        yamlLines.firstIndex { $0.hasPrefix("\(key):") }.map { $0 + 2 } ?? 1
    }

    private static func corpusError(_ error: YamlError, path: String, yamlLines: [Substring]) -> CorpusError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            let detail = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return CorpusError(path: path, line: mark.line + 1, message: "invalid YAML front matter: \(detail)")
        case let .duplicatedKeysInMapping(duplicates, context):
            // Name the line that sets the field again, not the start of the mapping.
            let repeated = duplicates.first.flatMap { key in
                yamlLines.indices.filter { yamlLines[$0].hasPrefix("\(key):") }.dropFirst().first
            }
            return CorpusError(
                path: path, line: repeated.map { $0 + 2 } ?? context.mark.line + 1,
                message: "invalid YAML front matter: the field \(duplicates.joined(separator: ", ")) is set twice")
        default:
            return CorpusError(path: path, line: 1, message: "invalid YAML front matter: \(error)")
        }
    }
}
