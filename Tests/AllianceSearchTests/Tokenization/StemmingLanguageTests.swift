import Testing
@testable import AllianceSearch

/// Which languages a document is stemmed in: its metadata first, a guess from its text only without it.
struct StemmingLanguageTests {
    @Test(arguments: [
        (["es"], [StemmingLanguage.spanish]),
        (["en", "id"], [.english, .indonesian]),
        (["Spanish"], [.spanish]),
        (["es-MX", "pt"], [.spanish]),
        (["Bahasa Indonesia"], [.indonesian]),
        (["नेपाली"], [.nepali]),
        // Languages without a stemmer: the document is matched by its words as written.
        (["bn"], []),
        (["km", "zh"], []),
    ])
    func metadataNamesTheLanguages(languages: [String], expected: [StemmingLanguage]) {
        #expect(StemmingLanguage.forDocument(languages: languages, text: "the workers of the union") == expected)
    }

    @Test(arguments: [
        ("The workers of the union organise for their rights.", StemmingLanguage?.some(.english)),
        ("Las trabajadoras del hogar se organizan por sus derechos y contra la violencia.", .spanish),
        ("Kami adalah pekerja rumah tangga yang bekerja di Hong Kong dan untuk hak kami.", .indonesian),
        ("घरेलु कामदार महिलाहरूको अधिकार र सुरक्षा।", .nepali),
        // Scripts without a stemmer, and text without words.
        ("গৃহকর্মী নারীদের অধিকার।", nil),
        ("សិទ្ធិ​ស្ត្រី", nil),
        ("2004 — 2010", nil),
        // Latin text with no function word of any list: English, the commonest language of the network's texts.
        ("SINTRASEDOM ATKI-HK", .english),
    ])
    func aDocumentWithoutMetadataIsGuessedFromItsText(text: String, expected: StemmingLanguage?) {
        #expect(StemmingLanguage.guess(from: text) == expected, "\(text)")
        #expect(StemmingLanguage.forDocument(languages: nil, text: text) == (expected.map { [$0] } ?? []))
    }

    @Test(arguments: [
        ("the", true), ("The", true), ("qué", true), ("Qué", true), ("yang", true), ("र", true),
        ("workers", false), ("trabajo", false), ("kerja", false),
    ])
    func functionWordsIgnoreCaseAndAccents(word: String, expected: Bool) {
        #expect(StopWords.isStopWord(word) == expected, "\(word)")
    }
}
