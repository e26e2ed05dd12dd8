import AllianceSearch
import ArgumentParser
import Foundation

/// `alliance-query`: searches the index and prints ranked hits with snippets. All the work is in `SearchEngine`.
@main
struct AllianceQuery: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    static let configuration = CommandConfiguration(
        commandName: "alliance-query",
        abstract: "Search the index: BM25 ranking, title and aliases first, with highlighted snippets.",
        discussion: """
            Words are ANDed; "quoted phrases" match as phrases. Punctuation is never an error: \
            anti-trafficking searches the phrase "anti trafficking".

            When the index is missing, it is built from corpus/ first. When the documents it was built from have \
            changed, it is updated first (unless --no-refresh). Both are said on stderr.

            \(ExitStatus.helpText)
            """)

    @Argument(help: "The query. Several arguments are joined with spaces.")
    var words: [String] = []

    @Option(help: "How many hits to print.")
    var limit = 10

    @Option(help: "Hits to skip first.")
    var offset = 0

    @Option(help: "Only documents of this type (organisation, publication, programme, page). Repeat or separate with commas.")
    var type: [String] = []

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Option(help: "The index file. Default: $ALLIANCE_INDEX, else index/alliance.sqlite.")
    var index: String?

    @Flag(help: "Search the index as it is, without checking whether its documents changed.")
    var noRefresh = false

    func validate() throws {
        guard (0...10_000).contains(limit) else { throw ValidationError("--limit must be between 0 and 10000") }
        guard offset >= 0 else { throw ValidationError("--offset must be 0 or more") }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let request = SearchRequest(
            query: words.joined(separator: " "), limit: limit, offset: offset,
            types: type.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
        let results: SearchResults
        do {
            try SearchEngine.validate(query: request.query)
            let index = try SearchIndex.openRefreshing(
                at: SearchIndex.resolvePath(option: index, environment: environment), refresh: !noRefresh,
                notice: { standardError("alliance-query: \($0)\n") })
            results = try SearchEngine(index: index).search(request)
        } catch {
            standardError("alliance-query: \(error.localizedDescription)\n")
            throw ExitCode(ExitStatus.forError(error).rawValue)
        }
        switch format {
        case .text:
            for warning in results.warnings { standardError("alliance-query: warning: \(warning)\n") }
            let style = HighlightStyle.detect(isTerminal: isatty(STDOUT_FILENO) == 1, environment: environment)
            print(TextRenderer(style: style).render(results), terminator: "")
        case .json:
            print(try JSONRenderer().render(results), terminator: "")
        }
        if results.total == 0 { throw ExitCode(ExitStatus.partial.rawValue) }
    }

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                standardError(fullMessage(for: error) + "\n")
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

private func standardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}
