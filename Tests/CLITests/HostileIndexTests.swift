import Foundation
import Testing

/// `--index` pointing at something that is not a sound index of this version: every tool exits 3, says what is
/// wrong and what to do, and leaves the file as it was.
struct HostileIndexTests {
    enum Case: String, CaseIterable {
        case truncated, notSQLite, newerSchema, folder
    }

    /// Makes the hostile index in `folder` and returns its path, relative to `folder`.
    private func make(_ kind: Case, in folder: URL) throws -> String {
        let good = "index/alliance.sqlite"
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).status == 0)
        let target = "index/hostile.sqlite"
        let url = folder.appendingPathComponent(target)
        switch kind {
        case .truncated:
            try Data(contentsOf: folder.appendingPathComponent(good)).prefix(20_000).write(to: url)
        case .notSQLite:
            try Data("Minutes of the March meeting\n".utf8).write(to: url)
        case .newerSchema:
            try FileManager.default.copyItem(at: folder.appendingPathComponent(good), to: url)
            let sqlite3 = Process()
            sqlite3.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            sqlite3.arguments = [url.path, #"UPDATE "index_settings" SET "value" = '99' WHERE "key" = 'schema_version'"#]
            try sqlite3.run()
            sqlite3.waitUntilExit()
        case .folder:
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        return target
    }

    @Test(arguments: Case.allCases)
    func everyToolExitsThreeAndSaysWhatToDo(kind: Case) throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try make(kind, in: folder)
        let url = folder.appendingPathComponent(path)
        let before = kind == .folder ? nil : try Data(contentsOf: url)
        let advice: String = switch kind {
        case .truncated: "is damaged (its pages are damaged); rebuild it with `alliance-ingest --rebuild --index \(path)`"
        case .notSQLite: "is not an Alliance Search index; point --index at another file (or delete this one, if it is a damaged index)"
        case .newerSchema: "has schema version 99, newer than this build supports"
        case .folder: "it is a folder; name a file in it, such as \(path)/alliance.sqlite"
        }
        for arguments in [["alliance-query", "police"], ["alliance-query", "--no-refresh", "police"], ["alliance-ingest", "corpus"], ["alliance-ingest", "--purge", "x"]] {
            let result = try CLIRunner.run(arguments[0], Array(arguments.dropFirst()) + ["--index", path], in: folder)
            #expect(result.status == 3, "\(kind) \(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("\(arguments[0]): "), "\(kind) \(arguments)")
            #expect(result.stderr.contains(advice), "\(kind) \(arguments): \(result.stderr)")
        }
        let check = try CLIRunner.run("alliance-ingest", ["--check", "--index", path], in: folder)
        #expect(check.status == 3, "\(kind): \(check.stderr)")
        // Nothing was left beside it either: no log, shared-memory file or lock.
        let beside = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
            .filter { $0.hasPrefix("hostile.sqlite") && $0 != "hostile.sqlite" }
        #expect(beside.isEmpty, "\(kind): \(beside)")
        if let before { #expect(try Data(contentsOf: url) == before, "\(kind): the file was changed") }
    }
}
