import GRDB

/// Pseudo-relevance feedback (RM3): the words that stand out in the best documents of a first ranking re-rank the
/// matches a second time.
///
/// A question names its subject in a few words; the documents about it share many more. RM3 (Lavrenko and Croft's
/// relevance model, interpolated with the query as in Abdul-Jaleel et al., 2004) takes them from the top of a first
/// ranking:
/// 1. the `documents` best documents are read again, as words (stemmed in each document's languages);
/// 2. in each, a word's weight is its share of the document's kept words, times the document's score. Not kept:
///    function words, words under 2 or over 20 characters, words with a digit (`s15`, `ca640508`: codes, not
///    subjects), and words in more than `maximumShare` of all documents (too common to say anything). Each
///    document keeps its `terms` most frequent words;
/// 3. the `terms` words with the highest summed weight make the feedback model, scaled to sum 1;
/// 4. the query's own words (each `1 / n`) and the model are mixed, `originalWeight` to the query. The model's
///    words are scored on the whole document, with no column weights: it was learnt from whole documents.
///
/// The constants are the usual ones (Anserini's defaults: 10 documents, 10 words, 0.5), not fitted to a test
/// collection.
///
/// Feedback only re-ranks: the second expression is `(query) AND (query OR word₁ OR … OR wordₖ)`, which matches
/// exactly the documents the query matched, so the total and the facets do not change, and no hit appears that
/// has none of the user's words. The words and their weights are reported (`--explain`); `--no-feedback` turns it
/// off.
public struct RelevanceFeedback {
    static let documents = 10
    static let terms = 10
    static let originalWeight = 0.5
    static let maximumShare = 0.1
    /// Below this many documents, feedback does not run: the best ten would be a large part of the collection,
    /// not a sample of what the query is about, and "in more than a tenth of the documents" would single out
    /// only names.
    static let minimumCollection = 1_000

    /// A word feedback added, with its weight in the final query.
    public struct Word: Sendable, Hashable {
        /// The form shown: the most frequent way the top documents write it.
        public var word: String
        public var weight: Double
    }

    /// The re-ranking expression and plan, or `nil` when the first ranking gives nothing to learn from.
    struct Expansion {
        var expression: String
        var plan: RankingPlan
        var words: [Word]
    }

    /// Learns from the top of `scope`'s ranking and returns the expression that re-ranks it.
    static func expand(
        _ db: Database, scope: MatchScope, weights: ColumnWeights, tokenizer: AllianceTokenizer,
        documentFrequency lookUp: (String) throws -> Int
    ) throws -> Expansion? {
        guard let expression = scope.expression else { return nil }
        let rows = Double(try IndexSchema.documentCount(db))
        guard rows >= Double(minimumCollection) else { return nil }
        let top = try scope.top(db, count: documents, weights: weights)
        guard !top.isEmpty else { return nil }

        // Each document's kept words: key (stem token, or exact word without a stemmer) → count; and a display form.
        var forms: [String: [String: Int]] = [:]
        var documentFrequency: [String: Int] = [:]
        var vectors: [(score: Double, counts: [String: Int])] = []
        for document in top {
            let languages = document.stemming.split(separator: " ").compactMap { StemmingLanguage(rawValue: String($0)) }
            var counts: [String: Int] = [:]
            for term in tokenizer.terms(of: document.text, languages: Array(languages.prefix(1))) {
                guard term.exact.count >= 2, term.exact.count <= 20,
                    term.exact.unicodeScalars.contains(where: \.properties.isAlphabetic),
                    !term.exact.unicodeScalars.contains(where: { $0.properties.numericType != nil }),
                    !StopWords.containsInAny(term.exact)
                else { continue }
                let key = languages.first.map { AllianceTokenizer.stemToken(term.stems[0], $0) } ?? term.exact
                counts[key, default: 0] += 1
                forms[key, default: [:]][term.exact, default: 0] += 1
            }
            // The most frequent words first; each one's document frequency is looked up only until `terms` are kept.
            var kept: [String: Int] = [:]
            for (key, count) in counts.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) where kept.count < terms {
                if documentFrequency[key] == nil {
                    documentFrequency[key] = try lookUp(key)
                }
                if rows > 0 && Double(documentFrequency[key] ?? 0) / rows <= maximumShare { kept[key] = count }
            }
            vectors.append((document.score, kept))
        }
        var model: [String: Double] = [:]
        for vector in vectors {
            let norm = Double(vector.counts.values.reduce(0, +))
            guard norm > 0 else { continue }
            for (key, count) in vector.counts { model[key, default: 0] += Double(count) / norm * vector.score }
        }
        let chosen = model.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(terms)
        let total = chosen.reduce(0) { $0 + $1.value }
        guard total > 0 else { return nil }

        // The query's groups keep their relative weights, scaled to sum `originalWeight`; the first copy of the
        // query, which only restricts the matches, scores nothing.
        var plan = RankingPlan()
        let silent = plan.addGroup(weight: 0)
        let original = scope.plan
        let originalSum = original.groupWeights.reduce(0, +)
        let scale = originalSum > 0 ? originalWeight / originalSum : 0
        for weight in original.groupWeights { _ = plan.addGroup(weight: weight * scale) }
        for phrase in original.phrases {
            plan.phrases.append(.init(group: silent, weight: 0, text: phrase.text, documents: phrase.documents))
        }
        for phrase in original.phrases {
            plan.phrases.append(.init(group: phrase.group + 1, weight: phrase.weight, text: phrase.text, documents: phrase.documents))
        }
        var words: [Word] = []
        var alternatives: [String] = []
        for (key, weight) in chosen {
            let share = (1 - originalWeight) * weight / total
            // The model is learnt from whole documents, so its words are scored on whole documents: a hit counts
            // the same in a title as in a body. (With the title's weight of 10, feedback words that happen to be
            // in titles would outweigh the query; measured on CACM, MAP 0.3437 instead of 0.3635.)
            let group = plan.addGroup(weight: share, flat: true)
            plan.phrases.append(.init(group: group, weight: 1, text: key, documents: documentFrequency[key]))
            alternatives.append(MatchExpression.string(key))
            let form = forms[key]?.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? key
            words.append(Word(word: form, weight: share))
        }
        return Expansion(
            expression: "(" + expression + ") AND (" + expression + " OR " + alternatives.joined(separator: " OR ") + ")",
            plan: plan, words: words)
    }
}
