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
                // Through `FileKind`: a pipe or device named concepts.yaml is refused, not waited on, and so is a
                // link out of the folders (its text would reach a message).
                let policy = LinkPolicy(roots: folders, followLinks: false)
                let handle = FileHandle(fileDescriptor: try FileKind.openForReading(path, within: policy), closeOnDealloc: true)
                text = try SourceText.decode(try handle.readToEnd() ?? Data(), path: display)
            } catch let refusal as FileKind.Refusal {
                throw CorpusError(path: display, message: "cannot read: \(refusal.reason)")
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

    /// The FTS5 expression of every concept's terms as phrases, each with its stemmed forms, keyed by the
    /// lower-cased concept name and by each lower-cased term, for the `issue` filter.
    func issueExpressions(tokenizer: AllianceTokenizer) -> [String: String] {
        var expressions: [String: String] = [:]
        for concept in concepts {
            let terms = QueryNode.or(concept.terms.map { .phrase($0, prefix: false) })
            guard let expression = try? MatchExpression(terms, query: concept.name, tokenizer: tokenizer).sql else { continue }
            for key in [concept.name] + concept.terms where expressions[key.lowercased()] == nil {
                expressions[key.lowercased()] = expression
            }
        }
        return expressions
    }

    /// What `expand(_:tokenizer:)` made.
    struct Expanded {
        var node: QueryNode
        var expansions: [Expansion]
        /// The OR nodes that stand for a concept: the words typed, then the concept's terms. `MatchExpression`
        /// ranks the terms as one word with many names (`RankingPlan`), not as many words.
        var synonyms: Set<QueryNode>
        /// The concepts left as typed: expanding them would have added more than `QueryLimits.conceptTerms` names.
        var warnings: [QueryWarning] = []
        /// The names added so far.
        var added = 0
    }

    /// `node` with every run of words or phrases that spells a concept term replaced by an OR of the words as
    /// typed and all the concept's terms, as phrases; and the expansions made. A query adds at most
    /// `QueryLimits.conceptTerms` names (a concept named twice counts once); a concept that would add more is left as
    /// typed, with a warning.
    ///
    /// A run spells a term when their words are the same, or their stems in one language are (`domestic worker`
    /// spells `domestic workers`; `trabajadora doméstica` spells `trabajadoras domésticas`).
    func expand(_ node: QueryNode, tokenizer: AllianceTokenizer) throws -> Expanded {
        guard !concepts.isEmpty else { return Expanded(node: node, expansions: [], synonyms: []) }
        var index: [[String]: Concept] = [:]
        var longest = 1
        for concept in concepts {
            for term in concept.terms {
                let terms = tokenizer.terms(of: term, languages: StemmingLanguage.allCases)
                guard !terms.isEmpty else { continue }
                for key in Self.keys(terms) where index[key] == nil { index[key] = concept }
                longest = max(longest, terms.count)
            }
        }
        var expanded = Expanded(node: node, expansions: [], synonyms: [])
        expanded.node = try rewrite(node, index: index, longest: longest, tokenizer: tokenizer, expanded: &expanded)
        return expanded
    }

    /// The ways a run of words can spell a term: its words, and its stems in each language.
    private static func keys(_ terms: [AllianceTokenizer.Term]) -> [[String]] {
        [terms.map(\.exact)] + StemmingLanguage.allCases.enumerated().map { index, language in
            terms.map { AllianceTokenizer.stemToken($0.stems[index], language) }
        }
    }

    private func rewrite(
        _ node: QueryNode, index: [[String]: Concept], longest: Int, tokenizer: AllianceTokenizer,
        expanded: inout Expanded
    ) throws -> QueryNode {
        func leafTerms(_ node: QueryNode) -> [AllianceTokenizer.Term]? {
            switch node {
            case .term(let text, false), .phrase(let text, false): tokenizer.terms(of: text, languages: StemmingLanguage.allCases)
            default: nil
            }
        }
        /// The words as typed, OR every term of the concept as a phrase: expansion adds, it never narrows. `nil`
        /// when the concept's names would be more than the query may add.
        func replacement(for concept: Concept, matched: String, original: [QueryNode]) -> QueryNode? {
            if !expanded.expansions.contains(where: { $0.concept == concept.name }) {
                guard expanded.added + concept.terms.count <= QueryLimits.conceptTerms else {
                    let warning = QueryWarning(
                        position: 0,
                        message: "the issue concept \"\(concept.name)\" was not expanded: a query may add at most \(QueryLimits.conceptTerms) names of concepts")
                    if !expanded.warnings.contains(warning) { expanded.warnings.append(warning) }
                    return nil
                }
                expanded.added += concept.terms.count
            }
            let expansion = Expansion(concept: concept.name, matched: matched, terms: concept.terms)
            if !expanded.expansions.contains(expansion) { expanded.expansions.append(expansion) }
            let typed: QueryNode = original.count == 1 ? original[0] : .and(original)
            let node = QueryNode.or([typed] + concept.terms.map { .phrase($0, prefix: false) })
            expanded.synonyms.insert(node)
            return node
        }
        switch node {
        case .term(let text, false), .phrase(let text, false):
            if let terms = leafTerms(node), !terms.isEmpty, let concept = Self.keys(terms).lazy.compactMap({ index[$0] }).first {
                return replacement(for: concept, matched: text, original: [node]) ?? node
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
                var terms: [AllianceTokenizer.Term] = []
                var end = position
                while end < children.count, terms.count < longest, let next = leafTerms(children[end]) {
                    terms += next
                    end += 1
                    if let concept = Self.keys(terms).lazy.compactMap({ index[$0] }).first { matched = (end - position, concept) }
                }
                if let matched {
                    let original = Array(children[position..<(position + matched.count)])
                    let words = original.map(\.description).joined(separator: " ")
                    let concept = replacement(for: matched.concept, matched: words, original: original)
                    // Under OR, the words typed stay alternatives of their own next to the concept.
                    if concept == nil || (!isAnd && original.count > 1) {
                        result.append(contentsOf: original)
                    }
                    if let concept { result.append(concept) }
                    position += matched.count
                } else {
                    result.append(try rewrite(children[position], index: index, longest: longest, tokenizer: tokenizer, expanded: &expanded))
                    position += 1
                }
            }
            return result.count == 1 ? result[0] : (isAnd ? .and(result) : .or(result))
        case .not:
            // Excluding every name of an issue would narrow the results: an exclusion stays as typed.
            return node
        case .field(let field, let inner):
            return .field(field, try rewrite(inner, index: index, longest: longest, tokenizer: tokenizer, expanded: &expanded))
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

