import Foundation
import Testing

/// `alliance-query` as a user and a script see it: stdout, stderr and exit status.
@Suite(.serialized)
struct AllianceQueryCLITests {
    @Test func aFreshCloneBuildsTheIndexFromCorpusThenAnswers() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }

        let first = try CLIRunner.run("alliance-query", ["police brutality"], in: folder)
        #expect(first.status == 0)
        let notes = first.stderr.split(separator: "\n").map(String.init)
        #expect(notes.first == "alliance-query: no index at index/alliance.sqlite: building it from corpus/ …")
        #expect(notes.dropFirst().first?.hasPrefix("alliance-query: added 20, updated 0, unchanged 0, removed 0, failed 0 in ") == true)
        let lines = first.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "1 result for \"police brutality\"")
        #expect(lines[2] == "1. **Speak Out, Take Action: Sex Workers' Organisations in Bangladesh, Cambodia and India Raise Their Voices Against Police Brutality**")
        #expect(lines[3].hasPrefix("   publication · speak-out-take-action · corpus/publications/speak-out-take-action.md · score "))
        #expect(lines[4].contains("**police brutality**"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("index/alliance.sqlite").path))

        // The second query finds the index up to date and says nothing on stderr.
        let second = try CLIRunner.run("alliance-query", ["domestic", "work"], in: folder)
        #expect(second.status == 0)
        #expect(second.stderr == "")
        #expect(second.stdout.hasPrefix("3 results for \"domestic work\""))
    }

    @Test func aChangedCorpusIsIngestedBeforeTheQuery() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try CLIRunner.run("alliance-query", ["survivors"], in: folder)
        try """
            ---
            id: new-report
            type: publication
            title: Zanzibar household workers report
            ---
            Household workers in Zanzibar.
            """.write(to: folder.appendingPathComponent("corpus/publications/new-report.md"), atomically: true, encoding: .utf8)
        let result = try CLIRunner.run("alliance-query", ["zanzibar"], in: folder)
        #expect(result.status == 0)
        #expect(result.stderr.hasPrefix("alliance-query: the corpus changed since index/alliance.sqlite was built (1 new, 0 changed and 0 deleted file(s)): updating it …\nalliance-query: added 1, updated 0, unchanged 20, removed 0, failed 0 in "))
        #expect(result.stdout.contains("1. **Zanzibar household workers report**"))

        let stale = try CLIRunner.run("alliance-query", ["--no-refresh", "zanzibar"], in: folder)
        #expect(stale.stderr == "")
    }

    @Test func jsonOutputIsTheVersionedContract() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLIRunner.run("alliance-query", ["--format", "json", "--limit", "2", "domestic work"], in: folder)
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["schema"] as? Int == 1)
        #expect(object["total"] as? Int == 3)
        let hits = try #require(object["hits"] as? [[String: Any]])
        #expect(hits.count == 2)
        #expect(hits.allSatisfy { ($0["issues"] as? [String])?.contains("domestic work") == true })
        #expect(hits.first?["path"] as? String == "corpus/organisations/ndwm.md" || hits.first?["path"] as? String == "corpus/organisations/sintrasedom.md" || hits.first?["path"] as? String == "corpus/organisations/atki-hk.md")
    }

    @Test func typeFilterAndIndexFromTheEnvironment() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try CLIRunner.run("alliance-ingest", ["corpus", "--index", "elsewhere.sqlite"], in: folder)
        let result = try CLIRunner.run(
            "alliance-query", ["--type", "programme", "--format", "json", "migration"], in: folder,
            environment: ["ALLIANCE_INDEX": "elsewhere.sqlite"])
        #expect(result.status == 0)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("index/alliance.sqlite").path))
        let hits = try #require((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["hits"] as? [[String: Any]])
        #expect(!hits.isEmpty)
        #expect(hits.allSatisfy { $0["type"] as? String == "programme" })
    }

    @Test(arguments: [
        (["zzzzqqq"], Int32(1), "No results for \"zzzzqqq\".\n", ""),
        ([""], 2, "", "alliance-query: the query is empty; give one or more words, for example: alliance-query \"domestic work\"\n"),
        (["..."], 2, "", "alliance-query: the query \"...\" has no words to search for; use letters or digits, for example: alliance-query \"domestic work\"\n"),
        (["--limit", "20000", "x"], 2, "", "Error: --limit must be between 0 and 10000"),
        (["--bogus", "x"], 2, "", "Error: Unknown option '--bogus'"),
        (["--format", "xml", "x"], 2, "", "Error: The value 'xml' is invalid for '--format <format>'"),
    ])
    func exitStatusesAndMessages(arguments: [String], status: Int32, stdout: String, stderrPrefix: String) throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try CLIRunner.run("alliance-ingest", [], in: folder)
        let result = try CLIRunner.run("alliance-query", arguments, in: folder)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        #expect(result.stdout == stdout)
        #expect(result.stderr.hasPrefix(stderrPrefix), "\(result.stderr)")
    }

    @Test(arguments: [
        (["--strict", "sex OR"], Int32(2), "alliance-query: the query is not valid as typed (--strict): at character 5: 'OR' with nothing after it was ignored\n"),
        (["--raw", "NEAR(police"], 2, "alliance-query: invalid FTS5 expression at character 12: syntax error near \"\"\n"),
        (["--facets", "colour", "x"], 2, "Error: unknown facet 'colour'; use type, country, lang, issues or year"),
        (["--fragments", "0", "x"], 2, "Error: --fragments must be between 1 and 10"),
        (["--match", "some", "x"], 2, "Error: The value 'some' is invalid for '--match <match>'"),
        (["--batch", "-", "x"], 2, "Error: give either a query or --batch, not both"),
        (["--", "-domestic"], 2, "alliance-query: the query \"-domestic\" only excludes words"),
        (["--raw", "NEAR(police brutality, 3)"], 0, ""),
        (["--type", "report", "police"], 1, "alliance-query: warning: at character 1: no document in the index has the type \"report\" (types: organisation, programme, publication)\n"),
    ])
    func queryLanguageExitStatuses(arguments: [String], status: Int32, stderrPrefix: String) throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try CLIRunner.run("alliance-ingest", [], in: folder)
        let result = try CLIRunner.run("alliance-query", arguments, in: folder)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        #expect(result.stderr.hasPrefix(stderrPrefix), "\(arguments): \(result.stderr)")
    }

    @Test func aQuestionIsReadAsOneAndFeedbackCanBeTurnedOff() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try CLIRunner.run("alliance-ingest", [], in: folder)
        let question = "how do sex workers organise against police violence"
        let text = try CLIRunner.run("alliance-query", ["--explain", question], in: folder)
        #expect(text.status == 0)
        #expect(text.stdout.contains("Read as a question: documents with any of its content words, the best first."))
        #expect(text.stdout.contains("1. **Speak Out, Take Action"))
        let json = try CLIRunner.run("alliance-query", ["--format", "json", "--no-feedback", question], in: folder)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["question"] as? Bool == true && object["mode"] as? String == "any")
        #expect(object["feedback"] as? [Any] != nil)
    }

    @Test func formatsAndBatchFromStandardInput() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try CLIRunner.run("alliance-ingest", [], in: folder)
        let csv = try CLIRunner.run("alliance-query", ["--format", "csv", "--limit", "2", "sex work"], in: folder)
        #expect(csv.status == 0)
        #expect(csv.stdout.hasPrefix("rank,id,type,title,score,path,line,issues,snippet\r\n1,swnob,organisation,"))
        let jsonl = try CLIRunner.run("alliance-query", ["--format", "jsonl", "--limit", "2", "sex work"], in: folder)
        let lines = jsonl.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })

        try "police brutality\n{\"id\": \"org\", \"query\": \"domestic work\", \"type\": \"organisation\"}\nzzzzqqq\n"
            .write(to: folder.appendingPathComponent("queries.txt"), atomically: true, encoding: .utf8)
        let batch = try CLIRunner.run("alliance-query", ["--batch", "queries.txt", "--limit", "1"], in: folder)
        #expect(batch.status == 0, "\(batch.stderr)")
        let answers = batch.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(answers.map { $0?["id"] as? String } == ["1", "org", "3"])
        #expect(answers.map { $0?["total"] as? Int } == [1, 3, 0])

        try "zzzzqqq\n".write(to: folder.appendingPathComponent("none.txt"), atomically: true, encoding: .utf8)
        #expect(try CLIRunner.run("alliance-query", ["--batch", "none.txt"], in: folder).status == 1)
        let missing = try CLIRunner.run("alliance-query", ["--batch", "nowhere.txt"], in: folder)
        #expect(missing.status == 2)
        #expect(missing.stderr == "alliance-query: nowhere.txt: cannot read the batch file\n")
    }

    @Test func oddQueriesAnswerWithoutSQLiteErrors() throws {
        let folder = try CLIRunner.cloneLikeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try CLIRunner.run("alliance-ingest", [], in: folder)
        for query in ["anti-trafficking", "ATKI-HK", "women's \"rights", "C++", "NEAR(police", "title:x OR", "'; DROP TABLE documents; --"] {
            let result = try CLIRunner.run("alliance-query", [query], in: folder)
            #expect(result.status == 0 || result.status == 1, "\(query): \(result.stderr)")
            #expect(!result.stderr.lowercased().contains("sqlite"), "\(query): \(result.stderr)")
        }
        let quote = try CLIRunner.run("alliance-query", ["women's \"rights"], in: folder)
        #expect(quote.stderr == "alliance-query: warning: at character 9: a double quote was not closed; the phrase runs to the end of the query\n")
    }

    @Test func indexErrorsExitWithThree() throws {
        let folder = try CLIRunner.cloneLikeFolder(withCorpus: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try CLIRunner.run("alliance-query", ["x"], in: folder)
        #expect(missing.status == 3)
        #expect(missing.stderr == "alliance-query: no index at index/alliance.sqlite; build one with `alliance-ingest PATH… --index index/alliance.sqlite`\n")

        try Data(repeating: 0x42, count: 8192).write(to: folder.appendingPathComponent("index/alliance.sqlite"))
        let foreign = try CLIRunner.run("alliance-query", ["x"], in: folder)
        #expect(foreign.status == 3)
        #expect(foreign.stderr == "alliance-query: index/alliance.sqlite is not an Alliance Search index; point --index at another file (or delete this one, if it is a damaged index)\n")

        // An empty query is a usage error before anything else, even with no index.
        let empty = try CLIRunner.run("alliance-query", ["--index", "nowhere.sqlite", " "], in: folder)
        #expect(empty.status == 2)
        #expect(empty.stderr.hasPrefix("alliance-query: the query is empty"))
    }

    @Test func helpListsTheExitStatuses() throws {
        let help = try CLIRunner.run("alliance-query", ["--help"], in: CLIRunner.packageRoot)
        #expect(help.status == 0)
        #expect(help.stdout.contains("1  alliance-query: no hits"))
        #expect(help.stdout.contains("3  index error: missing, damaged, locked, other version, or not writable"))
    }
}
