import Foundation
import GRDB

/// What an index records about how it was built, in the `index_settings` table.
///
/// A build with another schema version, tokenizer or document reader cannot share an index: ingest rebuilds it, and query rebuilds it
/// from the recorded roots before searching.
public struct IndexSettings: Sendable, Equatable {
    public var schemaVersion: Int
    public var tokenizer: String
    /// The `DocumentReader.version` the stored documents were read with.
    public var readerVersion: Int
    /// The folders and files ingested into this index, as stored: relative to the index's folder.
    public var roots: [String]
    /// Whether links inside the roots are followed wherever they lead (`--follow-links`), so that every later
    /// ingest and refresh lists the same files.
    public var followLinks: Bool
    public var createdAt: String
    public var updatedAt: String

    /// The settings of a new index built by this version.
    static func current(roots: [String], followLinks: Bool = false, now: String) -> IndexSettings {
        IndexSettings(
            schemaVersion: IndexSchema.version, tokenizer: TokenizerSettings.recordedValue,
            readerVersion: DocumentReader.version, roots: roots, followLinks: followLinks, createdAt: now, updatedAt: now)
    }

    /// Why this index must be rebuilt before this version can use it, or `nil` when it can be used as it is.
    var rebuildReason: String? {
        if schemaVersion != IndexSchema.version {
            return "it has schema version \(schemaVersion) and this build uses \(IndexSchema.version)"
        }
        if tokenizer != TokenizerSettings.recordedValue {
            return "it was tokenised with `\(tokenizer)` and this build uses `\(TokenizerSettings.recordedValue)`"
        }
        if readerVersion != DocumentReader.version {
            return "its documents were read by reader version \(readerVersion) and this build's reader is version \(DocumentReader.version)"
        }
        return nil
    }

    /// A recorded setting that cannot be what it says: the index was damaged or edited by hand.
    struct Malformed: Error, Sendable {
        var key: String
        var value: String
        /// What it should be: "a number".
        var expected = "a number"

        /// `its recorded schema_version is "abc", not a number`
        var detail: String {
            let shown = value.count > 40 ? value.prefix(40) + "…" : Substring(value)
            return "its recorded \(key) is \(String(reflecting: String(shown))), not \(expected)"
        }
    }

    /// Reads the settings; `nil` when the table is empty (an index whose first build never committed).
    ///
    /// `SELECT "key", "value" FROM "index_settings"`
    ///
    /// - Throws: `Malformed` when a version is recorded but is not a number, or the roots are not a list.
    static func fetch(_ db: Database) throws -> IndexSettings? {
        let rows = try Row.fetchAll(db, sql: #"SELECT "key", "value" FROM "index_settings""#)
        let values = Dictionary(rows.map { ($0["key"] as String, $0["value"] as String) }, uniquingKeysWith: { a, _ in a })
        func number(_ key: String) throws -> Int? {
            guard let text = values[key] else { return nil }
            guard let number = Int(text) else { throw Malformed(key: key, value: text) }
            return number
        }
        guard let version = try number("schema_version"), let tokenizer = values["tokenizer"] else { return nil }
        var roots: [String] = []
        if let text = values["roots"] {
            // Read as nothing, they would be written back as nothing by the next ingest.
            guard let list = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
                throw Malformed(key: "roots", value: text, expected: "a list of folders and files")
            }
            roots = list
        }
        return IndexSettings(
            schemaVersion: version, tokenizer: tokenizer, readerVersion: try number("reader_version") ?? 0,
            roots: roots, followLinks: values["follow_links"] == "1", createdAt: values["created_at"] ?? "",
            updatedAt: values["updated_at"] ?? "")
    }

    /// Writes every setting.
    ///
    /// `INSERT INTO "index_settings" ("key", "value") VALUES (?, ?) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"`
    func save(_ db: Database) throws {
        let rootsJSON = String(decoding: try JSONEncoder().encode(roots), as: UTF8.self)
        let values = [
            ("schema_version", String(schemaVersion)), ("tokenizer", tokenizer),
            ("reader_version", String(readerVersion)), ("roots", rootsJSON), ("follow_links", followLinks ? "1" : "0"),
            ("created_at", createdAt), ("updated_at", updatedAt),
        ]
        for (key, value) in values {
            try db.execute(
                sql: """
                    INSERT INTO "index_settings" ("key", "value") VALUES (?, ?)
                    ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"
                    """,
                arguments: [key, value])
        }
    }
}
