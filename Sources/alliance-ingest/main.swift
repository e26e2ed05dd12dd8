import AllianceSearch
import ArgumentParser
import Foundation

/// `alliance-ingest`: reads folders and files of documents into the index. All the work is `Ingester.run`.
@main
struct AllianceIngest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alliance-ingest",
        abstract: "Build or update the full-text index from Markdown, text and JSONL documents.",
        discussion: """
            Without PATH, the folders the index was built from are read again, or corpus/ for a new index. \
            Unchanged files are skipped, changed ones replaced, deleted ones removed, all in one transaction: \
            a failed or interrupted run leaves the previous index as it was.

            \(ExitStatus.helpText)
            """)

    @Argument(help: "Folders and files to ingest (.md, .txt, .jsonl, .pdf, .html; a PDF or page may have a .yaml sidecar).")
    var paths: [String] = []

    @Option(help: "The index file. Default: $ALLIANCE_INDEX, else index/alliance.sqlite.")
    var index: String?

    @Flag(help: "Start over: build a new index from PATH alone, then replace the old one.")
    var rebuild = false

    @Option(name: .customLong("purge"), help: ArgumentHelp(
        "Remove the document with this id so that none of its text is left in the index file (repeatable).",
        valueName: "ID"))
    var purge: [String] = []

    @Flag(help: "Removed and changed documents leave no text behind in the index file (slower).")
    var secure = false

    @Flag(help: "Run SQLite's and FTS5's integrity checks on the index and report; exit 3 on any problem.")
    var check = false

    @Flag(help: "With --check: first finish what an interrupted run left undone (a purge's scrub, a stopped rebuild's file).")
    var repair = false

    @Flag(help: "Follow links inside the folders to files outside them (by default such links are skipped with a warning). Recorded in the index for later runs.")
    var followLinks = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if repair && !check { throw ValidationError("--repair goes with --check") }
        if check && (!purge.isEmpty || !paths.isEmpty || rebuild) {
            throw ValidationError("--check runs alone: without PATH, --rebuild or --purge")
        }
        if !purge.isEmpty && (!paths.isEmpty || rebuild) {
            throw ValidationError("--purge runs alone: without PATH or --rebuild")
        }
        if let empty = purge.first(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ValidationError("--purge needs a document id, not \"\(empty)\"")
        }
    }

    func run() throws {
        let indexPath = SearchIndex.resolvePath(option: index)
        if check { return try runCheck(indexPath) }
        if !purge.isEmpty { return try runPurge(indexPath) }
        let showProgress = !quiet && isatty(STDERR_FILENO) == 1
        let start = Date()
        var shown = false
        let report: IngestReport
        do {
            let options = Ingester.Options(
                roots: paths, indexPath: indexPath, rebuild: rebuild, secure: secure, followLinks: followLinks)
            report = try Ingester.run(options, notice: { standardError("alliance-ingest: \($0)\n") }, progress: { progress in
                guard showProgress, Date().timeIntervalSince(start) > ProgressLine.delay else { return }
                shown = true
                standardError(ProgressLine.render(progress))
            })
        } catch {
            if shown { standardError(ProgressLine.clear) }
            standardError("alliance-ingest: \(error.localizedDescription)\n")
            throw ExitCode(ExitStatus.forError(error).rawValue)
        }
        if shown { standardError(ProgressLine.clear) }
        for error in report.errors { standardError("\(error)\n") }
        for warning in report.warnings { standardError("\(warning.prefixed("warning"))\n") }
        if !quiet {
            if let reason = report.rebuildReason { print("built \(indexPath) (\(reason))") }
            if let since = report.finishedScrubFrom {
                print("finished the scrub an interrupted purge left (recorded \(since)): no text of removed documents is left in \(indexPath)")
            }
            print(report.summary)
        }
        if let failure = report.scrubFailure {
            standardError("alliance-ingest: \(failure.localizedDescription)\n")
            // Asked for with --secure, the rewrite is part of the job; owed by an earlier purge, it is reported.
            if secure { throw ExitCode(ExitStatus.index.rawValue) }
        }
        if report.failed > 0 { throw ExitCode(ExitStatus.partial.rawValue) }
    }

    /// `--check`: the report on stdout, each problem on stderr.
    private func runCheck(_ indexPath: String) throws {
        let report: IndexCheck.Report
        do {
            report = try IndexCheck.run(indexPath: indexPath, repair: repair, notice: { standardError("alliance-ingest: \($0)\n") })
        } catch {
            standardError("alliance-ingest: \(error.localizedDescription)\n")
            throw ExitCode(ExitStatus.forError(error).rawValue)
        }
        if !quiet { for done in report.repaired { print("\(indexPath): \(done)") } }
        for problem in report.notes + report.problems + report.unfinished + report.unchecked {
            standardError("\(indexPath): \(problem)\n")
        }
        if !report.problems.isEmpty {
            standardError("alliance-ingest: \(indexPath) failed its checks; rebuild it with `alliance-ingest --rebuild --index \(indexPath)`\n")
            throw ExitCode(ExitStatus.index.rawValue)
        }
        if !report.unfinished.isEmpty {
            standardError("alliance-ingest: \(indexPath) is whole, but an interrupted run left work undone; finish it with `alliance-ingest --check --repair --index \(indexPath)`\n")
            throw ExitCode(ExitStatus.index.rawValue)
        }
        if !report.unchecked.isEmpty {
            standardError("alliance-ingest: \(indexPath) could not be fully checked here; no damage was found in what was checked\n")
            throw ExitCode(ExitStatus.index.rawValue)
        }
        if !quiet {
            print("\(indexPath): sound (SQLite integrity_check and FTS5 integrity-check passed; \(report.documents) documents, \(String(format: "%.2f", report.seconds)) s)")
        }
    }

    /// `--purge`: what was removed on stdout; ids not found, and source files that still hold the text, on stderr.
    private func runPurge(_ indexPath: String) throws {
        let report: Purge.Report
        do {
            report = try Purge.run(ids: purge, indexPath: indexPath, notice: { standardError("alliance-ingest: \($0)\n") })
        } catch {
            standardError("alliance-ingest: \(error.localizedDescription)\n")
            throw ExitCode(ExitStatus.forError(error).rawValue)
        }
        for id in report.unknown { standardError("alliance-ingest: no document has the id \"\(id)\"\n") }
        for source in report.sources {
            standardError("\(source): still holds a purged document; remove it there too, or it comes back when the file changes or the index is rebuilt\n")
        }
        if !quiet {
            if let since = report.finishedScrubFrom {
                print("finished the scrub an interrupted purge left (recorded \(since))")
            }
            if report.purged.isEmpty && report.finishedScrubFrom == nil {
                print("purged 0 documents; the index was not changed")
            } else {
                print("purged \(report.purged.count) document(s); the index file was rewritten (\(report.bytesBefore) → \(report.bytesAfter) bytes)")
            }
        }
        if !report.unknown.isEmpty { throw ExitCode(ExitStatus.partial.rawValue) }
    }

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exitWithUsageStatus(error)
        }
    }
}

/// Writes `text` to stderr with its control characters made visible (`TerminalText`): messages quote file paths,
/// document ids and queries, which may hold any character.
private func standardError(_ text: String) {
    FileHandle.standardError.write(Data(TerminalText.visible(text).utf8))
}

/// Writes control text this program made itself (the progress line) to stderr as it is.
private func standardError(_ control: TerminalControl) {
    FileHandle.standardError.write(Data(control.text.utf8))
}

/// Exits as ArgumentParser would, but with status 2 for usage errors, as the README promises.
private func exitWithUsageStatus(_ error: any Error) -> Never {
    if AllianceIngest.exitCode(for: error) == .validationFailure {
        standardError(AllianceIngest.fullMessage(for: error) + "\n")
        exit(ExitStatus.usage.rawValue)
    }
    AllianceIngest.exit(withError: error)
}
