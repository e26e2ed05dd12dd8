import GRDB

/// The tables of an index, created and changed only through GRDB migrations.
///
/// - `documents`: one row per document, with the stripped text. It is the content table of the FTS5 index.
/// - `documents_fts`: an external-content FTS5 table over `title`, `aliases`, `issues`, `body` and `khmer`, kept in step with
///   `documents` by the triggers GRDB's `synchronize(withTable:)` creates. The text is stored once, in `documents`.
/// - `sources`: the manifest of source files (size, modification time, content hash) that makes ingest incremental.
/// - `index_settings`: key-value facts about the index: schema version, tokenizer, corpus roots, dates.
/// - `documents_vocab`: an `fts5vocab` table over `documents_fts`, the vocabulary for did-you-mean.
///
/// Related SQLite documentation: <https://www.sqlite.org/fts5.html#external_content_tables>
public enum IndexSchema {
    /// Bumped when an index built by an older version cannot be migrated in place and must be rebuilt.
    ///
    /// 2: paths are stored relative to the index's folder, not absolute.
    /// 3: `documents_vocab`, the FTS5 vocabulary did-you-mean reads.
    /// 4: the `khmer` column of Khmer cluster pairs (`KhmerGrams`).
    /// 5: Khmer pairs keep a subscript consonant in its stack.
    public static let version = 5

    /// The `PRAGMA application_id` stamped on every index ('ALLS'), to tell an index from any other SQLite file.
    public static let applicationID: Int32 = 0x414C_4C53

    /// The FTS5 table's columns, in order; `bm25()` weights follow this order.
    public static let ftsColumns = ["title", "aliases", "issues", "body", "khmer"]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: documents, manifest, FTS5") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.create(table: "documents") { t in
                t.primaryKey("docid", .integer)
                t.column("id", .text).notNull().unique()
                t.column("type", .text).notNull().indexed()
                t.column("title", .text).notNull()
                t.column("aliases", .text).notNull()
                t.column("issues", .text).notNull()
                t.column("body", .text).notNull()
                t.column("path", .text).notNull().indexed()
                t.column("line", .integer).notNull()
                t.column("metadata", .text).notNull()
                t.column("content_hash", .text).notNull()
                t.column("indexed_at", .text).notNull()
            }
            try db.create(table: "sources") { t in
                t.primaryKey("path", .text)
                t.column("size", .integer).notNull()
                t.column("modified_at", .double).notNull()
                t.column("content_hash", .text)
                t.column("has_errors", .boolean).notNull()
            }
            try db.create(table: "index_settings") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(virtualTable: "documents_fts", using: FTS5()) { t in
                t.synchronize(withTable: "documents")
                t.tokenizer = TokenizerSettings.descriptor
                for column in ["title", "aliases", "issues", "body"] { t.column(column) }
            }
        }
        migrator.registerMigration("v2: vocabulary") { db in
            // One row per token: the documents and occurrences it has. Read by `Suggester`.
            try db.execute(sql: #"CREATE VIRTUAL TABLE "documents_vocab" USING fts5vocab("documents_fts", row)"#)
        }
        migrator.registerMigration("v3: khmer") { db in
            // FTS5 tables cannot gain a column: the table is made again with it, and filled from `documents`.
            try db.alter(table: "documents") { t in t.add(column: "khmer", .text).notNull().defaults(to: "") }
            try db.execute(sql: #"DROP TABLE "documents_vocab""#)
            try db.dropFTS5SynchronizationTriggers(forTable: "documents_fts")
            try db.execute(sql: #"DROP TABLE "documents_fts""#)
            try db.create(virtualTable: "documents_fts", using: FTS5()) { t in
                t.synchronize(withTable: "documents")
                t.tokenizer = TokenizerSettings.descriptor
                for column in ftsColumns { t.column(column) }
            }
            try db.execute(sql: #"CREATE VIRTUAL TABLE "documents_vocab" USING fts5vocab("documents_fts", row)"#)
        }
        return migrator
    }
}
