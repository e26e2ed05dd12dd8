import Foundation
import Testing
@testable import AllianceSearch

/// JSONL read in batches, a megabyte at a time: the same documents, lines and errors as reading the whole file.
struct DocumentStreamTests {
    private func stream(_ bytes: [UInt8], batchBytes: Int = 1 << 22) throws -> (batches: [DocumentStream.Batch], hash: String) {
        let folder = try Fixtures.temporaryFolder()
        let file = folder.appendingPathComponent("export.jsonl")
        try Data(bytes).write(to: file)
        var batches: [DocumentStream.Batch] = []
        let hash = try DocumentStream.read(
            path: file.path, display: "export.jsonl", format: .jsonLines, defaultID: "", batchBytes: batchBytes
        ) { batches.append($0) }
        return (batches, hash)
    }

    private func record(_ id: String, _ title: String = "Migrant domestic workers") -> String {
        #"{"id": "\#(id)", "title": "\#(title)", "body": "Organising across borders."}"#
    }

    @Test(arguments: [
        // (file, ids read, lines of the errors)
        ("BOM and CRLF", [0xEF, 0xBB, 0xBF] + Array("\(#"{"id": "a", "title": "A"}"#)\r\n\(#"{"id": "b", "title": "B"}"#)\r\n".utf8), ["a", "b"], [Int]()),
        ("a lone CR ends a line", Array("\(#"{"id": "a", "title": "A"}"#)\r\(#"{"id": "b", "title": "B"}"#)\n".utf8), ["a", "b"], []),
        ("blank lines count", Array("\n   \n\(#"{"id": "c", "title": "C"}"#)".utf8), ["c"], []),
        ("a truncated last line", Array("\(#"{"id": "a", "title": "A"}"#)\n{\"id\": \"b\", \"ti".utf8), ["a"], [2]),
        ("invalid UTF-8 costs its line only", Array("{\"id\": \"a\", \"title\": \"\u{0}".utf8) + [0xFF] + Array("\"}\n\(#"{"id": "b", "title": "B"}"#)\n".utf8), ["b"], [1]),
    ])
    func linesAndErrors(name: String, bytes: [UInt8], ids: [String], errorLines: [Int]) throws {
        let (batches, _) = try stream(bytes)
        #expect(batches.flatMap(\.documents).map(\.id) == ids, "\(name)")
        #expect(batches.flatMap(\.errors).map(\.line) == errorLines.map { Optional($0) }, "\(name)")
        #expect(batches.flatMap(\.errors).allSatisfy { $0.path == "export.jsonl" })
    }

    /// 30,000 records across many chunks and batches: nothing lost or doubled at a chunk's edge, lines right, and
    /// the hash is the hash of the whole file.
    @Test func largeExportsArriveInBatchesInOrder() throws {
        var text = ""
        for number in 1...30_000 {
            text += record("r\(number)", "Rights of migrant women, report \(number) — informe sobre trabajadoras") + "\n"
        }
        let (batches, hash) = try stream(Array(text.utf8), batchBytes: 64 << 10)
        #expect(batches.count > 20)
        let documents = batches.flatMap(\.documents)
        #expect(documents.count == 30_000)
        #expect(documents.map(\.id) == (1...30_000).map { "r\($0)" })
        #expect(documents.map(\.line) == Array(1...30_000))
        #expect(batches.allSatisfy { $0.errors.isEmpty })
        var hasher = ContentHasher()
        hasher.combine(text)
        #expect(hash == hasher.hexDigest)
        #expect(try DocumentStream.hash(path: try writeFile(text)) == hash)
    }

    /// The text is in NFC, as the whole-file reader gives it.
    @Test func textIsNormalised() throws {
        let decomposed = "Organizaci\u{006F}\u{0301}n de trabajadoras"
        let (batches, _) = try stream(Array(record("es-1", decomposed).utf8))
        #expect(batches.first?.documents.first?.title == "Organización de trabajadoras")
    }

    @Test func anUnreadablePathIsAReadFailure() throws {
        #expect(throws: DocumentStream.ReadFailure.self) {
            try DocumentStream.read(path: "/nonexistent/export.jsonl", display: "export.jsonl", format: .jsonLines, defaultID: "") { _ in }
        }
    }

    private func writeFile(_ text: String) throws -> String {
        let file = try Fixtures.temporaryFolder().appendingPathComponent("copy.jsonl")
        try Data(text.utf8).write(to: file)
        return file.path
    }
}
