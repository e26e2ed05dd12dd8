import Foundation
import Testing
@testable import AllianceSearch

/// Issue concepts across languages, from `concepts.yaml`, expanded at query time.
struct ConceptMapTests {
    private let documents = [
        "id.md": "---\nid: id\ntitle: Serikat\n---\nKami adalah pekerja rumah tangga di Hong Kong.",
        "es.md": "---\nid: es\ntitle: Sindicato\n---\nLas trabajadoras del hogar se organizan.",
        "ne.md": "---\nid: ne\ntitle: संस्था\n---\nघरेलु कामदार महिलाहरूको अधिकार।",
        "bn.md": "---\nid: bn\ntitle: সংগঠন\n---\nগৃহকর্মী নারীদের অধিকার।",
        "police.md": "---\nid: police\ntitle: Informe\n---\nDenuncias de violencia policial contra trabajadoras sexuales.",
        "other.md": "---\nid: other\ntitle: Union\n---\nMigrant workers organise.",
    ]

    private func engine(in folder: URL) throws -> SearchEngine {
        let indexPath = folder.appendingPathComponent("index/i.sqlite").path
        _ = try Ingester.run(.init(roots: [folder.appendingPathComponent("corpus").path], indexPath: indexPath))
        return SearchEngine(index: try SearchIndex.openForReading(at: indexPath))
    }

    @Test func aConceptFindsItsNamesInEveryLanguageAndCanBeTurnedOff() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Fixtures.write(documents, under: folder.appendingPathComponent("corpus"))
        try FileManager.default.copyItem(
            atPath: Fixtures.corpus + "/concepts.yaml", toPath: folder.appendingPathComponent("corpus/concepts.yaml").path)
        let engine = try engine(in: folder)

        let expanded = try engine.search(SearchRequest(query: "domestic work"))
        #expect(Set(expanded.hits.map(\.id)) == ["id", "es", "ne", "bn"])
        #expect(expanded.expansions.map(\.concept) == ["domestic work"])
        #expect(try engine.search(SearchRequest(query: "domestic work", expand: false)).total == 0)
        #expect(try engine.search(SearchRequest(query: "police brutality")).hits.map(\.id) == ["police"])
        // Another form of a term names it too: its stems in one language are the term's.
        #expect(try engine.search(SearchRequest(query: "domestic worker")).expansions.map(\.concept) == ["domestic work"])
        #expect(try engine.search(SearchRequest(query: "trabajadora doméstica")).expansions.map(\.concept) == ["domestic work"])
        // A term of the concept in another language expands the same way.
        #expect(Set(try engine.search(SearchRequest(query: "pekerja rumah tangga")).hits.map(\.id)) == ["id", "es", "ne", "bn"])

        // Read as `any`, the words still name the concept; an exclusion is never expanded (it would narrow).
        #expect(Set(try engine.search(SearchRequest(query: "domestic work", match: .any)).hits.map(\.id)).isSuperset(of: ["id", "es", "ne", "bn"]))
        let excluded = try engine.search(SearchRequest(query: "organizan -\"domestic work\"")).hits.map(\.id)
        #expect(excluded == ["es"])

        // --issue finds the documents that name the issue in any language, tagged or not.
        let byIssue = try engine.search(SearchRequest(query: "", filters: QueryFilters(issues: ["domestic work"])))
        #expect(Set(byIssue.hits.map(\.id)) == ["id", "es", "ne", "bn"])
        #expect(try engine.search(SearchRequest(query: "organizan issue:\"domestic work\"")).hits.map(\.id) == ["es"])
        #expect(try engine.search(SearchRequest(query: "", filters: QueryFilters(issues: ["domestic work"]), expand: false)).total == 0)

        // The file is read at query time: an edit needs no re-index.
        try """
            concepts:
              - name: domestic work
                terms: [domestic work, trabajadoras del hogar]
            """.write(to: folder.appendingPathComponent("corpus/concepts.yaml"), atomically: true, encoding: .utf8)
        #expect(try engine.search(SearchRequest(query: "domestic work")).hits.map(\.id) == ["es"])
    }

    @Test func aBrokenConceptsFileIsAWarningNotAFailure() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Fixtures.write(documents.merging(["concepts.yaml": "concepts: [unclosed"]) { a, _ in a }, under: folder.appendingPathComponent("corpus"))
        let results = try engine(in: folder).search(SearchRequest(query: "migrant"))
        #expect(results.hits.map(\.id) == ["other"])
        let warning = try #require(results.warnings.first?.message)
        #expect(warning.hasPrefix("issue concepts were not used: "))
        #expect(warning.hasSuffix("corpus/concepts.yaml:2: invalid YAML: while parsing a flow sequence did not find expected ',' or ']'"), "\(warning)")
    }

    @Test func everyBundledConceptNamesAnIssueTagAndParses() throws {
        let map = try ConceptMap.load(from: [Fixtures.corpus])
        #expect(map.concepts.count >= 5)
        for concept in map.concepts {
            #expect(concept.terms.contains(concept.name) || concept.name.contains("/"), "\(concept.name)")
        }
    }
}
