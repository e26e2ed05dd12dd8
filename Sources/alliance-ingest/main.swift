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

    @Argument(help: "Folders and files to ingest (.md, .txt, .jsonl).")
    var paths: [String] = []

    @Option(help: "The index file. Default: $ALLIANCE_INDEX, else index/alliance.sqlite.")
    var index: String?

    @Flag(help: "Start over: build a new index from PATH alone, then replace the old one.")
    var rebuild = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func run() throws {
        let indexPath = SearchIndex.resolvePath(option: index)
        let showProgress = !quiet && isatty(STDERR_FILENO) == 1
        let start = Date()
        var shown = false
        let report: IngestReport
        do {
            report = try Ingester.run(.init(roots: paths, indexPath: indexPath, rebuild: rebuild)) { progress in
                guard showProgress, Date().timeIntervalSince(start) > ProgressLine.delay else { return }
                shown = true
                standardError(ProgressLine.render(progress))
            }
        } catch {
            if shown { standardError(ProgressLine.clear) }
            standardError("alliance-ingest: \(error.localizedDescription)\n")
            throw ExitCode(ExitStatus.forError(error).rawValue)
        }
        if shown { standardError(ProgressLine.clear) }
        for error in report.errors { standardError("\(error)\n") }
        if !quiet {
            if let reason = report.rebuildReason { print("built \(indexPath) (\(reason))") }
            print(report.summary)
        }
        if report.failed > 0 { throw ExitCode(ExitStatus.partial.rawValue) }
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

private func standardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// Exits as ArgumentParser would, but with status 2 for usage errors, as the README promises.
private func exitWithUsageStatus(_ error: any Error) -> Never {
    if AllianceIngest.exitCode(for: error) == .validationFailure {
        standardError(AllianceIngest.fullMessage(for: error) + "\n")
        exit(ExitStatus.usage.rawValue)
    }
    AllianceIngest.exit(withError: error)
}
