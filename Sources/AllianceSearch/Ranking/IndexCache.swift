import Foundation
import GRDB

/// What a search engine remembers about an index between searches, while the index is unchanged: the languages
/// it holds stems of, and the document frequency of each term looked up.
///
/// FTS5 stores no document frequency: `documents_vocab` counts it by walking the term's doclist, 50 µs for a rare
/// word and 3 ms for one in a third of the rows. Ranking needs it for every query word and relevance feedback for
/// dozens of candidate words, and a pipeline or a server asks for the same words again and again.
///
/// Unchanged means the same `PRAGMA data_version`, which moves when another connection commits. A search engine
/// reads through one connection that never writes, so that is every change it can see: a rebuilt file renamed
/// into place is not seen by a connection opened on the old one.
/// At most `capacity` frequencies are kept; past that the cache starts again.
final class IndexCache: @unchecked Sendable {
    private let lock = NSLock()
    private var key = (generation: -1, version: -1)
    private var languages: [StemmingLanguage]?
    private var frequencies: [String: Int] = [:]
    static let capacity = 200_000

    /// Forgets everything when the index has changed since the last search: another `data_version`, or another
    /// `generation` of the connection (an immutable one opened again). Call it once per search, inside its read
    /// transaction.
    func check(_ db: Database, generation: Int) throws {
        let key = (generation, try Int.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0)
        lock.lock()
        defer { lock.unlock() }
        if key != self.key {
            self.key = key
            languages = nil
            frequencies = [:]
        }
    }

    /// The languages the index holds stems of (`SearchEngine.stemmedLanguages(_:)`).
    func languages(compute: () throws -> [StemmingLanguage]) rethrows -> [StemmingLanguage] {
        lock.lock()
        let known = languages
        lock.unlock()
        if let known { return known }
        let computed = try compute()
        lock.lock()
        languages = computed
        lock.unlock()
        return computed
    }

    /// The number of rows that hold `term` (one token, as the index stores it):
    ///
    /// ```sql
    /// SELECT "doc" FROM "documents_vocab" WHERE "term" = ?
    /// ```
    func documentFrequency(of term: String, in db: Database) throws -> Int {
        lock.lock()
        let known = frequencies[term]
        lock.unlock()
        if let known { return known }
        let count = try Int.fetchOne(
            db.cachedStatement(sql: #"SELECT "doc" FROM "documents_vocab" WHERE "term" = ?"#), arguments: [term]) ?? 0
        lock.lock()
        if frequencies.count >= Self.capacity { frequencies = [:] }
        frequencies[term] = count
        lock.unlock()
        return count
    }
}
