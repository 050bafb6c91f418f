import AftercareDomain
import SQLKit

/// Substring search that works for Chinese: "打印模糊" finds "复印件打印模糊".
///
/// SQLite answers terms of three characters or more from the FTS5 trigram index; PostgreSQL from the
/// pg_trgm GIN index behind `ILIKE`. Shorter terms (two-character Chinese words such as 卡纸) scan, newest
/// first, which the `LIMIT` of a page keeps short for common words.
public enum TextMatch {
    /// `column` contains `term`, case-insensitively where the script has case, wildcards taken literally.
    public static func column(_ column: SQLColumn, contains term: String, on db: any SQLDatabase) -> SQLQueryString {
        "\(column) \(unsafeRaw: contains(db)) \(bind: pattern(term)) ESCAPE '\\'"
    }

    /// Case-insensitive `LIKE` of the dialect.
    static func contains(_ db: any SQLDatabase) -> String {
        db.dialect.name == "sqlite" ? "LIKE" : "ILIKE"
    }

    /// `%term%` with the wildcard characters of the term escaped by `\`.
    static func pattern(_ term: String) -> String {
        var escaped = ""
        for ch in term {
            if ch == "%" || ch == "_" || ch == "\\" { escaped.append("\\") }
            escaped.append(ch)
        }
        return "%" + escaped + "%"
    }

    static func faultDescription(containing term: String, on db: any SQLDatabase) -> SQLQueryString {
        if db.dialect.name == "sqlite", term.count >= 3 {
            let phrase = "\"" + term.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            return "sr.id IN (SELECT rowid FROM request_text WHERE request_text MATCH \(bind: phrase))"
        }
        return column(SQLColumn("fault_description", table: "sr"), contains: term, on: db)
    }

    /// Keeps the SQLite trigram index in step with a request's text (PostgreSQL indexes the column itself).
    static func index(requestId: Int, text: String, kind: DatabaseKind, replacing: Bool, on db: any SQLDatabase)
        async throws
    {
        guard kind == .sqlite else { return }
        if replacing { try await db.raw("DELETE FROM request_text WHERE rowid = \(bind: requestId)").run() }
        try await db.raw("INSERT INTO request_text (rowid, body) VALUES (\(bind: requestId), \(bind: text))").run()
    }
}
