import GRDB

/// The FTS5 tokenizer every index is built with, and the text recorded in the index to detect a change.
///
/// `porter unicode61 remove_diacritics 2 categories 'L* N* Co M*'`:
/// - `unicode61` folds case and splits on anything that is not a token character.
/// - `remove_diacritics 2` makes `domésticas` and `domesticas` the same token, for composed and decomposed accents.
/// - `categories 'L* N* Co M*'` counts combining marks as part of a word. Without `M*`, Devanagari and Bengali vowel
///   signs are separators and `महिला` is indexed as `मह` + `ल`; with it, the word stays whole.
/// - `tokenchars` U+200C and U+200D: the zero-width non-joiner and joiner shape Bengali and Devanagari conjuncts
///   (`র‍্যালি`); as separators they would cut a word in two.
/// - `porter` stems English tokens (`workers` → `worker`, `working` → `work`); it leaves non-ASCII tokens alone.
///
/// Related SQLite documentation: <https://www.sqlite.org/fts5.html#tokenizers>
public enum TokenizerSettings {
    /// The descriptor used in `CREATE VIRTUAL TABLE … USING fts5(…, tokenize=…)`.
    public static let descriptor: FTS5TokenizerDescriptor = .porter(
        wrapping: .unicode61(diacritics: .remove, categories: "L* N* Co M*", tokenCharacters: ["\u{200C}", "\u{200D}"]))

    /// The tokenizer argument as SQLite sees it; recorded in the index, compared on every open.
    ///
    /// Invisible characters are written as `U+XXXX`, so that the value can be read in a message.
    public static var recordedValue: String {
        descriptor.components.map { component in
            let visible = component.unicodeScalars.map { scalar in
                scalar.properties.generalCategory == .format ? "U+" + String(scalar.value, radix: 16, uppercase: true) : String(scalar)
            }.joined()
            return visible.contains(" ") ? "'\(visible)'" : visible
        }.joined(separator: " ")
    }
}
