import Foundation
import Testing
@testable import AllianceSearch

/// A rebuild killed before it could clean up leaves its file beside the index; the next open of any kind removes it,
/// unless a writer runs (the file may be its rebuild).
struct RebuildLeftoversTests {
    @Test func theNextSearchRemovesAStoppedRebuildsFile() throws {
        let space = try IngesterTests.Workspace(["a.md": Fixtures.markdown(id: "a", title: "Alpha", body: "Domestic work.")])
        defer { space.remove() }
        _ = try space.ingest()
        let leftover = space.indexPath + ".rebuild-4242"
        try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: leftover))
        try Data().write(to: URL(fileURLWithPath: leftover + "-wal"))

        // While a writer runs, it is left alone, and nothing is said.
        let writer = try #require(try WriterLock.acquire(for: space.indexPath, waiting: true))
        var notices: [String] = []
        _ = try SearchIndex.openRefreshing(at: space.indexPath, refresh: false) { notices.append($0) }
        #expect(FileManager.default.fileExists(atPath: leftover))
        #expect(notices.isEmpty)
        writer.release()

        _ = try SearchIndex.openRefreshing(at: space.indexPath, refresh: false) { notices.append($0) }
        #expect(!FileManager.default.fileExists(atPath: leftover))
        #expect(!FileManager.default.fileExists(atPath: leftover + "-wal"))
        #expect(notices.isEmpty)
        #expect(try IndexCheck.run(indexPath: space.indexPath).isSound)
    }

    /// A folder named like a rebuild's file is not a leftover, and is never removed.
    @Test func aFolderNamedLikeARebuildFileIsLeftAlone() throws {
        let space = try IngesterTests.Workspace(["a.md": Fixtures.markdown(id: "a", title: "Alpha", body: "Domestic work.")])
        defer { space.remove() }
        _ = try space.ingest()
        let folder = space.indexPath + ".rebuild-77"
        try FileManager.default.createDirectory(atPath: folder + "/inside", withIntermediateDirectories: true)
        _ = try space.ingest(rebuild: true)
        #expect(FileManager.default.fileExists(atPath: folder + "/inside"))
    }

    /// `--check` removes them too, says so, and still finds the index sound: they are not part of it.
    @Test func theCheckRemovesAStoppedRebuildsFileAndSaysSo() throws {
        let space = try IngesterTests.Workspace(["a.md": Fixtures.markdown(id: "a", title: "Alpha", body: "Domestic work.")])
        defer { space.remove() }
        _ = try space.ingest()
        let leftover = space.indexPath + ".rebuild-4242"
        try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: leftover))
        let report = try IndexCheck.run(indexPath: space.indexPath)
        #expect(report.notes == ["removed \(DisplayPath.relative(leftover)) (4096 bytes), left by a rebuild that was stopped"])
        #expect(report.isSound)
        #expect(!FileManager.default.fileExists(atPath: leftover))
    }

    /// A stopped rebuild's file is a copy of the documents: a purge removes it first, so that the purged text is
    /// in no file beside the index either.
    @Test func aPurgeRemovesAStoppedRebuildsCopy() throws {
        let space = try IngesterTests.Workspace(["a.md": Fixtures.markdown(id: "a", title: "Alpha", body: "Domestic work qzplorvatin.")])
        defer { space.remove() }
        _ = try space.ingest()
        let leftover = space.indexPath + ".rebuild-4242"
        try FileManager.default.copyItem(atPath: space.indexPath, toPath: leftover)
        _ = try Purge.run(ids: ["a"], indexPath: space.indexPath)
        #expect(!FileManager.default.fileExists(atPath: leftover))
        let folder = URL(fileURLWithPath: space.indexPath).deletingLastPathComponent().path
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            #expect(bytes.range(of: Data("qzplorvatin".utf8)) == nil, "\(name)")
        }
    }
}
