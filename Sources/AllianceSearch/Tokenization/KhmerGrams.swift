import Foundation

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

    /// The runs of Khmer syllable clusters in `text`: Unicode grapheme clusters, with a cluster that ends in the
    /// coeng sign (U+17D2) joined to the next, since Unicode's rules leave a subscript consonant out of its stack
    /// (`ស្រុក` is `ស្រុ` + `ក` here, not `ស្` + `រុ` + `ក`).
    static func runs(_ text: String) -> [[String]] {
        var runs: [[String]] = []
        var current: [String] = []
        for character in text {
            if let first = character.unicodeScalars.first, isKhmer(first) {
                if let last = current.last, last.unicodeScalars.last?.value == 0x17D2 {
                    current[current.count - 1] = last + String(character)
                } else {
                    current.append(String(character))
                }
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
    static func grams(_ run: [String]) -> String {
        guard run.count > 1 else { return run.joined() }
        return (0..<(run.count - 1)).map { run[$0] + run[$0 + 1] }.joined(separator: " ")
    }

    /// A document's pairs, followed by the run's last cluster alone, so that a one-cluster query (a prefix of the
    /// pairs) also finds a cluster that ends a run.
    static func indexGrams(_ run: [String]) -> String {
        run.count > 1 ? grams(run) + " " + run[run.count - 1] : run.joined()
    }

    /// The FTS5 expression for a query word or phrase that is one run of Khmer: the phrase of its pairs in the
    /// `khmer` column (the last pair a prefix when `prefix`), which matches inside longer runs. A one-cluster word
    /// matches the pairs that start with it. `nil` for text that is not a single Khmer run (another script, or
    /// several runs): such text is matched as written, by whole tokens, which keeps the order of its words.
    static func expression(for text: String, prefix: Bool) -> String? {
        guard let run = run(text) else { return nil }
        let star = run.count == 1 || prefix ? " *" : ""
        return "{khmer} : (" + MatchExpression.string(grams(run)) + star + ")"
    }

    /// Whether `expression(for:prefix:)` searches `text` as a prefix without a `*`: a word of one cluster, which
    /// matches the pairs it starts. It counts against `QueryLimits.prefixes` as a typed prefix does.
    static func isImplicitPrefix(_ text: String) -> Bool {
        run(text)?.count == 1
    }

    /// `text` as one run of Khmer clusters; `nil` when it is not a single Khmer run.
    private static func run(_ text: String) -> [String]? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.unicodeScalars.allSatisfy(isKhmer) else { return nil }
        let found = runs(trimmed)
        return found.count == 1 ? found[0] : nil
    }
}
