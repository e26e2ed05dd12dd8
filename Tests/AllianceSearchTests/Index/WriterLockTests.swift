import Foundation
import Testing
@testable import AllianceSearch

/// One writer at a time: ingests wait for each other as long as it takes, a query's update never waits, and the
/// lock file does not outlive its holder.
struct WriterLockTests {
    @Test func aSecondWriterWaitsAndAnUpdateThatMayNotWaitGivesUp() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = folder.appendingPathComponent("index.sqlite").path
        let first = try #require(try WriterLock.acquire(for: index, waiting: true))
        #expect(FileManager.default.fileExists(atPath: index + ".lock"))
        #expect(try WriterLock.acquire(for: index, waiting: false) == nil)

        let notices = Notices()
        let acquired = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let second = try? WriterLock.acquire(for: index, waiting: true, notice: notices.add)
            #expect(second != nil)
            second?.release()
            acquired.signal()
        }
        // It says that it waits, and waits.
        let deadline = Date().addingTimeInterval(10)
        while notices.lines.isEmpty && Date() < deadline { usleep(10_000) }
        #expect(notices.lines == ["waiting for another process (process \(getpid())) that is writing \(index) to finish …"])
        #expect(acquired.wait(timeout: .now() + 0.3) == .timedOut, "the second writer did not wait")
        first.release()
        #expect(acquired.wait(timeout: .now() + 10) == .success)
        #expect(!FileManager.default.fileExists(atPath: index + ".lock"))
    }

    /// An ingest started while another runs waits for it and succeeds; an update a query asks for meanwhile is
    /// refused at once with `.locked`, which `openRefreshing` turns into "searching it as it is".
    @Test func anIngestWaitsForTheRunningOneAndAQueryDoesNot() throws {
        let space = try IngesterTests.Workspace(["a.md": Fixtures.markdown(id: "a", title: "Alpha", body: "Domestic work.")])
        defer { space.remove() }
        _ = try space.ingest()
        try space.write("b.md", Fixtures.markdown(id: "b", title: "Beta", body: "Domestic work abroad."))
        let held = try #require(try WriterLock.acquire(for: space.indexPath, waiting: true))
        #expect(throws: IndexError.locked(path: space.indexPath)) {
            try Ingester.run(.init(roots: [], indexPath: space.indexPath, waitForWriters: false))
        }
        let notices = Notices()
        let index = try SearchIndex.openRefreshing(at: space.indexPath, notice: notices.add)
        #expect(notices.lines.last == "another process is writing \(space.indexPath); searching it as it is", "\(notices.lines)")
        #expect(try index.documentCount() == 1)

        let finished = DispatchSemaphore(value: 0)
        let result = Notices()
        DispatchQueue.global().async {
            let report = try? Ingester.run(.init(roots: [space.corpus.path], indexPath: space.indexPath))
            result.add(report?.summary ?? "failed")
            finished.signal()
        }
        #expect(finished.wait(timeout: .now() + 0.5) == .timedOut)
        held.release()
        #expect(finished.wait(timeout: .now() + 30) == .success)
        #expect(result.lines.first?.hasPrefix("added 1, updated 0, unchanged 1") == true, "\(result.lines)")
    }

    /// Lines collected from another thread.
    final class Notices: @unchecked Sendable {
        private let lock = NSLock()
        private var collected: [String] = []
        var lines: [String] { lock.withLock { collected } }
        func add(_ line: String) { lock.withLock { collected.append(line) } }
    }

    /// A lock file with another name (a hard link to someone's file) is refused: taking the lock writes a process
    /// id into it.
    @Test func aLockFileWithAnotherNameIsRefusedAndLeftAsItWas() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = folder.appendingPathComponent("index.sqlite").path
        let precious = folder.appendingPathComponent("precious.txt").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: precious))
        #expect(link(precious, index + ".lock") == 0)
        #expect(performing: { _ = try WriterLock.acquire(for: index, waiting: true) }, throws: { error in
            guard case IndexError.wrongKind(_, let detail)? = error as? IndexError else { return false }
            return detail.contains("is not a file of its own")
        })
        #expect(try String(contentsOfFile: precious, encoding: .utf8) == "keep me")
    }
}
