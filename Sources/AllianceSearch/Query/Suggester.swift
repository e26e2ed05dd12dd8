import GRDB

/// Did-you-mean: corrections for query words the index does not know, from the index's own vocabulary.
///
/// The vocabulary is FTS5's (`documents_vocab`, an `fts5vocab` table over `documents_fts`): stemmed tokens with the
/// number of documents each occurs in. For each query word whose tokens occur in no document, the candidates are
/// the tokens within a small Damerau-Levenshtein distance (1 for words of up to four letters, 2 for longer ones);
/// the nearest wins, and among equally near ones the most frequent. A stem is shown as a word a reader knows: the
/// first form of it the index highlights in a document.
public struct Suggester {
    let db: Database
    let tokenizer: any FTS5Tokenizer

    /// One corrected word.
    public struct Correction: Sendable, Hashable {
        public var original: String
        public var replacement: String
        public var distance: Int
        public var documentFrequency: Int
    }

    /// The corrections for the words of `leaves`; empty when every word is known or nothing near enough exists.
    ///
    /// Each word is looked at once, and at most `QueryLimits.words` of them; each range of the vocabulary is read
    /// once, however many words need it: sixty-four unknown words starting with ten letters read ten ranges, not
    /// sixty-four (2.5 s on 100,000 documents).
    func corrections(for leaves: [QueryNode]) throws -> [Correction] {
        var corrections: [Correction] = []
        var words: [String] = [], seen = Set<String>()
        for leaf in leaves {
            switch leaf {
            case .term(let word, false): words.append(word)
            case .phrase(let text, false): words += text.split(whereSeparator: \.isWhitespace).map(String.init)
            default: continue
            }
        }
        words = Array(words.filter { seen.insert($0).inserted }.prefix(QueryLimits.words))
        var ranges: [String: [(String, Int)]] = [:]
        for word in words {
            let tokens = try tokenizer.tokenize(query: word).map(\.token)
            guard tokens.count == 1, let token = tokens.first, token.unicodeScalars.count >= 3 else { continue }
            guard try documentFrequency(token) == 0 else { continue }
            let limit = token.unicodeScalars.count <= 4 ? 1 : 2
            let target = Array(token.unicodeScalars)
            var best: (term: String, distance: Int, documents: Int)?
            for (term, documents) in try candidates(for: target, ranges: &ranges) {
                let candidate = Array(term.unicodeScalars)
                guard abs(candidate.count - target.count) <= limit else { continue }
                guard let distance = Self.distance(target, candidate, limit: limit) else { continue }
                if best == nil || (distance, -documents, term) < (best!.distance, -best!.documents, best!.term) {
                    best = (term, distance, documents)
                }
            }
            if let best {
                corrections.append(Correction(
                    original: word, replacement: try surfaceForm(of: best.term) ?? best.term, distance: best.distance,
                    documentFrequency: best.documents))
            }
        }
        return corrections
    }

    /// The words of the vocabulary that an edit within the limit could turn into the typed word, read by ranges of
    /// their first letters:
    ///
    /// ```sql
    /// SELECT "term", "doc" FROM "documents_vocab" WHERE "term" >= ? AND "term" < ?
    /// ```
    ///
    /// `fts5vocab` answers a range of terms by seeking, where reading the whole vocabulary of a large index (over a
    /// million terms for 340,000 documents) took a second. The ranges: words starting with the typed word's first
    /// letter (an edit further on) or its second (the first two swapped); and, for short Latin words (five letters
    /// or fewer), words starting with any letter followed by its first (a first letter missing: `ork` → `work`) or
    /// by its second (a first letter mistyped). Measured on 340,000 documents: 57 ms for a long unknown word, and
    /// the 52 extra ranges of a short one cost about 200 ms more, so longer words keep a first-letter typo. Stem tokens (U+E001…) and language markers (U+E000…) start with no letter, so they are never
    /// candidates.
    private func candidates(for word: [Unicode.Scalar], ranges: inout [String: [(String, Int)]]) throws -> [(String, Int)] {
        var prefixes: [String] = []
        for scalar in word.prefix(2) { prefixes.append(String(scalar)) }
        if word.count <= 5, word.first.map({ $0.isASCII }) == true {
            for letter in UInt8(ascii: "a")...UInt8(ascii: "z") {
                for second in word.prefix(2) { prefixes.append(String(UnicodeScalar(letter)) + String(second)) }
            }
        }
        var found: [(String, Int)] = []
        var seen = Set<String>()
        let statement = try db.cachedStatement(sql: #"SELECT "term", "doc" FROM "documents_vocab" WHERE "term" >= ? AND "term" < ?"#)
        for prefix in prefixes where seen.insert(prefix).inserted {
            if let known = ranges[prefix] {
                found += known
                continue
            }
            var upper = Array(prefix.unicodeScalars)
            // The scalar after the last one; past U+D7FF (surrogates cannot be scalars) that is U+E000.
            guard let last = upper.last, let next = Unicode.Scalar(last.value + 1) ?? (last.value == 0xD7FF ? "\u{E000}" : nil)
            else { continue }
            upper[upper.count - 1] = next
            let range = try Row.fetchAll(statement, arguments: [prefix, String(String.UnicodeScalarView(upper))]).map { row in
                (row["term"] as String, row["doc"] as Int)
            }
            ranges[prefix] = range
            found += range
        }
        return found
    }

    /// `SELECT "doc" FROM "documents_vocab" WHERE "term" = ?`
    private func documentFrequency(_ token: String) throws -> Int {
        try Int.fetchOne(db, sql: #"SELECT "doc" FROM "documents_vocab" WHERE "term" = ?"#, arguments: [token]) ?? 0
    }

    /// A word as written in some document that the index tokenises as `stem`, lower-cased.
    private func surfaceForm(of stem: String) throws -> String? {
        let expression = MatchExpression.string(stem)
        let open = String(MarkedText.openMarker), close = String(MarkedText.closeMarker)
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT highlight("documents_fts", 0, ?, ?) AS "c0", highlight("documents_fts", 1, ?, ?) AS "c1",
                    highlight("documents_fts", 2, ?, ?) AS "c2", highlight("documents_fts", 3, ?, ?) AS "c3"
                FROM "documents_fts" WHERE "documents_fts" MATCH ? LIMIT 1
                """,
            arguments: [open, close, open, close, open, close, open, close, expression])
        guard let row else { return nil }
        for column in ["c0", "c1", "c2", "c3"] {
            let marked = MarkedText(row[column] ?? "")
            if let range = marked.ranges.first {
                let scalars = Array(marked.text.unicodeScalars)[range]
                return String(String.UnicodeScalarView(scalars)).lowercased()
            }
        }
        return nil
    }

    /// The Damerau-Levenshtein (optimal string alignment) distance, or `nil` when it exceeds `limit`.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int? {
        if a == b { return 0 }
        let n = a.count, m = b.count
        if abs(n - m) > limit { return nil }
        var previous2 = [Int](repeating: 0, count: m + 1)
        var previous = Array(0...m)
        var current = [Int](repeating: 0, count: m + 1)
        for i in 1...max(n, 1) where n > 0 {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...max(m, 1) where m > 0 {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return nil }
            (previous2, previous, current) = (previous, current, previous2)
        }
        let result = n == 0 ? m : (m == 0 ? n : previous[m])
        return result <= limit ? result : nil
    }
}
