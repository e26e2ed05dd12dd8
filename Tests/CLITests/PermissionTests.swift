import Foundation
import Testing

/// Files the ingest may not read, and indexes the tools may not write.
///
/// The tests run as root in CI, and root reads any file and writes any folder. So an unreadable file is tried as
/// `nobody` (through util-linux `setpriv`) when the tests run as root, and read-only media is a read-only bind
/// mount, which only root can make: that test is skipped where mounting is not allowed.
struct PermissionTests {
    private static let isRoot = geteuid() == 0

    /// Runs `command` and returns its status and combined output.
    @discardableResult
    private static func shell(_ command: String, in folder: URL? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        if let folder { process.currentDirectoryURL = folder }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The `id` column of `--format tsv` output.
    private static func ids(_ tsv: String) -> [String] {
        tsv.split(separator: "\n").dropFirst().map { String($0.split(separator: "\t")[1]) }
    }

    /// Whether this process may make a read-only bind mount (root with CAP_SYS_ADMIN, outside a locked-down
    /// container).
    private static let canMount: Bool = {
        guard isRoot, let folder = try? CLIRunner.cloneLikeFolder(withCorpus: false) else { return false }
        defer { try? FileManager.default.removeItem(at: folder) }
        let mounted = (try? shell("mkdir -p ro && mount --bind index ro && mount -o remount,bind,ro ro", in: folder))?.status == 0
        _ = try? shell("umount ro", in: folder)
        return mounted
    }()

    @Test func anUnreadableFileIsNamedAndTheRestIsIndexed() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let secret = folder.appendingPathComponent("corpus/secret.md")
        try Data("---\nid: secret\ntitle: Closed file\n---\nWords nobody may read here.\n".utf8).write(to: secret)
        let result: CLIRunner.Output
        if Self.isRoot {
            // As `nobody`, with a copy of the executable inside the folder `nobody` owns; the secret stays root's.
            let tool = folder.appendingPathComponent("alliance-ingest")
            try FileManager.default.copyItem(at: CLIRunner.productsFolder.appendingPathComponent("alliance-ingest"), to: tool)
            try Self.shell("chown -R nobody . && chown root corpus/secret.md && chmod 000 corpus/secret.md", in: folder)
            let run = try Self.shell(
                "setpriv --reuid=nobody --regid=nogroup --clear-groups ./alliance-ingest corpus 2>&1 1>/dev/null; echo \"status $?\"",
                in: folder)
            let lines = run.output.split(separator: "\n", omittingEmptySubsequences: false)
            let status = lines.last { $0.hasPrefix("status ") }.flatMap { Int32($0.dropFirst(7)) } ?? -1
            result = .init(status: status, stdout: "", stderr: run.output)
        } else {
            try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: secret.path)
            result = try CLIRunner.run("alliance-ingest", ["corpus"], in: folder)
        }
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("corpus/secret.md: cannot read: Permission denied; check its permissions"), "\(result.stderr)")
        let query = try CLIRunner.run("alliance-query", ["--no-refresh", "--format", "tsv", "domestic work"], in: folder)
        #expect(query.status == 0)
        #expect(Self.ids(query.stdout).contains("ndwm"))
        #expect(!Self.ids(query.stdout).contains("secret"))
        let check = try CLIRunner.run("alliance-ingest", ["--check"], in: folder)
        #expect(check.status == 0, "\(check.stderr)")
    }

    /// An index on read-only media: queries answer, `--check` runs what it can and says what it could not, and an
    /// ingest exits 3 with the reason.
    @Test(.enabled(if: PermissionTests.canMount, "needs root and permission to mount"))
    func anIndexOnReadOnlyMediaIsSearched() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).status == 0)
        try Self.shell("mkdir -p media && mount --bind index media && mount -o remount,bind,ro media", in: folder)
        defer { _ = try? Self.shell("umount media", in: folder) }
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("index").path).sorted()

        let index = ["--index", "media/alliance.sqlite"]
        let query = try CLIRunner.run("alliance-query", index + ["--format", "tsv", "police brutality"], in: folder)
        #expect(query.status == 0, "\(query.stderr)")
        #expect(Self.ids(query.stdout).first == "speak-out-take-action")
        let json = try CLIRunner.run("alliance-query", index + ["--format", "json", "--no-refresh", "trabajo doméstico"], in: folder)
        #expect(json.status == 0 && json.stdout.contains("\"schema\" : 1"), "\(json.stderr)")

        let check = try CLIRunner.run("alliance-ingest", ["--check"] + index, in: folder)
        #expect(check.status == 3)
        #expect(check.stderr.contains("FTS5 integrity-check could not run: it needs write access"), "\(check.stderr)")
        #expect(check.stderr.contains("could not be fully checked here; no damage was found in what was checked"))

        let ingest = try CLIRunner.run("alliance-ingest", ["corpus"] + index, in: folder)
        #expect(ingest.status == 3)
        #expect(ingest.stderr.contains("cannot use the index media/alliance.sqlite"), "\(ingest.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("index").path).sorted() == before)
    }

    /// An index in a folder another user owns, readable but not writable: SQLite cannot make its shared-memory file
    /// there, so the index is read as immutable, and searched; a stopped rebuild's file beside it, which this user
    /// cannot remove, is named.
    @Test(.enabled(if: PermissionTests.isRoot, "needs root to search as another user"))
    func anIndexInAFolderTheUserCannotWriteIsSearched() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).status == 0)
        try Data(repeating: 1, count: 2048).write(to: folder.appendingPathComponent("index/alliance.sqlite.rebuild-4242"))
        let tool = folder.appendingPathComponent("alliance-query")
        try FileManager.default.copyItem(at: CLIRunner.productsFolder.appendingPathComponent("alliance-query"), to: tool)
        try Self.shell("chmod 755 . index && chmod 644 index/*", in: folder)
        let run = try Self.shell(
            "setpriv --reuid=nobody --regid=nogroup --clear-groups ./alliance-query --format tsv 'police brutality'; echo \"status $?\"",
            in: folder)
        #expect(run.output.contains("status 0"), "\(run.output)")
        #expect(Self.ids(run.output.components(separatedBy: "status")[0].split(separator: "\n").filter { !$0.hasPrefix("alliance-query:") }.joined(separator: "\n")).first == "speak-out-take-action", "\(run.output)")
        #expect(run.output.contains("a rebuild that was stopped left index/alliance.sqlite.rebuild-4242 (2 KB), which cannot be removed from here; delete it"), "\(run.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("index").path).sorted() == ["alliance.sqlite", "alliance.sqlite.rebuild-4242"])
    }

    /// A purge on a full disk: when the delete itself cannot be written, it says nothing was changed, and the document
    /// is still there; when the delete was written but the rewrite could not be, it says the document is gone from
    /// search but its text may remain, and the index records the unfinished scrub, which `--check --repair`
    /// finishes once there is space.
    @Test(.enabled(if: PermissionTests.canMount, "needs root and permission to mount"))
    func aPurgeOnAFullDiskSaysWhatStateTheIndexIsIn() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).status == 0)
        try Self.shell("mkdir small && mount -t tmpfs -o size=600k tmpfs small", in: folder)
        defer { _ = try? Self.shell("umount small", in: folder) }
        let index = ["--index", "small/alliance.sqlite"]
        /// Copies the index onto the small disk and fills it up to `free` KB.
        func fill(leaving free: Int) throws {
            try Self.shell("rm -f small/* && cp index/alliance.sqlite small/ && dd if=/dev/zero of=small/filler bs=1k count=$(( $(df -k small | tail -1 | awk '{print $4}') - \(free) )) 2>/dev/null", in: folder)
        }
        func holds(_ id: String) throws -> Bool {
            try Self.shell("sqlite3 small/alliance.sqlite \"SELECT count(*) FROM documents WHERE id = '\(id)'\"", in: folder).output.hasPrefix("1")
        }

        try fill(leaving: 30)
        let refused = try CLIRunner.run("alliance-ingest", ["--purge", "ndwm"] + index, in: folder)
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("the disk is full while writing small/alliance.sqlite; nothing was changed"), "\(refused.stderr)")
        try Self.shell("rm small/filler", in: folder)
        #expect(try holds("ndwm"))

        try fill(leaving: 100)
        let half = try CLIRunner.run("alliance-ingest", ["--purge", "ndwm"] + index, in: folder)
        #expect(half.status == 3)
        #expect(half.stderr.contains("the documents were removed from small/alliance.sqlite and no search finds them, but their text may still be in the index file: the disk is full"), "\(half.stderr)")
        try Self.shell("rm small/filler", in: folder)
        #expect(try !holds("ndwm"))
        let check = try CLIRunner.run("alliance-ingest", ["--check"] + index, in: folder)
        #expect(check.status == 3 && check.stderr.contains("did not finish scrubbing"), "\(check.stderr)")
        let repair = try CLIRunner.run("alliance-ingest", ["--check", "--repair"] + index, in: folder)
        #expect(repair.status == 0, "\(repair.stderr)")
        #expect(repair.stdout.contains("finished the scrub recorded"), "\(repair.stdout)")
    }

    /// A user who may not write the index nor remove what a read leaves beside it (another user's index in a
    /// shared folder) reads it as immutable: no file of theirs is left in the owner's way, and the owner's next
    /// ingest works.
    @Test(.enabled(if: PermissionTests.isRoot, "needs root to act as two other users"))
    func anotherUsersSearchLeavesNothingInTheOwnersWay() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for tool in ["alliance-ingest", "alliance-query"] {
            try FileManager.default.copyItem(at: CLIRunner.productsFolder.appendingPathComponent(tool), to: folder.appendingPathComponent(tool))
        }
        try Self.shell("chmod -R a+rX . && mkdir shared && chmod 1777 shared", in: folder)
        let asDaemon = "setpriv --reuid=daemon --regid=daemon --clear-groups ./alliance-ingest corpus --index shared/idx.sqlite"
        #expect(try Self.shell(asDaemon, in: folder).status == 0)
        let search = try Self.shell(
            "setpriv --reuid=nobody --regid=nogroup --clear-groups ./alliance-query --no-refresh --index shared/idx.sqlite --format tsv 'police brutality'",
            in: folder)
        #expect(search.status == 0 && search.output.contains("speak-out-take-action"), "\(search.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("shared").path) == ["idx.sqlite"])
        try Data("---\nid: new\ntitle: New\n---\nA new document.\n".utf8).write(to: folder.appendingPathComponent("corpus/new.md"))
        try Self.shell("chmod a+r corpus/new.md", in: folder)
        let again = try Self.shell(asDaemon, in: folder)
        #expect(again.status == 0, "\(again.output)")
    }

    /// A search that stays open as a user who reads the index as immutable (a batch here, a server alike) sees
    /// the owner's purge: the file changed, so it is opened again, and the purged document is not served.
    @Test(.enabled(if: PermissionTests.isRoot, "needs root to search as another user"))
    func anImmutableReaderSeesAPurge() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).status == 0)
        let tool = folder.appendingPathComponent("alliance-query")
        try FileManager.default.copyItem(at: CLIRunner.productsFolder.appendingPathComponent("alliance-query"), to: tool)
        try Self.shell("chmod 755 . index && chmod 644 index/*", in: folder)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=nobody", "--regid=nogroup", "--clear-groups", tool.path, "--no-refresh", "--batch", "-"]
        process.currentDirectoryURL = folder
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate() }
        let reader = LineReader(output.fileHandleForReading)
        input.fileHandleForWriting.write(Data("police brutality\n".utf8))
        #expect(reader.next()?.contains("\"speak-out-take-action\"") == true)
        #expect(try CLIRunner.run("alliance-ingest", ["--purge", "speak-out-take-action"], in: folder).status == 0)
        input.fileHandleForWriting.write(Data("police brutality\n".utf8))
        let after = reader.next() ?? ""
        #expect(!after.contains("speak-out-take-action"), "\(after)")
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// Reads a pipe a line at a time.
    private final class LineReader {
        private let handle: FileHandle
        private var buffer = Data()

        init(_ handle: FileHandle) {
            self.handle = handle
        }

        func next() -> String? {
            while buffer.firstIndex(of: 0x0A) == nil {
                let chunk = handle.availableData
                if chunk.isEmpty { return nil }
                buffer.append(chunk)
            }
            let newline = buffer.firstIndex(of: 0x0A)!
            defer { buffer.removeSubrange(buffer.startIndex...newline) }
            return String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
        }
    }
}
