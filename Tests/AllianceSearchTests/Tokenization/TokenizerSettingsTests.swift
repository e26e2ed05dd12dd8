import Foundation
import GRDB
import Testing
@testable import AllianceSearch

struct TokenizerSettingsTests {
    /// The tokens the index receives for `text`, stems written `~stem`.
    private func tokens(_ text: String) throws -> [String] {
        try DatabaseQueue(configuration: SearchIndex.configuration).read { db in
            try db.makeTokenizer(TokenizerSettings.descriptor).tokenize(document: text).map { token, _ in
                token.replacingOccurrences(of: AllianceTokenizer.stemMarker, with: "~")
            }
        }
    }

    @Test(arguments: [
        // Devanagari and Bengali words stay whole: their vowel signs are part of the word.
        ("महिला अधिकार", ["महिला", "अधिकार"]),
        ("শক্তি যৌনকর্মী অধিকার", ["শক্তি", "যৌনকর্মী", "অধিকার"]),
        // A zero-width joiner inside a Bengali word does not split it.
        ("র\u{200D}্যালি", ["র\u{200D}্যালি"]),
        // Accents are removed, so typing without them matches; without a language, nothing is stemmed.
        ("Trabajadoras Domésticas", ["trabajadoras", "domesticas"]),
        // Punctuation separates.
        ("anti-trafficking, ATKI-HK", ["anti", "trafficking", "atki", "hk"]),
        // The language marker is read, not indexed; each word gets its stem in the row's languages, from the word
        // as written (Spanish stems need their accents: `organización`, not `organizacion`).
        ("\u{E000}en workers working worked", ["workers", "~enworker", "working", "~enwork", "worked", "~enwork"]),
        ("\u{E000}es Trabajadoras Domésticas organización", ["trabajadoras", "~estrabaj", "domesticas", "~esdomest", "organizacion", "~esorganiz"]),
        ("\u{E000}id pekerja bekerja pekerjaan", ["pekerja", "~idkerja", "bekerja", "~idkerja", "pekerjaan", "~idkerja"]),
        ("\u{E000}ne महिलाहरू कामदारहरू", ["महिलाहरू", "~neमहिला", "कामदारहरू", "~neकामदार"]),
        // Two languages: a stem in each, tagged with its language.
        ("\u{E000}en\u{E000}es trabajadoras police", ["trabajadoras", "~entrabajadora", "~estrabaj", "police", "~enpolic", "~espolic"]),
        // A marker later in the text is an ordinary (private-use) word.
        ("police \u{E000}en", ["police", "\u{E000}en"]),
    ])
    func tokenises(text: String, expected: [String]) throws {
        #expect(try tokens(text) == expected, "tokens of \(text)")
    }

    @Test func recordedValueIsTheTokenizeArgument() {
        #expect(TokenizerSettings.recordedValue.hasPrefix("alliance unicode61 remove_diacritics 2 categories 'L* N* Co M*' tokenchars U+200CU+200D (stems "))
        #expect(TokenizerSettings.stemmerFingerprint.count == 16)
    }

    @Test func aNepaliWordMatchesWholeAndNotByItsConsonants() throws {
        // "महिला" (woman) with the default unicode61 settings would be indexed as "मह" + "ल".
        let results = try Fixtures.search("महिला")
        #expect(results.hits.map(\.id).contains("shakti-samuha"))
        #expect(try Fixtures.search("मह").total == 0)
        #expect(try Fixtures.search("ल").total == 0)
    }

    @Test func aBengaliWordMatchesWhole() throws {
        #expect(try Fixtures.search("যৌনকর্মী").hits.first?.id == "swnob")
        #expect(try Fixtures.search("যৌনক").total == 0)
    }

    /// Composed and decomposed forms are one text: NFC at ingest and at query time.
    @Test func composedAndDecomposedFormsMatchEachOther() throws {
        // "Domésticas" with é as e + U+0301, and "क़ानून" with क़ as U+0958, which NFC writes as क + U+093C
        // (U+0958 is excluded from composition): without NFC, neither pair would match.
        let (engine, folder) = try Fixtures.engine(indexing: [
            "decomposed.md": "---\nid: decomposed\ntitle: Trabajadoras Dome\u{301}sticas\n---\nCafe\u{301} y क़ानून.",
            "composed.md": "---\nid: composed\ntitle: Trabajadoras Domésticas\n---\nCafé y \u{0958}ानून.",
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        for query in ["domésticas", "dome\u{301}sticas", "\"trabajadoras domesticas\"", "café", "cafe\u{301}", "क़ानून", "\u{0958}ानून"] {
            let ids = try engine.search(SearchRequest(query: query)).hits.map(\.id).sorted()
            #expect(ids == ["composed", "decomposed"], "\(query.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        #expect(try engine.search(SearchRequest(query: "title:dome\u{301}sticas")).total == 2)
    }
}
