/// The result of one statement: its rows (in binary format), column descriptions and the number
/// of rows affected.
///
/// The rows read straight from libpq's result memory, which is freed when the last
/// ``PostgresQueryResult`` or ``PostgresRow`` referring to it goes away.
public struct PostgresQueryResult: Sendable, RandomAccessCollection, CustomStringConvertible {
    /// A result column.
    public struct Column: Sendable, Hashable {
        /// The column's name (or alias) in the statement.
        public var name: String
        /// The column's PostgreSQL type.
        public var type: PostgresDataType
    }

    let storage: PQResult
    /// The columns, in order.
    public let columns: [Column]
    /// The rows affected by `INSERT`, `UPDATE`, `DELETE`, `MERGE`, or returned by `SELECT`
    /// (`PQcmdTuples`); 0 for other commands.
    public let affectedRows: Int
    /// The command tag, for example `INSERT 0 1`.
    public let commandTag: String
    let columnIndexes: [String: Int]

    init(_ result: PQResult) {
        self.storage = result
        self.columns = (0..<result.columnCount).map { Column(name: result.columnName($0), type: result.columnType($0)) }
        self.affectedRows = result.affectedRows
        self.commandTag = result.commandTag
        var indexes: [String: Int] = [:]
        for (index, column) in self.columns.enumerated() where indexes[column.name] == nil {
            indexes[column.name] = index
        }
        self.columnIndexes = indexes
        self.endIndex = result.rowCount
    }

    /// The column names, in order.
    public var columnNames: [String] {
        self.columns.map(\.name)
    }

    /// The rows, in order.
    public var rows: [PostgresRow] {
        Array(self)
    }

    // MARK: - Collection

    /// 0.
    public var startIndex: Int { 0 }
    /// The number of rows.
    public let endIndex: Int

    /// The row at `position`.
    public subscript(position: Int) -> PostgresRow {
        precondition(position >= 0 && position < self.endIndex, "row index out of range")
        return PostgresRow(result: self, index: position)
    }

    // MARK: - Decoding

    /// Decodes every row as a tuple of the given types, one per column, in order.
    ///
    /// ```swift
    /// for (id, email) in try result.decode((UUID, String).self) { … }
    /// ```
    ///
    /// - Throws: ``PostgresError/Code/decoding`` for the first value that does not decode.
    public func decode<each Value: PostgresDecodable>(
        _ types: (repeat each Value).Type,
        file: String = #fileID,
        line: Int = #line
    ) throws(PostgresError) -> [(repeat each Value)] {
        var values: [(repeat each Value)] = []
        values.reserveCapacity(self.count)
        for row in self {
            values.append(try row.decode(types, file: file, line: line))
        }
        return values
    }

    /// Decodes the single column of the first row, or returns `nil` when there is no row.
    ///
    /// - Throws: ``PostgresError/Code/decoding`` when the value does not decode.
    public func singleValue<Value: PostgresDecodable>(
        _ type: Value.Type,
        file: String = #fileID,
        line: Int = #line
    ) throws(PostgresError) -> Value? {
        guard let row = self.first else { return nil }
        return try row.decode(Value.self, at: 0, file: file, line: line)
    }

    /// The shape only: columns and row count, never values.
    public var description: String {
        "PostgresQueryResult(\(self.commandTag): \(self.count) rows, columns: \(self.columnNames))"
    }
}
