import Foundation
import GRDB
import Yams

/// Issue concepts across languages, read from a `concepts.yaml` beside the documents, and the query-time expansion
/// they drive: a query that names one term of a concept (`domestic work`) also searches the others (`pekerja rumah
/// tangga`, `trabajadoras domésticas`, `घरेलु कामदार`, …).
///
/// Terms are compared as token sequences from the index's own tokenizer, so case, accents and English endings do
/// not matter. Expansion happens at query time: editing the file needs no re-index.
public struct ConceptMap: Sendable {
    /// One concept: a name and the terms that mean it.
    public struct Concept: Sendable, Hashable {
        public var name: String
        public var terms: [String]
    }

    /// What one expansion did, for `--explain` and the JSON output.
    public struct Expansion: Sendable, Hashable {
        public var concept: String
        /// The words of the query that named it.
        public var matched: String
        /// Every term now searched for it.
        public var terms: [String]
    }

    public var concepts: [Concept]

    public init(concepts: [Concept]) {
        self.concepts = concepts
    }

    /// The file name looked for in each folder an index was built from.
    public static let fileName = "concepts.yaml"

    /// The concepts in `concepts.yaml` files directly inside `folders`; folders without one are skipped.
    ///
    /// - Throws: `CorpusError` naming the file and line when a file cannot be read.
    public static func load(from folders: [String]) throws -> ConceptMap {
        var concepts: [Concept] = []
        for folder in folders {
            let path = (folder as NSString).appendingPathComponent(fileName)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let display = DisplayPath.relative(path)
            let text: String
            do {
                text = try SourceText.decode(try Data(contentsOf: URL(fileURLWithPath: path)), path: display)
            } catch let error as CorpusError {
                throw error
            } catch {
                throw CorpusError(path: display, message: "cannot read: \(error.localizedDescription)")
            }
            let root: Node?
            do {
                root = try Yams.compose(yaml: text)
            } catch let error as YamlError {
                let (line, detail) = FrontMatter.describe(error)
                throw CorpusError(path: display, line: line, message: "invalid YAML: \(detail)")
            }
            guard let list = root?.mapping?["concepts"]?.sequence else {
                throw CorpusError(path: display, line: 1, message: "expected a 'concepts:' list of {name, terms}")
            }
            for entry in list {
                // Terms without a letter or digit (`—`, an empty string) could never match: they are left out.
                let hasWord = { (term: String) in
                    term.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
                }
                guard let name = entry.mapping?["name"]?.scalar?.string,
                    let terms = entry.mapping?["terms"]?.sequence?.compactMap({ $0.scalar?.string }).filter(hasWord),
                    !terms.isEmpty
                else {
                    throw CorpusError(path: display, line: (entry.mark?.line ?? 0), message: "each concept needs a 'name' and a list of 'terms'")
                }
                concepts.append(Concept(name: name.nfc, terms: terms.map(\.nfc)))
            }
        }
        return ConceptMap(concepts: concepts)
    }

    /// The FTS5 expression of every concept's terms as phrases, keyed by the lower-cased concept name and by each
    /// lower-cased term, for the `issue` filter.
    func issueExpressions() -> [String: String] {
        var expressions: [String: String] = [:]
        for concept in concepts {
            let expression = concept.terms.map(MatchExpression.term).joined(separator: " OR ")
            for key in [concept.name] + concept.terms where expressions[key.lowercased()] == nil {
                expressions[key.lowercased()] = expression
            }
        }
        return expressions
    }

    /// `node` with every run of words or phrases that spells a concept term replaced by an OR of the words as
    /// typed and all the concept's terms, as phrases; and the expansions made.
    func expand(_ node: QueryNode, tokenizer: any FTS5Tokenizer) throws -> (QueryNode, [Expansion]) {
        guard !concepts.isEmpty else { return (node, []) }
        var index: [[String]: Concept] = [:]
        var longest = 1
        for concept in concepts {
            for term in concept.terms {
                let tokens = try tokenizer.tokenize(query: term).map(\.token)
                guard !tokens.isEmpty, index[tokens] == nil else { continue }
                index[tokens] = concept
                longest = max(longest, tokens.count)
            }
        }
        var expansions: [Expansion] = []
        let expanded = try rewrite(node, index: index, longest: longest, tokenizer: tokenizer, expansions: &expansions)
        return (expanded, expansions)
    }

    private func rewrite(
        _ node: QueryNode, index: [[String]: Concept], longest: Int, tokenizer: any FTS5Tokenizer,
        expansions: inout [Expansion]
    ) throws -> QueryNode {
        func leafTokens(_ node: QueryNode) throws -> [String]? {
            switch node {
            case .term(let text, false), .phrase(let text, false): try tokenizer.tokenize(query: text).map(\.token)
            default: nil
            }
        }
        /// The words as typed, OR every term of the concept as a phrase: expansion adds, it never narrows.
        func replacement(for concept: Concept, matched: String, original: [QueryNode]) -> QueryNode {
            expansions.append(Expansion(concept: concept.name, matched: matched, terms: concept.terms))
            let typed: QueryNode = original.count == 1 ? original[0] : .and(original)
            return .or([typed] + concept.terms.map { .phrase($0, prefix: false) })
        }
        switch node {
        case .term(let text, false), .phrase(let text, false):
            if let tokens = try leafTokens(node), let concept = index[tokens] {
                return replacement(for: concept, matched: text, original: [node])
            }
            return node
        case .and(let children), .or(let children):
            // Runs of words spell a term whether they are ANDed (as typed) or ORed (as `any` reads them).
            let isAnd = { if case .and = node { true } else { false } }()
            var result: [QueryNode] = []
            var position = 0
            while position < children.count {
                // The longest run of plain words starting here whose tokens spell a concept term.
                var matched: (count: Int, concept: Concept)?
                var tokens: [String] = []
                var end = position
                while end < children.count, end - position < longest, let next = try leafTokens(children[end]) {
                    tokens += next
                    end += 1
                    if let concept = index[tokens] { matched = (end - position, concept) }
                }
                if let matched {
                    let original = Array(children[position..<(position + matched.count)])
                    // Under OR, the words typed stay alternatives of their own next to the concept.
                    if !isAnd, original.count > 1 {
                        result.append(contentsOf: original)
                    }
                    let words = original.map(\.description).joined(separator: " ")
                    result.append(replacement(for: matched.concept, matched: words, original: original))
                    position += matched.count
                } else {
                    result.append(try rewrite(children[position], index: index, longest: longest, tokenizer: tokenizer, expansions: &expansions))
                    position += 1
                }
            }
            return result.count == 1 ? result[0] : (isAnd ? .and(result) : .or(result))
        case .not:
            // Excluding every name of an issue would narrow the results: an exclusion stays as typed.
            return node
        case .field(let field, let inner):
            return .field(field, try rewrite(inner, index: index, longest: longest, tokenizer: tokenizer, expansions: &expansions))
        case .term, .phrase, .near:
            return node
        }
    }
}

/// Keeps the concepts read for a set of folders while their `concepts.yaml` files are unchanged, so that a batch of
/// thousands of queries reads and parses them once, and an edit is still seen by the next query.
final class ConceptCache: @unchecked Sendable {
    private let lock = NSLock()
    private var key: [String] = []
    private var map: ConceptMap?

    func map(for folders: [String]) throws -> ConceptMap {
        // The key: each folder with the size and date of its concepts file, or nothing when it has none.
        let key = folders.map { folder -> String in
            let path = (folder as NSString).appendingPathComponent(ConceptMap.fileName)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return folder }
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
            let date = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(folder)\u{0}\(size)\u{0}\(date)"
        }
        lock.lock()
        defer { lock.unlock() }
        if let map, key == self.key { return map }
        let loaded = try ConceptMap.load(from: folders)
        self.key = key
        self.map = loaded
        return loaded
    }
}

