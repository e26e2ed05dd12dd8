import Foundation

/// Runs many queries over one open index, for pipelines: `alliance-query --batch FILE` (or `-` for stdin).
///
/// Each input line is a query as typed, or a JSON object `{"id", "query", …}` with any of `type`, `country`,
/// `lang`, `issue` (a string or a list), `year_from`, `year_to`, `limit`, `offset`, `match`, `raw`, `strict`,
/// `facets`, `fragments`, `explain`. A plain line's id is its line number. Blank lines are skipped.
///
/// Each query writes one line: the same JSON document `--format json` writes for it, compact, with `id` added; a
/// query that cannot be run writes `{"schema", "id", "query", "error": {"status", "message"}}` instead, and the
/// batch goes on. Only an index error stops it.
public struct BatchSearch {
    public let engine: SearchEngine
    /// The options given on the command line, which a JSON line's fields override.
    public let defaults: SearchRequest

    public init(engine: SearchEngine, defaults: SearchRequest) {
        self.engine = engine
        self.defaults = defaults
    }

    /// What a whole batch did, for the exit status.
    public struct Summary: Sendable, Equatable {
        public var queries = 0
        public var matched = 0
        public var failed = 0
    }

    /// Reads queries from `input` line by line and hands each output line to `write`.
    ///
    /// - Throws: `IndexError` when the index cannot be read; lines already answered stay written.
    public func run(input: FileHandle, write: (String) -> Void) throws -> Summary {
        var summary = Summary()
        var number = 0
        var buffer = Data()
        func flush(_ lineData: Data) throws {
            number += 1
            let line = String(decoding: lineData, as: UTF8.self)
            guard !Self.trimmed(line).text.isEmpty else { return }
            summary.queries += 1
            let (output, total, failed) = try answer(line, number: number)
            if failed { summary.failed += 1 } else if total > 0 { summary.matched += 1 }
            write(output)
        }
        while true {
            let chunk = input.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 0x0A) {
                try flush(buffer[buffer.startIndex..<newline])
                buffer.removeSubrange(buffer.startIndex...newline)
            }
        }
        if !buffer.isEmpty { try flush(buffer) }
        return summary
    }

    /// A line without the white space around it (and a byte-order mark), and how many characters went from its start.
    static func trimmed(_ line: String) -> (text: String, leading: Int) {
        let scalars = line.unicodeScalars.drop { $0 == "\u{FEFF}" }
        let text = String(String.UnicodeScalarView(scalars)).trimmingCharacters(in: .whitespacesAndNewlines)
        let leading = scalars.prefix { CharacterSet.whitespacesAndNewlines.contains($0) }.count
        return (text, leading)
    }

    /// The output line for one input line, the total it found, and whether it failed.
    ///
    /// A JSON line is read by `JSONParser`, the rules JSONL records follow: a repeated key, a trailing comma or a
    /// lone surrogate is an error that says what and at which column of the line.
    public func answer(_ rawLine: String, number: Int) throws -> (String, Int, Bool) {
        let (line, leading) = Self.trimmed(rawLine)
        var id = String(number)
        var query = line
        do {
            var request = defaults
            request.query = line
            // A line is JSON when it opens an object with a key; `{title}: sex` is a query.
            if line.hasPrefix("{\"") || line == "{}" {
                let value: JSONValue
                do {
                    value = try JSONParser.parse(line)
                } catch var failure as JSONParser.Failure {
                    failure.column += leading
                    throw QueryError.invalidBatchLine(line: number, message: failure.description)
                }
                guard case .object(let fields) = value else {
                    throw QueryError.invalidBatchLine(line: number, message: "not a JSON object but \(value.kind)")
                }
                id = fields["id"]?.text ?? id
                request = try Self.request(from: fields, defaults: defaults, line: number)
                query = request.query
            }
            let results = try engine.search(request)
            let encoded = try ResultDocument.encoder(pretty: false).encode(ResultDocument(results, id: id))
            return (String(decoding: encoded, as: UTF8.self) + "\n", results.total, false)
        } catch let error as IndexError {
            throw error
        } catch {
            struct Failure: Encodable {
                var schema = JSONRenderer.schemaVersion
                var id: String
                var query: String
                var error: Detail
                struct Detail: Encodable {
                    var status: Int32
                    var message: String
                }
            }
            let failure = Failure(
                id: id, query: query,
                error: .init(status: ExitStatus.forError(error).rawValue, message: error.localizedDescription))
            return (String(decoding: try ResultDocument.encoder(pretty: false).encode(failure), as: UTF8.self) + "\n", 0, true)
        }
    }

    /// A request from a JSON line's fields, on top of the command line's options.
    static func request(from fields: [String: JSONValue], defaults: SearchRequest, line: Int) throws -> SearchRequest {
        var request = defaults
        guard case .string(let query)? = fields["query"] else {
            throw QueryError.invalidBatchLine(line: line, message: "\"query\" must be a string")
        }
        request.query = query
        func list(_ key: String) -> [String] { fields[key]?.textList ?? [] }
        func integer(_ key: String) throws -> Int? {
            guard let value = fields[key], value != .null else { return nil }
            guard case .int(let number) = value else {
                throw QueryError.invalidBatchLine(line: line, message: "\"\(key)\" must be a whole number")
            }
            return number
        }
        request.filters = request.filters.merged(with: QueryFilters(
            types: list("type"), countries: list("country"), languages: list("lang"), issues: list("issue"),
            yearFrom: try integer("year_from"), yearTo: try integer("year_to")))
        func bounded(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let value = try integer(key) else { return nil }
            guard range.contains(value) else {
                throw QueryError.invalidBatchLine(line: line, message: "\"\(key)\" must be between \(range.lowerBound) and \(range.upperBound)")
            }
            return value
        }
        if let limit = try bounded("limit", 0...10_000) { request.limit = limit }
        if let offset = try bounded("offset", 0...Int.max) { request.offset = offset }
        if let fragments = try bounded("fragments", 1...10) { request.fragments = fragments }
        if let match = fields["match"]?.text {
            guard let mode = MatchMode(rawValue: match) else {
                throw QueryError.invalidBatchLine(line: line, message: "\"match\" must be all, any or auto")
            }
            request.match = mode
        }
        if case .bool(let raw)? = fields["raw"] { request.raw = raw }
        if case .bool(let strict)? = fields["strict"] { request.strict = strict }
        if case .bool(let explain)? = fields["explain"] { request.explain = explain }
        if fields["facets"] != nil {
            let names = list("facets").flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            request.facets = try names.map { name in
                guard let facet = Facet(rawValue: name) else {
                    throw QueryError.invalidBatchLine(line: line, message: "unknown facet \"\(name)\"")
                }
                return facet
            }
        }
        return request
    }
}
