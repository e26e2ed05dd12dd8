import AllianceSearch
import ArgumentParser
import Foundation

/// `alliance-query`: searches the index and prints ranked hits with snippets. All the work is in `SearchEngine`.
@main
struct AllianceQuery: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, jsonl, csv, tsv
    }

    static let configuration = CommandConfiguration(
        commandName: "alliance-query",
        abstract: "Search the index: BM25 ranking, title and aliases first, with highlighted fragments.",
        discussion: """
            Query language: words are ANDed; "exact phrase"; OR; -word and NOT word; prefix*; (parentheses); \
            NEAR(a b, N); field terms title: aliases: issues: body:; filter terms type: country: lang: issue: \
            year:2004 year:2000..2010. Nothing typed is an error: what is reinterpreted is reported as a warning \
            (--strict makes warnings errors).

            When the index is missing, it is built from corpus/ first. When the documents it was built from have \
            changed, it is updated first (unless --no-refresh). Both are said on stderr.

            \(ExitStatus.helpText)
              With --batch: 0 some query matched, 1 none did, 2 some line could not be run, 3 index error.
            """)

    @Argument(help: "The query. Several arguments are joined with spaces.")
    var words: [String] = []

    @Option(help: "How many hits to print.")
    var limit = 10

    @Option(help: "Hits to skip first.")
    var offset = 0

    @Option(help: "Only documents of this type (organisation, publication, programme, page). Repeat or separate with commas.")
    var type: [String] = []

    @Option(help: "Only documents about this country. Repeat or separate with commas.")
    var country: [String] = []

    @Option(help: "Only documents with this issue: the tag (corpus/issues.yaml), or its names in any language (concepts.yaml). Repeatable.")
    var issue: [String] = []

    @Option(help: "Only documents in this language (ISO 639-1 code, as in the front matter). Repeat or separate with commas.")
    var lang: [String] = []

    @Option(help: "Only documents from this year or later.")
    var yearFrom: Int?

    @Option(help: "Only documents from this year or earlier.")
    var yearTo: Int?

    @Option(help: "all: every word must match; any: any word may; auto: all, relaxed to any when it finds fewer than 3.")
    var match: MatchModeArgument = .auto

    @Flag(help: "Pass the query to FTS5 as FTS5 syntax (validated first).")
    var raw = false

    @Flag(help: "Refuse a query that needs reinterpreting, instead of warning (exit 2).")
    var strict = false

    @Option(help: "Count these fields over all matches: type,country,lang,issues,year.")
    var facets: String?

    @Option(help: "Fragments per hit, 1 to 10.")
    var fragments = 1

    @Flag(help: "Show how each hit's score was built, and which issue concepts were expanded.")
    var explain = false

    @Flag(help: "Do not expand issue concepts across languages (concepts.yaml).")
    var noExpand = false

    @Flag(help: "Do not re-rank a ranking of any of the words by the words of its best documents (pseudo-relevance feedback).")
    var noFeedback = false

    @Option(help: "Output format: text, json, jsonl, csv or tsv.")
    var format: Format = .text

    @Option(help: "Run one query per line of FILE (- for stdin): text, or JSON {\"id\",\"query\",…}. Writes JSONL.")
    var batch: String?

    @Option(help: "The index file. Default: $ALLIANCE_INDEX, else index/alliance.sqlite.")
    var index: String?

    @Flag(help: "Search the index as it is, without checking whether its documents changed.")
    var noRefresh = false

    func validate() throws {
        guard (0...10_000).contains(limit) else { throw ValidationError("--limit must be between 0 and 10000") }
        guard offset >= 0 else { throw ValidationError("--offset must be 0 or more") }
        guard (1...10).contains(fragments) else { throw ValidationError("--fragments must be between 1 and 10") }
        _ = try facetList()
        if batch != nil && !words.isEmpty { throw ValidationError("give either a query or --batch, not both") }
    }

    private func facetList() throws -> [Facet] {
        try (facets ?? "").split(separator: ",").map { name in
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let facet = Facet(rawValue: trimmed) else {
                throw ValidationError("unknown facet '\(trimmed)'; use type, country, lang, issues or year")
            }
            return facet
        }
    }

    private static func split(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let request = SearchRequest(
            query: words.joined(separator: " "), limit: limit, offset: offset,
            filters: QueryFilters(
                types: Self.split(type), countries: Self.split(country), languages: Self.split(lang), issues: issue,
                yearFrom: yearFrom, yearTo: yearTo),
            match: match.mode, raw: raw, strict: strict, facets: try facetList(), fragments: fragments,
            explain: explain, expand: !noExpand, feedback: !noFeedback)
        do {
            if batch == nil { try SearchEngine.validate(request) }
            let index = try SearchIndex.openRefreshing(
                at: SearchIndex.resolvePath(option: index, environment: environment), refresh: !noRefresh,
                notice: { standardError("alliance-query: \($0)\n") })
            let engine = SearchEngine(index: index)
            if let batch {
                try runBatch(batch, engine: engine, defaults: request)
                return
            }
            let results = try engine.search(request)
            if format != .json {
                for warning in results.warnings { standardError("alliance-query: warning: \(warning)\n") }
            }
            if format != .json && format != .text {
                // What the text output says in its header, formats without a header say on stderr.
                if results.relaxed { standardError("alliance-query: no document has all of the words; showing documents with some of them\n") }
                if let suggestion = results.suggestion { standardError("alliance-query: did you mean: \(suggestion)\n") }
            }
            let style = HighlightStyle.detect(isTerminal: isatty(STDOUT_FILENO) == 1, environment: environment)
            switch format {
            case .text: print(TextRenderer(style: style).render(results), terminator: "")
            case .json: print(try JSONRenderer().render(results), terminator: "")
            case .jsonl: print(try JSONRenderer().renderLines(results), terminator: "")
            case .csv: print(DelimitedRenderer(style: .csv).render(results), terminator: "")
            case .tsv: print(DelimitedRenderer(style: .tsv).render(results), terminator: "")
            }
            if results.total == 0 { throw ExitCode(ExitStatus.partial.rawValue) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            standardError("alliance-query: \(error.localizedDescription)\n")
            throw ExitCode(ExitStatus.forError(error).rawValue)
        }
    }

    private func runBatch(_ path: String, engine: SearchEngine, defaults: SearchRequest) throws {
        let input: FileHandle
        if path == "-" {
            input = FileHandle.standardInput
        } else {
            guard let file = FileHandle(forReadingAtPath: path) else {
                throw CorpusError(path: path, message: "cannot read the batch file")
            }
            input = file
        }
        let summary = try BatchSearch(engine: engine, defaults: defaults).run(input: input) { line in
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        if summary.failed > 0 { throw ExitCode(ExitStatus.usage.rawValue) }
        if summary.matched == 0 { throw ExitCode(ExitStatus.partial.rawValue) }
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

/// `--match all|any|auto`.
enum MatchModeArgument: String, ExpressibleByArgument, CaseIterable {
    case all, any, auto

    var mode: MatchMode { MatchMode(rawValue: rawValue)! }
}

/// Writes `text` to stderr with its control characters made visible (`TerminalText`): messages quote file paths,
/// document ids and queries, which may hold any character.
private func standardError(_ text: String) {
    FileHandle.standardError.write(Data(TerminalText.visible(text).utf8))
}
