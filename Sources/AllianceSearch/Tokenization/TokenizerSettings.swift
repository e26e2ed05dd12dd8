import GRDB

/// The FTS5 tokenizer every index is built with, and the text recorded in the index to detect a change.
///
/// `alliance unicode61 remove_diacritics 2 categories 'L* N* Co M*'`:
/// - `unicode61` folds case and splits on anything that is not a token character.
/// - `remove_diacritics 2` makes `domésticas` and `domesticas` the same token, for composed and decomposed accents.
/// - `categories 'L* N* Co M*'` counts combining marks as part of a word. Without `M*`, Devanagari and Bengali vowel
///   signs are separators and `महिला` is indexed as `मह` + `ल`; with it, the word stays whole.
/// - `tokenchars` U+200C and U+200D: the zero-width non-joiner and joiner shape Bengali and Devanagari conjuncts
///   (`র‍্যালি`); as separators they would cut a word in two.
/// - `alliance` (`AllianceTokenizer`) adds, beside each word, its Snowball stem in each of the document's languages
///   (English, Spanish, Indonesian, Nepali), so that `workers` finds `worker` and `trabajadoras` finds `trabajo`,
///   while an exact match can still be told from a stemmed one.
///
/// Related SQLite documentation: <https://www.sqlite.org/fts5.html#tokenizers>
public enum TokenizerSettings {
    /// The descriptor used in `CREATE VIRTUAL TABLE … USING fts5(…, tokenize=…)`.
    public static let descriptor = AllianceTokenizer.tokenizerDescriptor(
        arguments: FTS5TokenizerDescriptor.unicode61(
            diacritics: .remove, categories: "L* N* Co M*", tokenCharacters: ["\u{200C}", "\u{200D}"]
        ).components)

    /// The descriptor as the `tokenize=` argument of `CREATE VIRTUAL TABLE … USING fts5(…)`, quoted as GRDB
    /// quotes it: each component an SQL string, the whole an SQL string.
    public static var sqlArgument: String {
        descriptor.components.map { $0.quoted(by: "'") }.joined(separator: " ").quoted(by: "'")
    }

    /// Makes the `alliance` tokenizer known to `db`: every connection to an index needs it, to read or write.
    public static func register(in db: Database) {
        db.add(tokenizer: AllianceTokenizer.self)
    }

    /// The tokenizer, to tokenize and stem query text as documents are.
    static func makeTokenizer(_ db: Database) throws -> AllianceTokenizer {
        try AllianceTokenizer(db: db, arguments: Array(descriptor.components.dropFirst()))
    }

    /// The tokenizer argument as SQLite sees it, and a fingerprint of the stemmers; recorded in the index, compared
    /// on every open.
    ///
    /// Invisible characters are written as `U+XXXX`, so that the value can be read in a message.
    public static var recordedValue: String {
        descriptor.components.map { component in
            let visible = component.unicodeScalars.map { scalar in
                scalar.properties.generalCategory == .format ? "U+" + String(scalar.value, radix: 16, uppercase: true) : String(scalar)
            }.joined()
            return visible.contains(" ") ? "'\(visible)'" : visible
        }.joined(separator: " ") + " (stems \(stemmerFingerprint))"
    }

    /// A hash of the stems of probe words in every language, and of a lower-casing probe.
    ///
    /// FTS5 deletes a row by tokenizing its text again: the stems must be the ones it was given. A newer Snowball
    /// (a system library, upgraded with the distribution) or a newer Unicode in `lowercased()` could stem a word
    /// differently; the fingerprint then changes, and the index is rebuilt instead of being corrupted.
    static let stemmerFingerprint: String = {
        let probes: [StemmingLanguage: String] = [
            .english: "organizations running generously women's", .spanish: "organizaciones trabajadoras niñas compañeros",
            .indonesian: "pekerjaan perempuan kekerasan diperbarui", .nepali: "कामदारहरू महिलाहरूको अधिकारका",
        ]
        var hasher = ContentHasher()
        hasher.combine("ÀÉÎÕÜ ÇÑ ΣΑΣ İ".lowercased())
        for language in StemmingLanguage.allCases {
            guard let stemmer = Stemmer(language) else { continue }
            for word in (probes[language] ?? "").split(separator: " ") { hasher.combine(stemmer.stem(String(word))) }
        }
        return hasher.hexDigest
    }()
}
