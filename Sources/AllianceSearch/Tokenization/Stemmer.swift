import CStemmer

/// One Snowball stemmer (Debian's `libstemmer`), for one language.
///
/// A Snowball stemmer keeps its work in its own buffers, so an instance must not be shared between threads: each
/// tokenizer, and each search, makes its own.
///
/// Snowball expects lower-case UTF-8 with its accents: `organización` and `organizaciones` both stem to `organiz`,
/// but `organizacion` is left as it is. Callers therefore stem the word as written, lower-cased, not the token
/// `unicode61` made of it with the accents removed.
final class Stemmer {
    let language: StemmingLanguage
    private let handle: OpaquePointer

    /// `nil` if the library has no algorithm for `language` (a libstemmer built without it).
    init?(_ language: StemmingLanguage) {
        guard let handle = sb_stemmer_new(language.snowballName, "UTF_8") else { return nil }
        self.language = language
        self.handle = handle
    }

    deinit {
        sb_stemmer_delete(handle)
    }

    /// The stem of `word` (lower-case UTF-8 bytes), passed to `body` in the stemmer's own buffer.
    func withStem<T>(of word: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        guard let base = word.baseAddress, let stem = sb_stemmer_stem(handle, base, Int32(word.count)) else {
            return body(word)
        }
        return body(UnsafeBufferPointer(start: stem, count: Int(sb_stemmer_length(handle))))
    }

    /// The stem of `word` (lower-case).
    func stem(_ word: String) -> String {
        var word = word
        return word.withUTF8 { bytes in withStem(of: bytes) { String(decoding: $0, as: UTF8.self) } }
    }
}
