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
    public var createdAt: String
    public var updatedAt: String

    /// The settings of a new index built by this version.
    static func current(roots: [String], now: String) -> IndexSettings {
        IndexSettings(
            schemaVersion: IndexSchema.version, tokenizer: TokenizerSettings.recordedValue,
            readerVersion: DocumentReader.version, roots: roots, createdAt: now, updatedAt: now)
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

    /// Reads the settings; `nil` when the table is empty (an index whose first build never committed).
    ///
    /// `SELECT "key", "value" FROM "index_settings"`
    static func fetch(_ db: Database) throws -> IndexSettings? {
        let rows = try Row.fetchAll(db, sql: #"SELECT "key", "value" FROM "index_settings""#)
        let values = Dictionary(rows.map { ($0["key"] as String, $0["value"] as String) }, uniquingKeysWith: { a, _ in a })
        guard let version = values["schema_version"].flatMap(Int.init), let tokenizer = values["tokenizer"] else {
            return nil
        }
        let roots = values["roots"].flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
        return IndexSettings(
            schemaVersion: version, tokenizer: tokenizer, readerVersion: values["reader_version"].flatMap(Int.init) ?? 0,
            roots: roots, createdAt: values["created_at"] ?? "",
            updatedAt: values["updated_at"] ?? "")
    }

    /// Writes every setting.
    ///
    /// `INSERT INTO "index_settings" ("key", "value") VALUES (?, ?) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"`
    func save(_ db: Database) throws {
        let rootsJSON = String(decoding: try JSONEncoder().encode(roots), as: UTF8.self)
        let values = [
            ("schema_version", String(schemaVersion)), ("tokenizer", tokenizer),
            ("reader_version", String(readerVersion)), ("roots", rootsJSON),
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
