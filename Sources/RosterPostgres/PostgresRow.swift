/// One row of a ``PostgresQueryResult``.
///
/// Decode columns by index, by name, or all at once:
///
/// ```swift
/// let id = try row.decode(UUID.self, at: 0)
/// let email = try row.decode(String.self, column: "email")
/// let (jobID, attempts, lastError) = try row.decode((UUID, Int, String?).self)
/// ```
///
/// Decoding checks each column's type OID against what the Swift type reads and throws a
/// ``PostgresError`` with code ``PostgresError/Code/decoding`` naming the column, its index and
/// both types; `NULL` decodes only into `Optional`.
public struct PostgresRow: Sendable, CustomStringConvertible {
    private let result: PostgresQueryResult
    /// The row's position in its result.
    public let index: Int

    init(result: PostgresQueryResult, index: Int) {
        self.result = result
        self.index = index
    }

    /// The result's columns.
    public var columns: [PostgresQueryResult.Column] {
        self.result.columns
    }

    /// `true` when the column at `column` is `NULL`.
    public func isNull(at column: Int) -> Bool {
        self.result.storage.isNull(row: self.index, column: column)
    }

    /// Decodes the column at `column` (0-based) as `Value`.
    ///
    /// - Throws: ``PostgresError/Code/decoding`` when the index is out of range, the column's type
    ///   is not one `Value` reads, the value is `NULL` and `Value` is not `Optional`, or the bytes
    ///   are malformed.
    public func decode<Value: PostgresDecodable>(
        _ type: Value.Type,
        at column: Int,
        file: String = #fileID,
        line: Int = #line
    ) throws(PostgresError) -> Value {
        guard column >= 0 && column < self.result.columns.count else {
            throw PostgresError(
                code: .decoding,
                reason: "column index \(column) out of range (the row has \(self.result.columns.count) columns)",
                file: file,
                line: line
            )
        }
        let storage = self.result.storage
        do throws(PostgresDecodingFailure) {
            if storage.isNull(row: self.index, column: column) {
                return try Value.decodeNull()
            }
            let columnType = self.result.columns[column].type
            return try storage.withValue(row: self.index, column: column) { bytes throws(PostgresDecodingFailure) in
                var buffer = PostgresDecodingBuffer(bytes)
                return try Value.decode(from: &buffer, type: columnType)
            }
        } catch {
            throw self.decodingError(error, column: column, swiftType: Value.self, file: file, line: line)
        }
    }

    /// Decodes the column named `name` (the first one, if several share the name) as `Value`.
    ///
    /// - Throws: ``PostgresError/Code/decoding`` when there is no such column, or as
    ///   ``decode(_:at:file:line:)``.
    public func decode<Value: PostgresDecodable>(
        _ type: Value.Type,
        column name: String,
        file: String = #fileID,
        line: Int = #line
    ) throws(PostgresError) -> Value {
        guard let column = self.result.columnIndexes[name] else {
            throw PostgresError(
                code: .decoding,
                reason: "no column named '\(name)' (columns: \(self.result.columnNames.joined(separator: ", ")))",
                file: file,
                line: line
            )
        }
        return try self.decode(Value.self, at: column, file: file, line: line)
    }

    /// Decodes the whole row as a tuple, one type per column in order; the row must have exactly
    /// as many columns as there are types.
    ///
    /// - Throws: ``PostgresError/Code/decoding`` when the column count differs or a value does not decode.
    public func decode<each Value: PostgresDecodable>(
        _ types: (repeat each Value).Type,
        file: String = #fileID,
        line: Int = #line
    ) throws(PostgresError) -> (repeat each Value) {
        var expected = 0
        for _ in repeat (each Value).self {
            expected += 1
        }
        guard expected == self.result.columns.count else {
            throw PostgresError(
                code: .decoding,
                reason: "decoding \(expected) columns from a row of \(self.result.columns.count) columns",
                file: file,
                line: line
            )
        }
        var column = 0
        func next<Next: PostgresDecodable>(_ type: Next.Type) throws(PostgresError) -> Next {
            defer { column += 1 }
            return try self.decode(Next.self, at: column, file: file, line: line)
        }
        return (repeat try next((each Value).self))
    }

    private func decodingError(
        _ failure: PostgresDecodingFailure,
        column: Int,
        swiftType: Any.Type,
        file: String,
        line: Int
    ) -> PostgresError {
        let described = self.result.columns[column]
        var reason = "column '\(described.name)' (index \(column), type \(described.type)) as \(swiftType): "
        if let expected = failure.expectedTypes {
            reason += "expected \(expected), got \(described.type)"
        } else {
            reason += failure.description
        }
        return PostgresError(code: .decoding, reason: reason, file: file, line: line)
    }

    /// The row's position and column names, never its values.
    public var description: String {
        "PostgresRow(\(self.index), columns: \(self.result.columnNames))"
    }
}
