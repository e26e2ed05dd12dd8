/// Khmer is written without spaces between words, so `unicode61` sees a whole clause as one token and a single word
/// could never be found inside it. `KhmerGrams` writes each run of Khmer script as overlapping pairs of grapheme
/// clusters (`ការងារ` → `កា ការ រង ងា ារ`… by cluster), which the index keeps in a column of their own (`khmer`).
/// A Khmer word in a query becomes the phrase of its own pairs in that column, which matches wherever the word
/// stands inside a run: substring search, at the cost of about two tokens per Khmer cluster, and none for text in
/// other scripts.
///
/// Pairs of grapheme clusters, not of code points: a cluster keeps a consonant with its vowel signs and subscript
/// (coeng) consonants, so a pair never starts inside a syllable's stack.
public enum KhmerGrams {
    /// Whether `scalar` is Khmer script (the Khmer and Khmer Symbols blocks).
    static func isKhmer(_ scalar: Unicode.Scalar) -> Bool {
        (0x1780...0x17FF).contains(scalar.value) || (0x19E0...0x19FF).contains(scalar.value)
    }

    public static func containsKhmer(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isKhmer)
    }

    /// The runs of Khmer grapheme clusters in `text`.
    static func runs(_ text: String) -> [[Character]] {
        var runs: [[Character]] = []
        var current: [Character] = []
        for character in text {
            if let first = character.unicodeScalars.first, isKhmer(first) {
                current.append(character)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// The text of the `khmer` column for a document: every Khmer run as its cluster pairs (a one-cluster run as
    /// itself), separated by spaces; empty when the text has no Khmer.
    public static func indexText(_ text: String) -> String {
        guard containsKhmer(text) else { return "" }
        return runs(text).map(indexGrams).joined(separator: " ")
    }

    /// The pairs of one run, space-separated.
    static func grams(_ run: [Character]) -> String {
        guard run.count > 1 else { return String(run) }
        return (0..<(run.count - 1)).map { String(run[$0]) + String(run[$0 + 1]) }.joined(separator: " ")
    }

    /// A document's pairs, followed by the run's last cluster alone, so that a one-cluster query (a prefix of the
    /// pairs) also finds a cluster that ends a run.
    static func indexGrams(_ run: [Character]) -> String {
        run.count > 1 ? grams(run) + " " + String(run[run.count - 1]) : String(run)
    }

    /// The FTS5 expression for a query word holding Khmer: the phrase of its pairs in the `khmer` column, or, for a
    /// one-cluster word, the pairs that start with it. `nil` when the word has no Khmer.
    static func expression(for word: String) -> String? {
        let runs = runs(word)
        guard !runs.isEmpty else { return nil }
        let phrases = runs.map { run in
            run.count == 1 ? MatchExpression.string(String(run)) + " *" : MatchExpression.string(grams(run))
        }
        return "{khmer} : (" + phrases.joined(separator: " AND ") + ")"
    }
}
