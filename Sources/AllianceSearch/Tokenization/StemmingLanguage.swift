import Foundation

/// A language the index stems, with Snowball's algorithm for it.
///
/// A document's languages come from its `languages` metadata (`[es]`, `[en, id]`, `Spanish`); only when it has
/// none are they guessed from its text (`guess(from:)`). A document in a language without a stemmer (Bengali,
/// Khmer) is matched by its exact words only.
public enum StemmingLanguage: String, Sendable, Hashable, CaseIterable, Comparable {
    case english = "en"
    case spanish = "es"
    case indonesian = "id"
    case nepali = "ne"

    /// The name `sb_stemmer_new()` takes.
    var snowballName: String {
        switch self {
        case .english: "english"
        case .spanish: "spanish"
        case .indonesian: "indonesian"
        case .nepali: "nepali"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The language a metadata value names: an ISO 639-1 code, a BCP 47 tag (`es-MX`) or an English or native name.
    public init?(metadataValue: String) {
        let value = metadataValue.lowercased().trimmingCharacters(in: .whitespaces)
        let code = value.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? value
        switch code {
        case "en", "eng", "english": self = .english
        case "es", "spa", "spanish", "español", "espanol", "castellano": self = .spanish
        case "id", "ind", "indonesian", "bahasa indonesia", "indonesia": self = .indonesian
        case "ne", "nep", "nepali", "नेपाली": self = .nepali
        default: return nil
        }
    }

    /// The languages a document is stemmed in: those its `languages` metadata names that have a stemmer; when the
    /// metadata names none at all, the language guessed from `text`.
    static func forDocument(languages: [String]?, text: String) -> [StemmingLanguage] {
        if let languages, !languages.isEmpty {
            return Array(Set(languages.compactMap(StemmingLanguage.init(metadataValue:)))).sorted()
        }
        return guess(from: text).map { [$0] } ?? []
    }

    /// The language of `text`, guessed from its script and, for Latin text, from the function words it uses; `nil`
    /// for a script without a stemmer (Bengali, Khmer) or text with no words.
    ///
    /// Only the first 4,000 bytes are read, as UTF-8: enough to tell the languages apart, and cheap, since it runs
    /// for every document without `languages` metadata (a corpus of millions of records, often).
    static func guess(from text: String) -> StemmingLanguage? {
        var devanagari = 0, latin = 0, other = 0
        // Function words counted per language, in the order of `allCases`.
        var counts = [Int](repeating: 0, count: allCases.count)
        var utf8 = text.utf8.prefix(4_000).makeIterator()
        var word: [UInt8] = []
        func endWord() {
            if word.count >= 1, word.count <= 15 {
                let mask = StopWords.languageMask(String(decoding: word, as: UTF8.self))
                if mask != 0 {
                    for index in counts.indices where mask & (1 << index) != 0 { counts[index] += 1 }
                }
            }
            word.removeAll(keepingCapacity: true)
        }
        while let byte = utf8.next() {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A:
                latin += 1
                word.append(byte | 0x20)
            case 0xE0:
                // Devanagari is U+0900…U+097F: E0 A4 xx and E0 A5 xx.
                endWord()
                if let second = utf8.next() {
                    if second == 0xA4 || second == 0xA5 { devanagari += 1 } else { other += 1 }
                }
            case 0xC3, 0xC4, 0xC5:
                // Latin letters with accents (U+00C0…U+017F): part of the word, not a function word of our lists.
                latin += 1
                word.append(0xFF)
                _ = utf8.next()
            case 0xE1...0xEF, 0xF0...0xF4:
                endWord()
                other += 1
            default:
                endWord()
            }
        }
        endWord()
        if devanagari > latin, devanagari > other { return .nepali }
        guard latin > other else { return nil }
        // Latin script: English, Spanish or Indonesian (Nepali's function words are Devanagari).
        let latinLanguages = allCases.indices.filter { allCases[$0] != .nepali }
        guard let best = latinLanguages.max(by: { (counts[$0], $1) < (counts[$1], $0) }), counts[best] > 0 else {
            return .english
        }
        return allCases[best]
    }
}
