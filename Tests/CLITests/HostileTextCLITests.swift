import Foundation
import Testing

/// Hostile text through the built executables: control characters in documents, file names and queries never reach
/// the terminal raw (stdout or stderr), text libxml2 cannot read is a warning, JSON faults say what and where, and
/// CSV fields with line breaks read back whole.
@Suite(.serialized)
struct HostileTextCLITests {
    static let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[31m\u{9B}2J\u{202E}"

    /// Whether `text` holds a character a terminal would act on (a line feed aside).
    static func hasControl(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x0A: false
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
            default: false
            }
        }
    }

    /// A folder laid out like a clone, whose corpus holds only `files`.
    private func folder(_ files: [String: String]) throws -> URL {
        let folder = try CLIRunner.cloneLikeFolder(withCorpus: false)
        for (name, text) in files {
            let url = folder.appendingPathComponent("corpus").appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return folder
    }

    private func record(_ fields: [String: String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test func controlCharactersAreShownOnStdoutAndStderrAndLossesAreWarnings() throws {
        let deep = "<html><body><p>zqxbefore</p>\n" + String(repeating: "<div>deep ", count: 600) + "</body></html>"
        let folder = try folder([
            "hostile.jsonl": [
                try record(["id": "h1", "title": "Esc \u{1B}[31mRED", "body": "domestic \(Self.hostile) workers organise"]),
                try record(["id": "id\(Self.hostile)", "title": "Second", "body": "domestic"]),
                try record(["id": "id\(Self.hostile)", "title": "Same id again", "body": "domestic"]),
                #"{"id": "dup", "title": "A", "title": "B"}"#,
            ].joined(separator: "\n") + "\n",
            "name\(Self.hostile).md": "---\ntitle: [unclosed\n---\nbody\n",
            "deep.html": deep,
        ])
        defer { try? FileManager.default.removeItem(at: folder) }

        let ingest = try CLIRunner.run("alliance-ingest", [], in: folder)
        #expect(ingest.status == 1)
        #expect(!Self.hasControl(ingest.stderr) && !Self.hasControl(ingest.stdout), "\(ingest.stderr.debugDescription)")
        let lines = ingest.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains(#"corpus/hostile.jsonl:4: invalid JSON at column 29: the key "title" appears twice in one object; keep one of them"#), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("corpus/name␛]0;pwned␇␛[31m�2J�.md:3: invalid YAML front matter") }, "\(lines)")
        #expect(lines.contains { $0.contains("id␛]0;pwned␇␛[31m�2J�") }, "the duplicate id is named: \(lines)")
        #expect(lines.contains("corpus/deep.html:2: warning: elements nested more than 512 deep: the text from this line on is not indexed; flatten the page's markup"))

        let query = try CLIRunner.run("alliance-query", ["domestic", "workers"], in: folder)
        #expect(query.status == 0)
        #expect(!Self.hasControl(query.stdout) && !Self.hasControl(query.stderr), "\(query.stdout.debugDescription)")
        #expect(query.stdout.contains("1. **Esc ␛[31mRED**"))
        #expect(query.stdout.contains("␛]0;pwned␇␛[31m�2J�"))

        // The query is echoed in the text, and warnings and errors are about it.
        let echoed = try CLIRunner.run("alliance-query", ["zzz\(Self.hostile)"], in: folder)
        #expect(echoed.stdout == "No results for \"zzz␛]0;pwned␇␛[31m�2J�\".\n")
        for arguments in [["--strict", "\"unclosed \(Self.hostile)"], ["--limit", "1", "domestic", "\(Self.hostile)("], ["--format", "csv", "domestik"]] {
            let result = try CLIRunner.run("alliance-query", arguments, in: folder)
            #expect(!Self.hasControl(result.stderr), "\(arguments): \(result.stderr.debugDescription)")
        }
    }

    /// A title holding "\r\n" (one `Character` in Swift) was written unquoted, and Python's csv split the row.
    @Test func csvFieldsWithLineBreaksReadBackWholeInPython() throws {
        let folder = try folder([
            "export.jsonl": try record(["id": "crlf", "title": "Two\r\nlines, and \"quotes\"\u{301}", "body": "domestic\r\nworkers"]) + "\n",
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CLIRunner.run("alliance-ingest", [], in: folder).status == 0)
        let csv = try CLIRunner.run("alliance-query", ["--format", "csv", "domestic"], in: folder)
        #expect(csv.status == 0)
        try Data(csv.stdout.utf8).write(to: folder.appendingPathComponent("out.csv"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import csv, json, sys\nwith open(sys.argv[1], newline='', encoding='utf-8') as f: print(json.dumps(list(csv.reader(f))))", "out.csv"]
        process.currentDirectoryURL = folder
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let rows = try JSONDecoder().decode([[String]].self, from: data)
        #expect(rows.count == 2)
        #expect(rows.last?.count == 9)
        #expect(rows.last?[1] == "crlf")
        #expect(rows.last?[3] == "Two\r\nlines, and \"quotes\"\u{301}")
    }
}
