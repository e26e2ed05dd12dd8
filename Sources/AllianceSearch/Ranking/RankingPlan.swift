import GRDB

/// How `alliance_rank()` groups and weighs the phrases of one FTS5 expression.
///
/// FTS5 numbers the phrases of an expression in the order they are written. A plan gives each of them a group
/// (one word of the query, with its stems; or one phrase; or one expansion word) and a weight inside the group,
/// and each group a query weight. It travels to SQLite as one bound text argument:
/// `"1,1,0.25f;0:1,0:0.5,1:1,1:0.5,2:1"`: the group weights (`f` for a group whose hits count the same in every
/// column), then `group:weight` for each phrase.
struct RankingPlan: Sendable, Hashable {
    struct Phrase: Sendable, Hashable {
        var group: Int
        var weight: Double
        /// The phrase's tokens as the expression gives them (not sent to SQLite), for looking up its document
        /// frequency; empty for a phrase that cannot be looked up (a prefix, Khmer cluster pairs).
        var text = ""
        /// The number of documents with the phrase, when known (`withDocumentFrequencies(_:)`); else
        /// `alliance_rank()` counts them with `xQueryPhrase`, which walks the phrase's whole doclist.
        var documents: Int?
    }

    /// Each group's query weight.
    var groupWeights: [Double] = []
    /// Groups whose hits count the same in every column (a column of weight 0 still counts nothing).
    var flatGroups: Set<Int> = []
    /// Each phrase of the expression, in order.
    var phrases: [Phrase] = []

    /// The weight of a stemmed hit, relative to an exact one (1): high enough that a word found only in another
    /// form still counts almost fully, low enough that the exact form always wins a tie.
    static let stemWeight = 0.5

    init() {}

    /// Adds a group of `weight` and returns its number.
    mutating func addGroup(weight: Double, flat: Bool = false) -> Int {
        groupWeights.append(weight)
        if flat { flatGroups.insert(groupWeights.count - 1) }
        return groupWeights.count - 1
    }

    /// Records the next phrase of the expression.
    mutating func addPhrase(group: Int, weight: Double, text: String = "") {
        phrases.append(Phrase(group: group, weight: weight, text: text))
    }

    /// The plan with the document frequency of each single-token phrase, read from the `fts5vocab` table:
    ///
    /// ```sql
    /// SELECT "doc" FROM "documents_vocab" WHERE "term" = ?
    /// ```
    ///
    /// One B-tree lookup per word, where `xQueryPhrase` would walk every posting of it: for a word in 100,000
    /// documents, microseconds instead of milliseconds.
    func withDocumentFrequencies(_ db: Database) throws -> RankingPlan {
        var plan = self
        let statement = try db.cachedStatement(sql: #"SELECT "doc" FROM "documents_vocab" WHERE "term" = ?"#)
        var known: [String: Int] = [:]
        for index in plan.phrases.indices where plan.phrases[index].documents == nil {
            let text = plan.phrases[index].text
            guard !text.isEmpty, !text.contains(" ") else { continue }
            if let documents = known[text] {
                plan.phrases[index].documents = documents
                continue
            }
            let documents = try Int.fetchOne(statement, arguments: [text]) ?? 0
            known[text] = documents
            plan.phrases[index].documents = documents
        }
        return plan
    }

    /// Multiplies every group's weight by `factor`.
    func scaled(by factor: Double) -> RankingPlan {
        var plan = self
        plan.groupWeights = groupWeights.map { $0 * factor }
        return plan
    }

    /// The plan as `alliance_rank()` reads it.
    var argument: String {
        groupWeights.indices.map { format(groupWeights[$0]) + (flatGroups.contains($0) ? "f" : "") }.joined(separator: ",") + ";"
            + phrases.map { phrase in
                "\(phrase.group):\(format(phrase.weight))" + (phrase.documents.map { ":\($0)" } ?? "")
            }.joined(separator: ",")
    }

    /// Reads `argument`; anything it cannot read is left out, and those phrases are scored as `bm25()` would.
    init(argument: String) {
        let parts = argument.split(separator: ";", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return }
        for item in parts[0].split(separator: ",") {
            guard let weight = Double(item.hasSuffix("f") ? item.dropLast() : item), weight.isFinite else { continue }
            _ = addGroup(weight: weight, flat: item.hasSuffix("f"))
        }
        phrases = parts[1].split(separator: ",").compactMap { item in
            let pair = item.split(separator: ":")
            guard pair.count == 2 || pair.count == 3, let group = Int(pair[0]), group >= 0, let weight = Double(pair[1]),
                weight.isFinite
            else { return nil }
            return Phrase(group: group, weight: weight, documents: pair.count == 3 ? Int(pair[2]).flatMap { $0 >= 0 ? $0 : nil } : nil)
        }
    }

    private func format(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
