import Foundation
import GRDB
import GRDBSQLite

/// `alliance_rank()`: BM25 over *groups* of phrases, an FTS5 auxiliary function written in Swift.
///
/// ```sql
/// SELECT alliance_rank("documents_fts", ?, 10, 8, 4, 1, 1) AS "score" FROM "documents_fts" WHERE "documents_fts" MATCH ?
/// ```
///
/// The first argument is a `RankingPlan` (`RankingPlan.argument`), the others the weight of each column, as for
/// `bm25()`. FTS5's `bm25()` scores every phrase of the expression on its own, with weight 1. That cannot say that
/// `"workers"` and the stem token of `worker` are one word of the query, one matched exactly and one not, or that
/// an expansion word from relevance feedback counts less than a word the user typed. Here the phrases of one group
/// are scored as one term, the way Lucene's `SynonymQuery` does:
///
/// - its document frequency is the largest of its phrases' (given by the plan when it could be looked up in the
///   vocabulary, else counted with `xQueryPhrase`, once per query);
/// - its frequency in a row is the sum, over its phrases' hits, of the phrase weight times the column weight. A
///   word as typed is found both as itself (weight 1) and through its stem (`RankingPlan.stemWeight`), which is
///   indexed at the same position, so an exact hit counts 1.5 and a hit on another form 0.5, as with an exact and
///   a stemmed field side by side. Hits of one group at one position with the *same* weight count once: the stems
///   of a word in each of a document's two languages are one stemmed hit, two names of a concept that start at the
///   same word are one hit;
/// - the group's BM25 term (k1 = 1.2, b = 0.75, FTS5's own) is multiplied by the group's query weight.
///
/// Higher is better (unlike `bm25()`). With no plan, every phrase is its own group of weight 1, and the score is
/// `-bm25()`.
///
/// Related SQLite documentation: <https://www.sqlite.org/fts5.html#custom_auxiliary_functions>
enum RankFunction {
    static let name = "alliance_rank"
    static let k1 = 1.2
    static let b = 0.75

    /// Makes `alliance_rank()` known to `db`.
    static func register(in db: Database) {
        let api = FTS5.api(db)
        let code = name.withCString { name in
            api.pointee.xCreateFunction(UnsafeMutablePointer(mutating: api), name, nil, rank, nil)
        }
        precondition(code == SQLITE_OK, "FTS5 refused the auxiliary function \(name): code \(code)")
    }

    /// FTS5's one auxiliary-data slot per query, shared by every `alliance_rank()` call of the statement: the
    /// state of each plan seen, by the plan's bytes.
    private final class Cache {
        var states: [(plan: [UInt8], state: State)] = []
    }

    /// What one query needs to score its rows with one plan, computed on its first row.
    private final class State {
        var phraseGroup: [Int] = []
        var phraseWeight: [Double] = []
        var groupWeight: [Double] = []
        var groupFlat: [Bool] = []
        var groupIDF: [Double] = []
        var averageLength = 1.0
        /// The column weights of the last call, read again only when a call passes others (`--explain`).
        var columnWeights: [Double] = []
        /// Per-row scratch: each group's weighted frequency, and the position of its last hit with the phrase
        /// weights already counted there.
        var frequency: [Double] = []
        var lastPosition: [Int64] = []
        /// The phrase weights counted at a group's last position: `slots` per group, `countedCount` used.
        var counted: [Double] = []
        var countedCount: [Int] = []
        static let slots = 4

        /// The phrases whose group scores (query weight not 0), in order: a group of weight 0 (the copy of the query
        /// that feedback and pruning add only to restrict the matches) adds 0 to every row, so its hits are not read.
        var scoringPhrases: [Int32] = []
        /// Per-row scratch: the row's hits of the scoring phrases, as (position, phrase).
        var hits: [(position: Int64, phrase: Int32)] = []

        /// The row's score.
        ///
        /// Each scoring phrase's hits are read with `xPhraseFirst`/`xPhraseNext` and put in the order `xInst` would
        /// give them (by position, then by phrase), so every group's frequency is summed in the same order as
        /// before. `xInst` itself is not used: FTS5 builds its array by finding, for each hit, the phrase with the
        /// lowest next position among all the expression's phrases, which is quadratic in the phrases of a long
        /// query for every row it scores.
        ///
        /// The per-row loop works on unsafe buffers: it runs for every match of the query, and Swift's exclusivity
        /// checks and copy-on-write tests on the arrays cost more than the arithmetic.
        func score(_ api: Fts5ExtensionApi, _ fts: OpaquePointer) throws -> Double {
            hits.removeAll(keepingCapacity: true)
            for phrase in scoringPhrases {
                var iterator = Fts5PhraseIter()
                var column: Int32 = 0, offset: Int32 = 0
                try check(api.xPhraseFirst(fts, phrase, &iterator, &column, &offset))
                while column >= 0 {
                    hits.append((Int64(column) << 32 | Int64(offset), phrase))
                    api.xPhraseNext(fts, &iterator, &column, &offset)
                }
            }
            if hits.count > 1 {
                hits.sort { $0.position != $1.position ? $0.position < $1.position : $0.phrase < $1.phrase }
            }
            let groups = groupWeight.count
            let slots = Self.slots
            hits.withUnsafeBufferPointer { hits in
                phraseGroup.withUnsafeBufferPointer { phraseGroup in
                    phraseWeight.withUnsafeBufferPointer { phraseWeight in
                        groupFlat.withUnsafeBufferPointer { groupFlat in
                            columnWeights.withUnsafeBufferPointer { columnWeights in
                                frequency.withUnsafeMutableBufferPointer { frequency in
                                    lastPosition.withUnsafeMutableBufferPointer { lastPosition in
                                        counted.withUnsafeMutableBufferPointer { counted in
                                            countedCount.withUnsafeMutableBufferPointer { countedCount in
                                                for group in 0..<groups {
                                                    frequency[group] = 0
                                                    lastPosition[group] = -1
                                                    countedCount[group] = 0
                                                }
                                                for hit in hits {
                                                    let phraseIndex = Int(hit.phrase), columnIndex = Int(hit.position >> 32)
                                                    guard phraseIndex < phraseGroup.count, columnIndex < columnWeights.count else { continue }
                                                    let group = phraseGroup[phraseIndex]
                                                    let columnWeight = columnWeights[columnIndex]
                                                    let weight = phraseWeight[phraseIndex]
                                                    // A group's hits at one position come one after another.
                                                    if lastPosition[group] != hit.position {
                                                        lastPosition[group] = hit.position
                                                        countedCount[group] = 0
                                                    } else {
                                                        var seen = false
                                                        for slot in 0..<countedCount[group] where counted[group * slots + slot] == weight {
                                                            seen = true
                                                        }
                                                        if seen { continue }
                                                    }
                                                    if countedCount[group] < slots {
                                                        counted[group * slots + countedCount[group]] = weight
                                                        countedCount[group] += 1
                                                    }
                                                    frequency[group] += weight * (groupFlat[group] ? (columnWeight > 0 ? 1 : 0) : columnWeight)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            var length: Int32 = 0
            try check(api.xColumnSize(fts, -1, &length))
            let norm = k1 * (1 - b + b * Double(length) / averageLength)
            var score = 0.0
            for group in 0..<groups where frequency[group] > 0 {
                let f = frequency[group]
                score += groupWeight[group] * groupIDF[group] * (f * (k1 + 1)) / (f + norm)
            }
            return score
        }
    }

    private static let rank: fts5_extension_function = { api, fts, context, count, values in
        guard let api = api?.pointee, let fts, let values else { return }
        do {
            let state = try cachedState(api, fts, plan: count > 0 ? values[0] : nil)
            if state.columnWeights.isEmpty {
                state.columnWeights = [Double](repeating: 1, count: Int(api.xColumnCount(fts)))
            }
            for index in state.columnWeights.indices where index + 1 < Int(count) {
                state.columnWeights[index] = sqlite3_value_double(values[index + 1])
            }
            sqlite3_result_double(context, try state.score(api, fts))
        } catch {
            sqlite3_result_error(context, "\(name): \(error)", -1)
        }
    }

    private struct Failure: Error, CustomStringConvertible {
        var code: Int32
        var description: String { "SQLite error \(code)" }
    }

    private static func check(_ code: Int32) throws {
        if code != SQLITE_OK { throw Failure(code: code) }
    }

    private static func cachedState(_ api: Fts5ExtensionApi, _ fts: OpaquePointer, plan: OpaquePointer?) throws -> State {
        let text = plan.flatMap { sqlite3_value_text($0) }
        let bytes = UnsafeBufferPointer(start: text, count: text == nil ? 0 : Int(sqlite3_value_bytes(plan)))
        let cache: Cache
        if let data = api.xGetAuxdata(fts, 0) {
            cache = Unmanaged<Cache>.fromOpaque(data).takeUnretainedValue()
        } else {
            cache = Cache()
            let retained = Unmanaged.passRetained(cache).toOpaque()
            try check(api.xSetAuxdata(fts, retained) { data in
                if let data { Unmanaged<Cache>.fromOpaque(data).release() }
            })
        }
        // Compared in place, without copying the plan, with `memcmp`: this runs for every row, and a long query's
        // plan is kilobytes long.
        func isPlan(_ plan: [UInt8]) -> Bool {
            guard plan.count == bytes.count else { return false }
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return true }
            return plan.withUnsafeBytes { memcmp($0.baseAddress!, base, bytes.count) } == 0
        }
        if let found = cache.states.first(where: { isPlan($0.plan) }) { return found.state }
        let state = try makeState(api, fts, plan: RankingPlan(argument: String(decoding: bytes, as: UTF8.self)))
        cache.states.append((Array(bytes), state))
        return state
    }

    private static func makeState(_ api: Fts5ExtensionApi, _ fts: OpaquePointer, plan parsed: RankingPlan) throws -> State {
        let state = State()
        let phraseCount = Int(api.xPhraseCount(fts))
        var groupWeights = parsed.groupWeights
        for phrase in 0..<phraseCount {
            if phrase < parsed.phrases.count, parsed.phrases[phrase].group >= 0, parsed.phrases[phrase].group < groupWeights.count {
                state.phraseGroup.append(parsed.phrases[phrase].group)
                state.phraseWeight.append(parsed.phrases[phrase].weight)
            } else {
                // A phrase the plan does not know (a raw query): a group of its own, as in bm25().
                state.phraseGroup.append(groupWeights.count)
                state.phraseWeight.append(1)
                groupWeights.append(1)
            }
        }
        state.groupWeight = groupWeights
        state.scoringPhrases = (0..<phraseCount).filter { groupWeights[state.phraseGroup[$0]] != 0 }.map(Int32.init)
        state.groupFlat = groupWeights.indices.map { parsed.flatGroups.contains($0) }
        state.frequency = [Double](repeating: 0, count: groupWeights.count)
        state.lastPosition = [Int64](repeating: -1, count: groupWeights.count)
        state.counted = [Double](repeating: 0, count: groupWeights.count * State.slots)
        state.countedCount = [Int](repeating: 0, count: groupWeights.count)

        var rows: Int64 = 0, tokens: Int64 = 0
        try check(api.xRowCount(fts, &rows))
        try check(api.xColumnTotalSize(fts, -1, &tokens))
        state.averageLength = rows > 0 ? max(1, Double(tokens) / Double(rows)) : 1
        var groupFrequency = [Int](repeating: 0, count: groupWeights.count)
        for phrase in 0..<phraseCount {
            var matches = 0
            if phrase < parsed.phrases.count, let documents = parsed.phrases[phrase].documents {
                matches = documents
            } else {
                try withUnsafeMutablePointer(to: &matches) { pointer in
                try check(api.xQueryPhrase(fts, Int32(phrase), pointer) { _, _, counter in
                    counter!.assumingMemoryBound(to: Int.self).pointee += 1
                    return SQLITE_OK
                })
                }
            }
            let group = state.phraseGroup[phrase]
            groupFrequency[group] = max(groupFrequency[group], matches)
        }
        // Lucene's IDF, ln(1 + (N - n + 0.5) / (n + 0.5)): always above 0. FTS5's, without the 1 +, is floored at
        // 1e-6 for a word in more than half the rows, which in a small corpus leaves every score at 0.
        state.groupIDF = groupFrequency.map { n in
            log(1 + (Double(rows) - Double(n) + 0.5) / (Double(n) + 0.5))
        }
        return state
    }
}
