import Foundation
import Testing
@testable import AllianceSearch

/// Pseudo-relevance feedback (RM3) on a real collection: CACM's 3,204 abstracts (`../shared/eval/cacm`).
struct RelevanceFeedbackTests {
    static let cacm: SearchEngine? = {
        let collection = Fixtures.cacm
        guard let compressed = try? Data(contentsOf: collection.appendingPathComponent("documents.jsonl.gz")),
            let folder = try? Fixtures.temporaryFolder()
        else { return nil }
        let archive = folder.appendingPathComponent("cacm.jsonl.gz")
        try? compressed.write(to: archive)
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gunzip.arguments = ["gunzip", archive.path]
        guard (try? gunzip.run()) != nil else { return nil }
        gunzip.waitUntilExit()
        let indexPath = folder.appendingPathComponent("cacm.sqlite").path
        guard (try? Ingester.run(.init(roots: [folder.appendingPathComponent("cacm.jsonl").path], indexPath: indexPath))) != nil
        else { return nil }
        return (try? SearchIndex.openForReading(at: indexPath)).map(SearchEngine.init(index:))
    }()

    @Test func feedbackReranksTheSameMatchesAndSaysWithWhichWords() throws {
        let engine = try #require(Self.cacm, "CACM is expected at \(Fixtures.cacm.path)")
        let question = "What articles exist which deal with TSS (Time Sharing System), an operating system for IBM computers?"
        let with = try engine.search(SearchRequest(query: question, limit: 10_000))
        let without = try engine.search(SearchRequest(query: question, limit: 10_000, feedback: false))
        #expect(with.question && with.mode == .any)
        // The words learnt: content words of the best documents, never function words or codes.
        #expect(with.feedback.count == RelevanceFeedback.terms)
        #expect(with.feedback.contains { $0.word == "sharing" || $0.word == "time" })
        #expect(with.feedback.allSatisfy { !StopWords.isStopWord($0.word) && !$0.word.contains(where: \.isNumber) })
        #expect(abs(with.feedback.reduce(0) { $0 + $1.weight } - (1 - RelevanceFeedback.originalWeight)) < 1e-9)
        // Only the order changes: the same documents, the same total.
        #expect(without.feedback.isEmpty)
        #expect(with.total == without.total)
        #expect(Set(with.hits.map(\.id)) == Set(without.hits.map(\.id)))
        #expect(with.hits.map(\.id) != without.hits.map(\.id))
    }

    @Test func keywordsThatAllMatchAreNotReranked() throws {
        let engine = try #require(Self.cacm, "CACM is expected at \(Fixtures.cacm.path)")
        let results = try engine.search(SearchRequest(query: "parallel algorithms"))
        #expect(results.mode == .all && results.feedback.isEmpty)
    }

    @Test func aSmallCollectionIsNotReranked() throws {
        // The bundled corpus has 20 documents: its best ten are half of it, not a sample.
        let results = try Fixtures.search("how do sex workers organise against police violence")
        #expect(results.question && results.feedback.isEmpty)
    }
}
