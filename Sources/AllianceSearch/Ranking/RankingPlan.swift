import Foundation
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

    /// The plan with the document frequency of each single-token phrase, from `documentFrequency` (the
    /// vocabulary, through `IndexCache`): a lookup per word, cached, where `xQueryPhrase` in `alliance_rank()`
    /// would walk every posting of the word for every query.
    func withDocumentFrequencies(_ documentFrequency: (String) throws -> Int) rethrows -> RankingPlan {
        var plan = self
        for index in plan.phrases.indices where plan.phrases[index].documents == nil {
            let text = plan.phrases[index].text
            guard !text.isEmpty, !text.contains(" ") else { continue }
            plan.phrases[index].documents = try documentFrequency(text)
        }
        return plan
    }

    /// What one group can add to a row's score, at most, and an FTS5 expression for the rows it can add to.
    struct GroupBound: Sendable {
        /// `weight × IDF × (k1 + 1)`: BM25's `f × (k1 + 1) / (f + norm)` stays below `k1 + 1` however often a
        /// word occurs and however short the row, so no row gets this much from the group.
        var bound: Double
        /// The group's phrases as FTS5 strings: every row the group scores in matches one of them.
        var phrases: [String]
        /// The rows its phrases are in, summed (`rows` when not known): what restricting to it costs.
        var documents: Int
    }

    /// Each scoring group's bound, heaviest first, for MaxScore pruning (`MatchScope.ranking`); `nil` when some
    /// scoring phrase cannot be written as an expression (a prefix, Khmer cluster pairs) or a weight is negative.
    ///
    /// `rows` must be the row count `alliance_rank()` reads (`xRowCount`). A phrase whose document frequency is
    /// not known is taken to be in no row, which gives the largest IDF: the bound stays a bound.
    func groupBounds(rows: Int) -> [GroupBound]? {
        guard !groupWeights.isEmpty, groupWeights.allSatisfy({ $0 >= 0 }) else { return nil }
        var frequency = [Int](repeating: 0, count: groupWeights.count)
        var documents = [Int](repeating: 0, count: groupWeights.count)
        var alternatives = [[String]](repeating: [], count: groupWeights.count)
        for phrase in phrases {
            guard phrase.group >= 0, phrase.group < groupWeights.count else { return nil }
            guard groupWeights[phrase.group] > 0, phrase.weight != 0 else { continue }
            guard !phrase.text.isEmpty, phrase.weight > 0 else { return nil }
            frequency[phrase.group] = max(frequency[phrase.group], phrase.documents ?? 0)
            documents[phrase.group] += phrase.documents ?? rows
            let string = MatchExpression.string(phrase.text)
            if !alternatives[phrase.group].contains(string) { alternatives[phrase.group].append(string) }
        }
        return groupWeights.indices.compactMap { group -> GroupBound? in
            guard groupWeights[group] > 0, !alternatives[group].isEmpty else { return nil }
            let n = Double(frequency[group]), idf = log(1 + (Double(rows) - n + 0.5) / (n + 0.5))
            return GroupBound(
                bound: groupWeights[group] * idf * (RankFunction.k1 + 1),
                phrases: alternatives[group], documents: documents[group])
        }.sorted { $0.bound > $1.bound }
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
