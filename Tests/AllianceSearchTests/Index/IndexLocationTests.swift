import Foundation
import GRDB
import Testing
@testable import AllianceSearch

/// Only a regular file, or a path where nothing is yet, may be read as an index or become one: every other kind of
/// path is refused by every way in (reading, building, rebuilding, purging), named in the message, and left as it is.
struct IndexLocationTests {
    enum Kind: String, CaseIterable {
        case pipe, socket, characterDevice, danglingLink, folder
    }

    /// Makes a path of `kind` in `folder`.
    private static func make(_ kind: Kind, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("index.sqlite").path
        switch kind {
        case .pipe:
            #expect(mkfifo(path, 0o644) == 0)
        case .socket:
            let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            _ = withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                path.utf8CString.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0.prefix(buffer.count))) }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            #expect(bound == 0)
            close(descriptor)
        case .characterDevice:
            // /dev/null itself, through a link: the device is what the path leads to.
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/null")
        case .danglingLink:
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: folder.appendingPathComponent("gone.sqlite").path)
        case .folder:
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        }
        return path
    }

    private static let expectedNoun: [Kind: String] = [
        .pipe: "a named pipe (FIFO)", .socket: "a socket", .characterDevice: "a character device",
        .danglingLink: "a symbolic link that leads to no file", .folder: "it is a folder",
    ]

    @Test(arguments: Kind.allCases)
    func aPathThatIsNotARegularFileIsNeverMadeAnIndex(kind: Kind) throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try Self.make(kind, in: folder)
        let before = FileKind.at(path, followingLinks: false)
        let corpus = folder.appendingPathComponent("corpus")
        try Fixtures.write(["a.md": Fixtures.markdown(id: "a", title: "Alpha", body: "Domestic work.")], under: corpus)

        let attempts: [(String, () throws -> Void)] = [
            ("read", { _ = try SearchIndex.openForReading(at: path) }),
            ("ingest", { _ = try Ingester.run(.init(roots: [corpus.path], indexPath: path)) }),
            ("rebuild", { _ = try Ingester.run(.init(roots: [corpus.path], indexPath: path, rebuild: true)) }),
            ("purge", { _ = try Purge.run(ids: ["a"], indexPath: path) }),
            ("check", { _ = try IndexCheck.run(indexPath: path) }),
        ]
        for (name, attempt) in attempts {
            do {
                try attempt()
                Issue.record("\(name) on \(kind) succeeded")
            } catch let error as IndexError {
                let message = error.localizedDescription
                #expect(message.contains(Self.expectedNoun[kind]!) || message.contains("no index at"), "\(name): \(message)")
            }
            #expect(FileKind.at(path, followingLinks: false) == before, "\(name) changed the \(kind)")
        }
        #expect(FileKind.at("/dev/null") == .characterDevice)
    }

    /// A link to a regular file is an index reached by another name: a rebuild replaces the file it leads to and
    /// keeps the link.
    @Test func aRebuildThroughALinkReplacesTheFileItLeadsTo() throws {
        let space = try IngesterTests.Workspace(["a.md": Fixtures.markdown(id: "a", title: "Alpha", body: "Domestic work.")])
        defer { space.remove() }
        _ = try space.ingest()
        let link = space.folder.appendingPathComponent("link.sqlite").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: space.indexPath)
        try space.write("b.md", Fixtures.markdown(id: "b", title: "Beta", body: "Domestic work abroad."))
        let report = try Ingester.run(.init(roots: [space.corpus.path], indexPath: link, rebuild: true))
        #expect(report.documentCount == 2)
        #expect(FileKind.at(link, followingLinks: false) == .link)
        #expect(try space.ids("domestic").sorted() == ["a", "b"])
    }

    /// `FileKind.openForReading` refuses a pipe at once instead of waiting for a writer.
    @Test func openingAPipeForReadingIsRefusedWithoutBlocking() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pipe = folder.appendingPathComponent("doc.md").path
        #expect(mkfifo(pipe, 0o644) == 0)
        #expect { _ = try FileKind.openForReading(pipe) } throws: { error in
            (error as? FileKind.Refusal)?.reason == "not a regular file but a named pipe (FIFO)"
        }
    }

    /// Beside the index: a pipe where SQLite keeps the journal would block every tool; a folder where it keeps the
    /// log or the shared memory, or where writers take turns, would fail with a message about something else. Each
    /// tool refuses at once, naming the file and what it is.
    @Test(arguments: ["-journal", "-wal", "-shm", ".lock"], [true, false])
    func aCompanionThatIsNotAFileIsNamedByEveryTool(suffix: String, pipe: Bool) throws {
        let space = try IngesterTests.Workspace(["a.md": Fixtures.markdown(id: "a", title: "Alpha", body: "Domestic work.")])
        defer { space.remove() }
        _ = try space.ingest()
        let companion = space.indexPath + suffix
        if pipe {
            #expect(mkfifo(companion, 0o644) == 0)
        } else {
            try FileManager.default.createDirectory(atPath: companion, withIntermediateDirectories: false)
        }
        let noun = pipe ? "a named pipe (FIFO)" : "a folder"
        let attempts: [(String, () throws -> Void)] = [
            ("read", { _ = try SearchIndex.openForReading(at: space.indexPath) }),
            ("refresh", { _ = try SearchIndex.openRefreshing(at: space.indexPath) { _ in } }),
            ("ingest", { _ = try space.ingest() }),
            ("rebuild", { _ = try space.ingest(rebuild: true) }),
            ("purge", { _ = try Purge.run(ids: ["a"], indexPath: space.indexPath) }),
            ("check", { _ = try IndexCheck.run(indexPath: space.indexPath, repair: true) }),
        ]
        for (name, attempt) in attempts {
            #expect("\(name)", performing: attempt, throws: { error in
                guard case IndexError.wrongKind(_, let detail)? = error as? IndexError else { return false }
                return detail.contains(companion) && detail.contains("is \(noun), not a file; move it away")
            })
        }
        #expect(FileKind.at(companion, followingLinks: false) == (pipe ? .pipe : .folder))
    }

    /// Through a link in another folder, the index reads and stores the paths of the folder it is in, not the
    /// link's: a search's update through the link does not take another folder's corpus for its own.
    @Test func anIndexReachedThroughALinkElsewhereKeepsItsOwnPaths() throws {
        let space = try IngesterTests.Workspace(["a.md": Fixtures.markdown(id: "a", title: "Alpha", body: "Domestic work.")])
        defer { space.remove() }
        _ = try space.ingest()
        let elsewhere = space.folder.appendingPathComponent("deep/er")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try Fixtures.write(["o.md": Fixtures.markdown(id: "o", title: "Other", body: "Another corpus entirely.")], under: space.folder.appendingPathComponent("deep/corpus"))
        let link = elsewhere.appendingPathComponent("link.sqlite").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: space.indexPath)
        #expect(try Ingester.staleness(of: SearchIndex.openForReading(at: link)) == nil)
        let report = try Ingester.run(.init(roots: [], indexPath: link))
        #expect((report.added, report.removed, report.unchanged) == (0, 0, 1))
        #expect(try space.ids("domestic") == ["a"])
    }
}
