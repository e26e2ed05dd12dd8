import Foundation
import Testing
@testable import AllianceSearch

struct BatchSearchTests {
    /// A thousand queries made from the corpus's own words, with filters and odd lines among them.
    private func queries() -> [String] {
        let words = ["domestic", "work", "police", "brutality", "sex", "migrant", "women", "survivors", "trafficking",
                     "rights", "union", "overcharging", "justice", "accountability", "महिला", "trabajadoras", "zzz"]
        var generator = SplitMix64(seed: 42)
        return (0..<1_000).map { number in
            let count = 1 + Int(generator.next() % 3)
            let text = (0..<count).map { _ in words[Int(generator.next() % UInt64(words.count))] }.joined(separator: " ")
            switch number % 5 {
            case 0: return #"{"id": "q\#(number)", "query": "\#(text)", "type": "organisation", "limit": 3}"#
            case 1: return #"{"id": \#(number), "query": "\#(text)", "match": "any", "facets": ["type"]}"#
            default: return text
            }
        }
    }

    @Test func aThousandQueriesGiveWhatEachQueryGivesAlone() throws {
        let lines = queries()
        let file = try Fixtures.temporaryFolder().appendingPathComponent("batch.txt")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try (lines.joined(separator: "\n") + "\n\n{\"id\": \"bad\", \"query\": 1}\n...\n").write(to: file, atomically: true, encoding: .utf8)

        let defaults = SearchRequest(query: "", limit: 5)
        let batch = BatchSearch(engine: SearchEngine(index: Fixtures.corpusIndex), defaults: defaults)
        var output: [String] = []
        let summary = try batch.run(input: try FileHandle(forReadingFrom: file)) { output.append($0) }
        #expect(summary.queries == 1_002)
        #expect(summary.failed == 2)
        #expect(output.count == 1_002)

        for (number, line) in lines.enumerated() {
            // The same request, run alone.
            var request = defaults
            request.query = line
            var id = String(number + 1)
            if line.hasPrefix("{") {
                let fields = try JSONDecoder().decode([String: JSONValue].self, from: Data(line.utf8))
                request = try BatchSearch.request(from: fields, defaults: defaults, line: number + 1)
                id = fields["id"]!.text!
            }
            let alone = try SearchEngine(index: Fixtures.corpusIndex).search(request)
            let expected = String(decoding: try ResultDocument.encoder(pretty: false).encode(ResultDocument(alone, id: id)), as: UTF8.self) + "\n"
            #expect(Self.withoutTime(output[number]) == Self.withoutTime(expected), "line \(number + 1): \(line)")
        }
        #expect(output[1_000].contains(#""error":{"message":"batch line 1002: \"query\" must be a string","status":2}"#))
        #expect(output[1_001].contains(#""id":"1003""#))
    }

    @Test(arguments: [
        ("\u{FEFF}{\"id\": \"a\", \"query\": \"police\"}", "\"id\":\"a\"", "\"total\":1"),
        ("{title}: union", "\"id\":\"1\"", "\"parsed\":\"{title}: AND union\""),
        ("{\"id\": \"n\", \"query\": \"x\", \"limit\": -5}", "\"id\":\"n\"", "limit\\\" must be between 0 and 10000"),
        ("{\"id\": \"f\", \"query\": \"women\", \"facets\": \"type,country\"}", "\"id\":\"f\"", "\"country\":["),
        // Batch lines follow the rules JSONL records follow (`JSONParser`): each fault named, with its column.
        (#"{"id": "d", "query": "x", "query": "y"}"#, #""id":"1""#, #"batch line 1: invalid JSON at column 27: the key \"query\" appears twice in one object"#),
        (#"  {"query": "x",}"#, #""id":"1""#, "invalid JSON at column 16: a trailing comma before }"),
        (#"{"query": "\ud800"}"#, #""id":"1""#, #"invalid JSON at column 12: the escape \\uD800 is half of a surrogate pair"#),
        (#"{"query": "x", "f": "# + String(repeating: "[", count: 600), #""id":"1""#, "invalid JSON at column 532: nested deeper than 512 arrays and objects"),
    ])
    func oddBatchLines(line: String, id: String, contains: String) throws {
        let batch = BatchSearch(engine: SearchEngine(index: Fixtures.corpusIndex), defaults: SearchRequest(query: ""))
        let (output, _, _) = try batch.answer(line.hasPrefix("\u{FEFF}") ? String(line.dropFirst()) : line, number: 1)
        #expect(output.contains(id), "\(output)")
        #expect(output.contains(contains), "\(output)")
    }

    static func withoutTime(_ line: String) -> String {
        line.replacingOccurrences(of: #""took_ms":[0-9.e+-]+"#, with: "", options: .regularExpression)
    }
}
