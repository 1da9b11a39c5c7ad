/// A Swift shape for the rows of a query, decoded by column name: one shape per table row or per
/// query, so the order of a `SELECT` list never matters, and a column added to a table and to its
/// shape needs no other change.
///
/// ```swift
/// struct Job: PostgresRowDecodable {
///     var id: Int64
///     var status: JobStatus
///     init(row: PostgresRow) throws(PostgresError) {
///         id = try row.decode(Int64.self, column: "id")
///         status = try row.decode(JobStatus.self, column: "status")
///     }
/// }
/// let jobs = try await pool.query("SELECT * FROM jobs").decode(Job.self)
/// ```
public protocol PostgresRowDecodable: Sendable {
    /// Decodes one row, reading columns by name (``PostgresRow/decode(_:column:file:line:)``).
    ///
    /// - Throws: ``PostgresError/Code/decoding`` naming the missing or mistyped column.
    init(row: PostgresRow) throws(PostgresError)
}

extension PostgresQueryResult {
    /// Every row as `Row`, in order.
    ///
    /// - Throws: ``PostgresError/Code/decoding`` from the first row that does not decode.
    public func decode<Row: PostgresRowDecodable>(_ type: Row.Type) throws(PostgresError) -> [Row] {
        var decoded: [Row] = []
        decoded.reserveCapacity(count)
        for row in self {
            decoded.append(try Row(row: row))
        }
        return decoded
    }
}
