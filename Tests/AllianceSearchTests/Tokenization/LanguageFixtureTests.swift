import Foundation
import Testing
@testable import AllianceSearch

/// Searches real text in each member language (`Support/Languages`, made from Debian packages by
/// `scripts/language-fixtures.py`): a user's word finds the records that contain it, and only those.
///
/// The expected ids were read off the fixtures: whole-word occurrences for scripts with spaces, substrings for
/// Khmer, which has none.
struct LanguageFixtureTests {
    static let index: SearchIndex = {
        let folder = Fixtures.packageRoot.appendingPathComponent("Tests/AllianceSearchTests/Support/Languages")
        let indexPath = try! Fixtures.temporaryFolder().appendingPathComponent("languages.sqlite").path
        let files = ["es", "id", "km", "bn", "ne"].map { folder.appendingPathComponent("\($0).jsonl").path }
        let report = try! Ingester.run(.init(roots: files, indexPath: indexPath))
        precondition(report.failed == 0 && report.documentCount == 125, "\(report.errors)")
        return try! SearchIndex.openForReading(at: indexPath)
    }()

    @Test(arguments: [
        // Spanish: typed without accents, or with them.
        ("amistad", ["es-01"]),
        ("ciceron", ["es-01"]),
        ("Cicerón benevolencia", ["es-01"]),
        // Indonesian.
        // km-01 (Khmer) holds untranslated English, "templates": an English stemmer would make it "templat", but
        // Khmer documents are not stemmed, and Indonesian "templat" finds the Indonesian record only.
        ("templat", ["id-01"]),
        ("templates", ["km-01"]),
        ("pintasan", ["id-03", "id-23"]),
        ("berkas", ["id-01", "id-13", "id-20", "id-25"]),
        // Nepali: whole words, and their inflected forms through the Nepali stemmer (पङ्क्तिमा "in the row",
        // फाइलहरू "files", फाइलमा "in the file"), but not a longer word that merely starts the same way.
        ("स्क्रोलपट्टी", ["ne-01"]),
        ("स्तम्भ", ["ne-01", "ne-18", "ne-20"]),
        ("पङ्क्ति", ["ne-01", "ne-13", "ne-25"]),
        ("फाइल", ["ne-02", "ne-03", "ne-06"]),
        // Bengali: whole words.
        ("স্ক্রল", ["bn-01"]),
        ("মিডিয়া", ["bn-01"]),
        ("নির্বাচিত", ["bn-01", "bn-08", "bn-09", "bn-10", "bn-11", "bn-21"]),
        // Khmer: a word inside running text.
        ("ពុម្ព", ["km-01", "km-07", "km-09"]),
        ("បង្កើត", ["km-01", "km-16", "km-18"]),
        ("ថ្មី", ["km-01", "km-13", "km-18", "km-23"]),
        ("ស្ត្រី", []),
    ])
    func findsWhatItShouldAndNothingElse(query: String, expected: [String]) throws {
        let results = try SearchEngine(index: Self.index).search(SearchRequest(query: query, limit: 100, match: .all))
        #expect(results.hits.map(\.id).sorted() == expected, "\(query)")
    }

    /// Each record is stemmed in its own language: another form of the word is found, and the form typed ranks
    /// above it.
    @Test(arguments: [
        // Spanish: puede / pueden / puedan; cosas / cosa.
        ("puede", ["es-05", "es-06", "es-11"], ["es-11"]),
        ("cosas", ["es-01", "es-12", "es-24"], ["es-01", "es-12"]),
        // Indonesian: memakai / pakai; dibuat / membuat / buat.
        ("memakai", ["id-01", "id-02", "id-22"], ["id-01", "id-02"]),
        ("dibuat", ["id-01", "id-14", "id-16", "id-18"], ["id-01", "id-16"]),
        // Nepali: फाइल / फाइलहरू / फाइलमा.
        ("फाइल", ["ne-02", "ne-03", "ne-06"], ["ne-03"]),
    ])
    func stemsInEachRecordsLanguageAndRanksTheExactFormFirst(query: String, expected: [String], exact: [String]) throws {
        let results = try SearchEngine(index: Self.index).search(SearchRequest(query: query, limit: 100))
        #expect(results.hits.map(\.id).sorted() == expected, "\(query)")
        #expect(Set(results.hits.prefix(exact.count).map(\.id)) == Set(exact), "\(query): \(results.hits.map(\.id))")
    }
}
