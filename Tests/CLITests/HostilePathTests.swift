import Foundation
import Testing

/// Paths that are not what their names suggest: a corpus folder reached through a link, an index path that is a
/// pipe or a device, and links planted in a corpus that lead out of it. The tools never trust what a path is.
struct HostilePathTests {
    private static let isRoot = geteuid() == 0

    /// The number of documents in an ingest's summary line.
    private static func documents(_ output: String) -> Int? {
        guard let range = output.range(of: #"\((\d+) documents\)"#, options: .regularExpression) else { return nil }
        return Int(output[range].dropFirst().prefix { $0.isNumber })
    }

    /// `real/` holds the corpus, `c` is a link to it: the link is recorded as a root, so a rebuild reads it again
    /// instead of emptying the index, and a query sees a file added through it.
    @Test func aCorpusFolderReachedThroughALinkIsRecordedAndReadAgain() throws {
        let folder = try CLIRunner.cloneLikeFolder(withCorpus: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(
            at: CLIRunner.packageRoot.appendingPathComponent("corpus"), to: folder.appendingPathComponent("real"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("c").path, withDestinationPath: "real")
        let index = ["--index", "a.sqlite"]

        let first = try CLIRunner.run("alliance-ingest", ["c"] + index, in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(Self.documents(first.stdout) == 20, "\(first.stdout)")
        let rebuilt = try CLIRunner.run("alliance-ingest", ["--rebuild"] + index, in: folder)
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(Self.documents(rebuilt.stdout) == 20, "\(rebuilt.stdout)")

        try Data("Zebrafish cooperative\nA new group of returnee migrant women.\n".utf8)
            .write(to: folder.appendingPathComponent("real/organisations/zebrafish.txt"))
        let query = try CLIRunner.run("alliance-query", index + ["--format", "tsv", "zebrafish"], in: folder)
        #expect(query.status == 0, "\(query.stderr)")
        #expect(query.stderr.contains("the corpus changed since a.sqlite was built (1 new"), "\(query.stderr)")
        #expect(query.stdout.contains("c/organisations/zebrafish"), "\(query.stdout)")
    }

    /// A rebuild of an index that records nothing to read again is refused, not run into an empty index.
    @Test func aRebuildWithNothingToReadIsRefusedAndTheIndexKept() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).status == 0)
        let sqlite3 = Process()
        sqlite3.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite3.arguments = [folder.appendingPathComponent("index/alliance.sqlite").path, #"UPDATE "index_settings" SET "value" = '[]' WHERE "key" = 'roots'"#]
        try sqlite3.run()
        sqlite3.waitUntilExit()
        let rebuild = try CLIRunner.run("alliance-ingest", ["--rebuild"], in: folder)
        #expect(rebuild.status == 2, "\(rebuild.stdout)")
        #expect(rebuild.stderr.contains("records no folder or file to read again, so rebuilding it would empty it"), "\(rebuild.stderr)")
        #expect(try CLIRunner.run("alliance-query", ["--no-refresh", "police brutality"], in: folder).status == 0)
    }

    enum Special: String, CaseIterable {
        case pipe, characterDevice, linkToDevNull
    }

    /// Every tool, given a pipe or a device as `--index`, exits 3 naming what the path is, and leaves it as it was.
    @Test(arguments: Special.allCases)
    func anIndexPathThatIsAPipeOrADeviceIsNeverReplaced(kind: Special) throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("index/special.sqlite").path
        let noun: String
        switch kind {
        case .pipe:
            #expect(mkfifo(path, 0o644) == 0)
            noun = "it is a named pipe (FIFO), not a regular file"
        case .characterDevice:
            // A device of its own (the null device's numbers) in the test's folder, never the system's.
            guard Self.isRoot else { return }
            // Major 1, minor 3, encoded as glibc's makedev does for small numbers.
            #expect(mknod(path, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0)
            noun = "it is a character device, not a regular file"
        case .linkToDevNull:
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/null")
            noun = "it is a character device, not a regular file"
        }
        var before = stat()
        #expect(lstat(path, &before) == 0)
        let runs = [
            ["alliance-query", "--no-refresh", "police"], ["alliance-query", "police"], ["alliance-ingest", "corpus"],
            ["alliance-ingest", "--rebuild", "corpus"], ["alliance-ingest", "--purge", "ndwm"], ["alliance-ingest", "--check"],
        ]
        for arguments in runs {
            let result = try CLIRunner.run(arguments[0], Array(arguments.dropFirst()) + ["--index", path], in: folder)
            #expect(result.status == 3, "\(kind) \(arguments): \(result.stderr)")
            #expect(result.stderr.contains(noun), "\(kind) \(arguments): \(result.stderr)")
            var after = stat()
            #expect(lstat(path, &after) == 0 && after.st_ino == before.st_ino && after.st_mode == before.st_mode, "\(kind) \(arguments)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("index").path)
        #expect(left == ["special.sqlite"], "\(left)")
    }

    /// A link planted in the corpus that leads out of it is skipped with a warning; `--follow-links` follows it,
    /// and the choice is recorded, so that the next ingest and a query's update list the same files.
    @Test func linksThatLeadOutOfTheCorpusAreFollowedOnlyWhenAsked() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outside = folder.appendingPathComponent("elsewhere/secrets.txt")
        try FileManager.default.createDirectory(at: outside.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("Private notes\nThe quokkabanana account holds the payroll.\n".utf8).write(to: outside)
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("corpus/notes.txt").path, withDestinationPath: outside.path)
        // A link inside the corpus to a file inside it is followed as before.
        try Data("Shelter list\nAddresses of the shelters.\n".utf8).write(to: folder.appendingPathComponent("corpus/programmes/shelters.txt"))
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("corpus/shelters-again.txt").path,
            withDestinationPath: folder.appendingPathComponent("corpus/programmes/shelters.txt").path)

        let ingest = try CLIRunner.run("alliance-ingest", ["corpus"], in: folder)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.stderr.contains("corpus/notes.txt: warning: a link to \(outside.path), outside the folders being ingested; skipped (ingest with --follow-links to follow such links)"), "\(ingest.stderr)")
        #expect(!ingest.stderr.contains("shelters-again"), "\(ingest.stderr)")
        #expect(try CLIRunner.run("alliance-query", ["--format", "tsv", "shelters"], in: folder).stdout.contains("corpus/shelters-again"))
        #expect(try CLIRunner.run("alliance-query", ["quokkabanana"], in: folder).status == 1)

        let following = try CLIRunner.run("alliance-ingest", ["--follow-links", "corpus"], in: folder)
        #expect(following.status == 0, "\(following.stderr)")
        #expect(following.stdout.contains("added 1"), "\(following.stdout)")
        #expect(try CLIRunner.run("alliance-query", ["quokkabanana"], in: folder).status == 0)
        // Recorded: a plain ingest and a query's update keep following it.
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).stdout.contains("removed 0"))
        try Data("Private notes\nThe quokkabanana account moved.\n".utf8).write(to: outside)
        let query = try CLIRunner.run("alliance-query", ["--format", "tsv", "quokkabanana"], in: folder)
        #expect(query.status == 0 && query.stdout.contains("corpus/notes"), "\(query.stderr)")
        // A rebuild without the option drops it again, with the warning.
        let rebuild = try CLIRunner.run("alliance-ingest", ["--rebuild", "corpus"], in: folder)
        #expect(rebuild.stderr.contains("outside the folders being ingested"), "\(rebuild.stderr)")
        #expect(try CLIRunner.run("alliance-query", ["--no-refresh", "quokkabanana"], in: folder).status == 1)
    }

    /// A sidecar is a file read like a document: one that is a link out of the corpus is not read, with a warning.
    @Test func aSidecarThatLeadsOutOfTheCorpusIsNotRead() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outside = folder.appendingPathComponent("outside/private.yaml")
        try FileManager.default.createDirectory(at: outside.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("title: Qzsidecarsecret payroll\n".utf8).write(to: outside)
        try Data("<html><head><title>Open page</title></head><body><p>Shelter addresses.</p></body></html>".utf8)
            .write(to: folder.appendingPathComponent("corpus/page.html"))
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("corpus/page.yaml").path, withDestinationPath: outside.path)
        let ingest = try CLIRunner.run("alliance-ingest", ["corpus"], in: folder)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.stderr.contains("corpus/page.yaml: warning: a link to \(outside.path), outside the folders being ingested; this sidecar is not read"), "\(ingest.stderr)")
        #expect(try CLIRunner.run("alliance-query", ["--no-refresh", "qzsidecarsecret"], in: folder).status == 1)
        #expect(try CLIRunner.run("alliance-query", ["--no-refresh", "--format", "tsv", "shelter addresses"], in: folder).stdout.contains("Open page"))
    }

    /// A rebuild keeps the permissions of the file it replaces, and its owner: a private index stays private.
    @Test func aRebuildKeepsTheIndexsPermissionsAndOwner() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = folder.appendingPathComponent("index/alliance.sqlite").path
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).status == 0)
        #expect(chmod(index, 0o600) == 0)
        let owner: uid_t = Self.isRoot ? 65534 : getuid()
        if Self.isRoot { #expect(chown(index, owner, gid_t(65534)) == 0) }
        #expect(try CLIRunner.run("alliance-ingest", ["--rebuild"], in: folder).status == 0)
        var status = stat()
        #expect(stat(index, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        #expect(status.st_uid == owner)
    }
}
