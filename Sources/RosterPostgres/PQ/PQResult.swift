internal import CLibpq

/// Owns one `PGresult` and frees it with `PQclear` exactly once, in `deinit`.
///
/// `@unchecked Sendable`: libpq documents a `PGresult` as read-only after creation ("can be
/// passed around freely between threads", libpq manual 34.19 "Behavior in Threaded Programs"),
/// and this class only reads it. The `PGresult` does not refer to its `PGconn`, so it outlives
/// the connection safely.
final class PQResult: @unchecked Sendable {
    private let pointer: OpaquePointer

    /// Takes ownership of `pointer`, a non-NULL result of `PQexec`/`PQexecParams`/`PQgetResult`.
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        // Every PGresult must be PQclear'ed exactly once; this class is its only owner.
        PQclear(self.pointer)
    }

    var status: ExecStatusType {
        PQresultStatus(self.pointer)
    }

    var rowCount: Int {
        Int(PQntuples(self.pointer))
    }

    var columnCount: Int {
        Int(PQnfields(self.pointer))
    }

    /// The column's name. `PQfname` points into the result; copied here.
    func columnName(_ column: Int) -> String {
        PQfname(self.pointer, Int32(column)).map { String(cString: $0) } ?? ""
    }

    func columnType(_ column: Int) -> PostgresDataType {
        PostgresDataType(PQftype(self.pointer, Int32(column)))
    }

    func isNull(row: Int, column: Int) -> Bool {
        PQgetisnull(self.pointer, Int32(row), Int32(column)) == 1
    }

    /// Lends the value's bytes. `PQgetvalue` points into the result, which stays alive (and is
    /// not freed) for the whole call because `self` is retained by the caller. Do not escape them.
    func withValue<T, E: Error>(
        row: Int,
        column: Int,
        _ body: (UnsafeRawBufferPointer) throws(E) -> T
    ) throws(E) -> T {
        let length = Int(PQgetlength(self.pointer, Int32(row), Int32(column)))
        let value = PQgetvalue(self.pointer, Int32(row), Int32(column))
        let result = try body(UnsafeRawBufferPointer(start: value, count: length))
        withExtendedLifetime(self) {}
        return result
    }

    /// The rows affected by `INSERT`/`UPDATE`/`DELETE`/`MERGE`/`SELECT`/`COPY`/… (`PQcmdTuples`),
    /// 0 for other commands. The returned C string points into the result.
    var affectedRows: Int {
        guard let text = PQcmdTuples(self.pointer) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    /// The command tag, for example `INSERT 0 1`.
    var commandTag: String {
        PQcmdStatus(self.pointer).map { String(cString: $0) } ?? ""
    }

    /// One error field (`PG_DIAG_*`), copied; `nil` when absent. Points into the result.
    func errorField(_ code: Int32) -> String? {
        PQresultErrorField(self.pointer, code).map { String(cString: $0) }
    }

    /// `PQresultErrorMessage`, copied.
    var errorMessage: String? {
        guard let text = PQresultErrorMessage(self.pointer) else { return nil }
        let message = String(cString: text)
        return message.isEmpty ? nil : message
    }

    /// The server's error fields.
    var serverInfo: PostgresError.ServerInfo {
        var info = PostgresError.ServerInfo()
        info.severity = self.errorField(Int32(UInt8(ascii: "V")))  // PG_DIAG_SEVERITY_NONLOCALIZED
        info.message = self.errorField(Int32(UInt8(ascii: "M")))  // PG_DIAG_MESSAGE_PRIMARY
        info.detail = self.errorField(Int32(UInt8(ascii: "D")))  // PG_DIAG_MESSAGE_DETAIL
        info.hint = self.errorField(Int32(UInt8(ascii: "H")))  // PG_DIAG_MESSAGE_HINT
        info.constraint = self.errorField(Int32(UInt8(ascii: "n")))  // PG_DIAG_CONSTRAINT_NAME
        info.schema = self.errorField(Int32(UInt8(ascii: "s")))  // PG_DIAG_SCHEMA_NAME
        info.table = self.errorField(Int32(UInt8(ascii: "t")))  // PG_DIAG_TABLE_NAME
        info.column = self.errorField(Int32(UInt8(ascii: "c")))  // PG_DIAG_COLUMN_NAME
        return info
    }

    /// `PG_DIAG_SQLSTATE`.
    var sqlState: SQLState? {
        self.errorField(Int32(UInt8(ascii: "C"))).map(SQLState.init(rawValue:))
    }
}
