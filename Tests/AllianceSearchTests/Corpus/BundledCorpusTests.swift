import Foundation
import Testing
import Yams
@testable import AllianceSearch

/// The bundled corpus is data the tests and the README rely on: it must stay complete and consistent.
struct BundledCorpusTests {
    private func documents() throws -> [Document] {
        let scan = try CorpusScanner.scan(roots: [Fixtures.corpus])
        #expect(scan.errors.isEmpty)
        return try scan.files.flatMap { file in
            let reading = DocumentReader.read(
                try Data(contentsOf: URL(fileURLWithPath: file.path)), path: file.path, format: file.format,
                defaultID: "unused: every bundled document sets its id")
            #expect(reading.errors.isEmpty, "\(reading.errors)")
            return reading.documents
        }
    }

    @Test func holdsTheSourcePagesGroupsPublicationsAndProgrammes() throws {
        let byType = Dictionary(grouping: try documents(), by: \.type).mapValues(\.count)
        #expect(byType == ["organisation": 12, "publication": 4, "programme": 4])
    }

    @Test func idsAreUniqueAndMatchFileNames() throws {
        let documents = try documents()
        #expect(Set(documents.map(\.id)).count == documents.count)
        for document in documents {
            #expect(URL(fileURLWithPath: document.path).deletingPathExtension().lastPathComponent == document.id)
        }
    }

    @Test func everyIssueTagIsInTheControlledList() throws {
        let list = try String(contentsOfFile: Fixtures.corpus + "/issues.yaml", encoding: .utf8)
        let entries = try #require((try Yams.load(yaml: list) as? [String: Any])?["issues"] as? [[String: Any]])
        let tags = Set(entries.compactMap { $0["tag"] as? String })
        #expect(tags.contains("domestic work") && tags.contains("police brutality"))
        for document in try documents() {
            #expect(Set(document.issues).isSubset(of: tags), "\(document.id): \(document.issues)")
            #expect(!document.issues.isEmpty, "\(document.id) has no issue tags")
        }
    }

    @Test func ownLanguagePassagesAreInTheirScripts() throws {
        let byID = Dictionary(uniqueKeysWithValues: try documents().map { ($0.id, $0) })
        #expect(byID["sintrasedom"]?.body.contains("trabajadoras domésticas") == true)
        #expect(byID["shakti-samuha"]?.aliases.contains("शक्ति समूह") == true)
        #expect(byID["swnob"]?.body.contains("যৌনকর্মী") == true)
        #expect(byID["atki-hk"]?.aliases.contains("Asosiasi Tenaga Kerja Indonesia di Hong Kong") == true)
    }
}
