import Foundation
import GRDB
import Testing
@testable import AllianceSearch

/// Purge means gone: after it, not one copy of the document's text is in any file of the index's folder.
struct PurgeTests {
    /// A word no other text has, made of letters only, so that it is indexed as one token and stemmed.
    private static func marker() -> String {
        let letters = Array("bcdfghjklmnpqrstvwxz")
        return "qz" + String((0..<12).map { _ in letters.randomElement()! })
    }

    /// How many times `needle` occurs in the bytes of each file of `folder` (the index, a journal, a WAL).
    private static func occurrences(of needle: String, in folder: URL) throws -> Int {
        let pattern = Array(needle.utf8)
        var count = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            guard bytes.count >= pattern.count else { continue }
            for start in 0...(bytes.count - pattern.count) where bytes[start] == pattern[0] {
                if bytes[start..<(start + pattern.count)].elementsEqual(pattern) { count += 1 }
            }
        }
        return count
    }

    private func secret(_ marker: String) -> String {
        Fixtures.markdown(
            id: "secret-testimony", title: "Testimony of \(marker)",
            body: "The survivor \(marker) named the recruiter. \(marker) worked as a domestic worker abroad.")
    }

    /// The document is written in an ingest of its own between two others, so that its terms are in an FTS5
    /// segment of their own, as in a long-lived index; its last eight letters are looked for too, since FTS5
    /// stores a term after a shared prefix.
    @Test func purgedTextIsInNoFileOfTheIndex() throws {
        let marker = Self.marker()
        let space = try IngesterTests.Workspace([
            "orgs/a.md": Fixtures.markdown(id: "a", title: "Alpha collective", body: "Domestic workers organising."),
        ])
        defer { space.remove() }
        _ = try space.ingest()
        try space.write("reports/secret.md", secret(marker))
        _ = try space.ingest()
        try space.write("orgs/b.md", Fixtures.markdown(id: "b", title: "Beta network", body: "Sex workers against police violence."))
        _ = try space.ingest()
        let folder = URL(fileURLWithPath: space.indexPath).deletingLastPathComponent()
        #expect(try space.ids(marker) == ["secret-testimony"])
        #expect(try Self.occurrences(of: marker, in: folder) > 0)

        let report = try Purge.run(ids: ["secret-testimony", "not-there"], indexPath: space.indexPath)
        #expect(report.purged == ["secret-testimony"])
        #expect(report.unknown == ["not-there"])
        #expect(report.sources == ["\(DisplayPath.relative(space.corpus.appendingPathComponent("reports/secret.md").path)):1"])
        for needle in [marker, String(marker.suffix(8)), "The survivor", "named the recruiter"] {
            #expect(try Self.occurrences(of: needle, in: folder) == 0, "\(needle)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["test.sqlite"])
        // The rest is intact, and the file is unchanged on disk, so the next ingest does not bring it back.
        #expect(try space.ids(marker).isEmpty)
        #expect(try space.ids("police violence") == ["b"])
        #expect(try IndexCheck.run(indexPath: space.indexPath).isSound)
        #expect(try space.ingest().unchanged == 2)
        #expect(try space.ids(marker).isEmpty)
    }

    /// `--secure`: a deleted file's document leaves nothing behind; without it, its text stays in the file, which is
    /// why the option exists (and shows the scan can see it).
    @Test(arguments: [true, false])
    func removingAFileSecurelyLeavesNoText(secure: Bool) throws {
        let marker = Self.marker()
        let space = try IngesterTests.Workspace([
            "orgs/a.md": Fixtures.markdown(id: "a", title: "Alpha collective", body: "Domestic workers organising."),
            "reports/secret.md": secret(marker),
        ])
        defer { space.remove() }
        _ = try space.ingest()
        try FileManager.default.removeItem(at: space.corpus.appendingPathComponent("reports/secret.md"))
        let report = try Ingester.run(.init(roots: [space.corpus.path], indexPath: space.indexPath, secure: secure))
        #expect(report.removed == 1)
        let folder = URL(fileURLWithPath: space.indexPath).deletingLastPathComponent()
        let left = try Self.occurrences(of: marker, in: folder)
        if secure { #expect(left == 0) } else { #expect(left > 0) }
        #expect(try space.ids("domestic") == ["a"])
        #expect(try IndexCheck.run(indexPath: space.indexPath).isSound)
    }

    /// A reader holding an older state keeps the checkpoint from overwriting the old pages: the purge waits its
    /// patience, then fails saying the text may still be there (it is), and records the unfinished scrub, which
    /// `--check` reports and the next purge, even of an id the index does not have, finishes.
    @Test func aScrubThatReadersHoldUpIsReportedRecordedAndFinishedLater() throws {
        let marker = Self.marker()
        let space = try IngesterTests.Workspace([
            "orgs/a.md": Fixtures.markdown(id: "a", title: "Alpha collective", body: "Domestic workers organising."),
            "reports/secret.md": secret(marker),
        ])
        defer { space.remove() }
        _ = try space.ingest()
        let folder = URL(fileURLWithPath: space.indexPath).deletingLastPathComponent()
        // Another process's search, in the middle of a read transaction (a connection of its own).
        let reader = try DatabaseQueue(path: space.indexPath, configuration: SearchIndex.configuration)
        let holding = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try? reader.read { db in
                _ = try Int.fetchOne(db, sql: #"SELECT count(*) FROM "documents""#)
                holding.signal()
                release.wait()
            }
            done.signal()
        }
        holding.wait()
        let start = Date()
        #expect {
            try Purge.run(ids: ["secret-testimony"], indexPath: space.indexPath, patience: 1)
        } throws: { error in
            guard case IndexError.scrubUnfinished(_, let reason)? = error as? IndexError else { return false }
            return reason.contains("kept reading the index")
        }
        #expect(Date().timeIntervalSince(start) < 15)
        #expect(try Self.occurrences(of: marker, in: folder) > 0)
        #expect(try space.ids(marker).isEmpty)
        release.signal()
        done.wait()
        try reader.close()

        let check = try IndexCheck.run(indexPath: space.indexPath)
        #expect(!check.isSound && check.problems.isEmpty)
        #expect(check.unfinished.count == 1 && check.unfinished[0].contains("did not finish scrubbing"), "\(check.unfinished)")

        let next = try Purge.run(ids: ["not-there"], indexPath: space.indexPath)
        #expect(next.unknown == ["not-there"] && next.purged.isEmpty)
        #expect(next.finishedScrubFrom != nil)
        #expect(try Self.occurrences(of: marker, in: folder) == 0)
        #expect(try IndexCheck.run(indexPath: space.indexPath).isSound)
    }

    /// `--check --repair` finishes a recorded scrub too; a purge of a damaged index changes nothing.
    @Test func repairFinishesARecordedScrub() throws {
        let marker = Self.marker()
        let space = try IngesterTests.Workspace(["reports/secret.md": secret(marker), "orgs/a.md": Fixtures.markdown(id: "a", title: "Alpha", body: "Domestic work.")])
        defer { space.remove() }
        _ = try space.ingest()
        // The state a purge killed between its commit and its scrub leaves.
        let queue = try DatabaseQueue(path: space.indexPath, configuration: SearchIndex.configuration)
        try queue.write { db in
            try DocumentStore.delete(db, id: "secret-testimony")
            try Scrub.markPending(db)
        }
        try queue.close()
        let folder = URL(fileURLWithPath: space.indexPath).deletingLastPathComponent()
        #expect(try Self.occurrences(of: marker, in: folder) > 0)
        let report = try IndexCheck.run(indexPath: space.indexPath, repair: true)
        #expect(report.repaired.count == 1 && report.repaired[0].hasPrefix("finished the scrub recorded"), "\(report.repaired)")
        #expect(report.isSound, "\(report)")
        #expect(try Self.occurrences(of: marker, in: folder) == 0)
    }
}
