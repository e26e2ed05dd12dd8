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
        // km-01 holds untranslated English, "templates", which the English stemmer also makes "templat": one
        // stemmer for every language conflates them (per-language stemming is still to do).
        ("templat", ["id-01", "km-01"]),
        ("pintasan", ["id-03", "id-23"]),
        ("berkas", ["id-01", "id-13", "id-20", "id-25"]),
        // Nepali: whole words; पङ्क्ति is not found inside पङ्क्तिहरू, nor फाइल inside longer words.
        ("स्क्रोलपट्टी", ["ne-01"]),
        ("स्तम्भ", ["ne-01", "ne-18", "ne-20"]),
        ("पङ्क्ति", ["ne-01", "ne-25"]),
        ("फाइल", ["ne-03"]),
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
}
