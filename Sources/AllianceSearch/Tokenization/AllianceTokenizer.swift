import GRDB
import GRDBSQLite

/// The `alliance` FTS5 tokenizer: `unicode61` for the words, plus, in each document's own languages, the Snowball
/// stem of every word, indexed at the same position.
///
/// `tokenize='alliance unicode61 remove_diacritics 2 …'` wraps the tokenizer its arguments describe. For each
/// token that tokenizer makes, the index receives:
/// - the token itself, folded for case and accents: the *exact* form, which phrases and exact matches use;
/// - for each language of the document, `U+E001`, the language's code and the Snowball stem of the word as
///   written (`\u{E001}entemplat`), as a colocated token (`FTS5_TOKEN_COLOCATED`): the *stemmed* form, in a
///   namespace of its own, so that a stem never matches an exact word, nor the same letters stemmed in another
///   language (English "templates" and Indonesian "templat" both stem to `templat`).
///
/// A document's languages reach the tokenizer in its text: the content that FTS5 reads (the view
/// `documents_fts_source`, and the triggers) starts every column with a marker token, `U+E000` followed by the
/// language codes separated by `U+E000` (`\u{E000}en\u{E000}es`). The marker is read and never indexed, so
/// positions, and the offsets `highlight()` uses, are those of the text after it. This is how SQLite 3.40, which
/// has no per-row locale (`fts5_locale()` came in 3.47), can stem each row in its own language.
///
/// Queries are tokenized without stems: `MatchExpression` writes the stem tokens it wants explicitly, from
/// `terms(of:languages:)`, which stems exactly as documents are stemmed.
///
/// Related SQLite documentation: <https://www.sqlite.org/fts5.html#synonym_support> (colocated tokens) and
/// <https://www.sqlite.org/fts5.html#custom_tokenizers>.
final class AllianceTokenizer: FTS5CustomTokenizer {
    static let name = "alliance"
    /// Starts the token that names a row's languages (reserved: `ReservedCharacters`).
    static let languageMarker = String(ReservedCharacters.languageMarker)
    /// Starts every stem token (reserved: `ReservedCharacters`).
    static let stemMarker = String(ReservedCharacters.stemMarker)

    /// The token of `stem` in `language`: the marker, the language's code, the stem.
    static func stemToken(_ stem: String, _ language: StemmingLanguage) -> String {
        stemMarker + language.rawValue + stem
    }

    /// `text` read back from the FTS5 table (`highlight()`), without the language marker it starts with.
    static func strippingMarker(_ text: String) -> String {
        // By scalars: a body that starts with a combining mark would join the space into one Character.
        let scalars = text.unicodeScalars
        guard scalars.first == "\u{E000}", let space = scalars.firstIndex(of: " ") else { return text }
        return String(scalars[scalars.index(after: space)...])
    }

    private let wrapped: any FTS5Tokenizer
    private var stemmers: [StemmingLanguage: Stemmer] = [:]

    init(db: Database, arguments: [String]) throws {
        wrapped = try db.makeTokenizer(FTS5TokenizerDescriptor(components: arguments.isEmpty ? ["unicode61"] : arguments))
    }

    /// A word of a query: its exact token and its stem in each requested language, in order (without the marker).
    struct Term: Hashable {
        var exact: String
        var stems: [String]
        /// Where the token ends in the text, in UTF-8 bytes: the text up to it holds the tokens up to this one.
        var end = 0
    }

    /// The tokens of `text` and the stem of each in `languages`, as a document in those languages would be indexed.
    func terms(of text: String, languages: [StemmingLanguage]) -> [Term] {
        var collected: [(exact: String, start: Int, end: Int)] = []
        var text = text
        return text.withUTF8 { utf8 -> [Term] in
            withUnsafeMutablePointer(to: &collected) { pointer in
                _ = wrapped.tokenize(
                    context: pointer, tokenization: .query,
                    pText: UnsafeRawPointer(utf8.baseAddress!).assumingMemoryBound(to: CChar.self),
                    nText: CInt(utf8.count)
                ) { context, _, token, length, start, end in
                    guard let context, let token else { return SQLITE_OK }
                    let exact = String(decoding: UnsafeRawBufferPointer(start: token, count: Int(length)), as: UTF8.self)
                    context.assumingMemoryBound(to: [(exact: String, start: Int, end: Int)].self).pointee
                        .append((exact, Int(start), Int(end)))
                    return SQLITE_OK
                }
            }
            return collected.filter { !$0.exact.hasPrefix(Self.languageMarker) }.map { token in
                var stems: [String] = []
                Self.lowercased(UnsafeBufferPointer(rebasing: utf8[token.start..<token.end])) { word in
                    for language in languages {
                        guard let stemmer = stemmer(language) else {
                            stems.append(token.exact)
                            continue
                        }
                        stems.append(stemmer.withStem(of: word) { String(decoding: $0, as: UTF8.self) })
                    }
                }
                return Term(exact: token.exact, stems: stems, end: token.end)
            }
        }
    }

    func tokenize(
        context: UnsafeMutableRawPointer?, tokenization: FTS5Tokenization, pText: UnsafePointer<CChar>?, nText: CInt,
        tokenCallback: @escaping FTS5TokenCallback
    ) -> CInt {
        guard let pText else { return SQLITE_OK }
        var run = Run(
            tokenizer: self, context: context, callback: tokenCallback,
            text: UnsafeRawPointer(pText).assumingMemoryBound(to: UInt8.self),
            stems: tokenization.contains(.document))
        return withUnsafeMutablePointer(to: &run) { pointer in
            wrapped.tokenize(context: pointer, tokenization: tokenization, pText: pText, nText: nText) {
                run, flags, token, length, start, end in
                run!.assumingMemoryBound(to: Run.self).pointee.accept(flags, token, length, start, end)
            }
        }
    }

    fileprivate func stemmer(_ language: StemmingLanguage) -> Stemmer? {
        if let stemmer = stemmers[language] { return stemmer }
        let stemmer = Stemmer(language)
        stemmers[language] = stemmer
        return stemmer
    }

    /// `word` lower-cased, passed to `body`: byte by byte for ASCII, through `String.lowercased()` otherwise.
    fileprivate static func lowercased<T>(_ word: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        if word.allSatisfy({ $0 < 0x80 }) {
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: word.count) { buffer in
                for (index, byte) in word.enumerated() { buffer[index] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
                return body(UnsafeBufferPointer(buffer))
            }
        }
        var lower = String(decoding: word, as: UTF8.self).lowercased()
        return lower.withUTF8(body)
    }

    /// One call of `xTokenize`: passes tokens on, reads the language marker, adds the stems.
    private struct Run {
        let tokenizer: AllianceTokenizer
        let context: UnsafeMutableRawPointer?
        let callback: FTS5TokenCallback
        let text: UnsafePointer<UInt8>
        let stems: Bool
        var first = true
        var languages: [StemmingLanguage] = []

        mutating func accept(_ flags: CInt, _ token: UnsafePointer<CChar>?, _ length: CInt, _ start: CInt, _ end: CInt) -> CInt {
            guard let token else { return SQLITE_OK }
            let bytes = UnsafeRawBufferPointer(start: token, count: Int(length)).bindMemory(to: UInt8.self)
            if first {
                first = false
                // U+E000 is EE 80 80 in UTF-8.
                if bytes.count >= 3, bytes[0] == 0xEE, bytes[1] == 0x80, bytes[2] == 0x80 {
                    languages = String(decoding: bytes, as: UTF8.self)
                        .split(separator: Character(AllianceTokenizer.languageMarker))
                        .compactMap { StemmingLanguage(rawValue: String($0)) }
                    return SQLITE_OK
                }
            }
            if !stems, end - start >= 3, text[Int(start)] == 0xEE, text[Int(start) + 1] == 0x80, text[Int(start) + 2] == 0x81 {
                // A stem token in a query (`MatchExpression` writes them) is passed on as written: folded by
                // `unicode61`, `niñ` (niños, niñas) would become `nin`, which no document was given.
                let pass = self.callback, passContext = self.context
                return (text + Int(start)).withMemoryRebound(to: CChar.self, capacity: Int(end - start)) { raw in
                    pass(passContext, flags, raw, end - start, start, end)
                }
            }
            let code = callback(context, flags, token, length, start, end)
            guard code == SQLITE_OK, stems, !languages.isEmpty, end > start else { return code }
            let word = UnsafeBufferPointer(start: text + Int(start), count: Int(end - start))
            let tokenizer = self.tokenizer, context = self.context, callback = self.callback, languages = self.languages
            return AllianceTokenizer.lowercased(word) { word in
                for language in languages {
                    guard let stemmer = tokenizer.stemmer(language) else { continue }
                    let code = stemmer.withStem(of: word) { stem -> CInt in
                        let code = language.rawValue.utf8
                        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: stem.count + 3 + code.count) { buffer in
                            buffer[0] = 0xEE; buffer[1] = 0x80; buffer[2] = 0x81  // U+E001
                            for (index, byte) in code.enumerated() { buffer[index + 3] = byte }
                            for (index, byte) in stem.enumerated() { buffer[index + 3 + code.count] = byte }
                            return buffer.withMemoryRebound(to: CChar.self) { chars in
                                callback(context, FTS5_TOKEN_COLOCATED, chars.baseAddress, CInt(buffer.count), start, end)
                            }
                        }
                    }
                    if code != SQLITE_OK { return code }
                }
                return SQLITE_OK
            }
        }
    }
}
