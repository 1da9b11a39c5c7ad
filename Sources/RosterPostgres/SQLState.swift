/// A five-character SQLSTATE code reported by the PostgreSQL server (`PG_DIAG_SQLSTATE`).
///
/// Codes are kept as data, not as an exhaustive enum, so that codes Roster does not name are still
/// carried and comparable. Well-known codes have static constants:
///
/// ```swift
/// catch let error as PostgresError where error.sqlState == .uniqueViolation { … }
/// ```
///
/// See <https://www.postgresql.org/docs/15/errcodes-appendix.html>.
public struct SQLState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The five-character code, for example `"23505"`.
    public let rawValue: String

    /// Wraps a SQLSTATE code as reported by the server.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The two-character class, for example `"23"` for integrity constraint violations.
    public var classCode: String {
        String(self.rawValue.prefix(2))
    }

    /// `true` for class 08, "connection exception".
    public var isConnectionClass: Bool {
        self.classCode == "08"
    }

    /// The condition name from the PostgreSQL manual (`"unique_violation"`), if Roster knows it.
    public var name: String? {
        Self.names[self.rawValue]
    }

    /// `"23505 (unique_violation)"`, or only the code when the name is unknown.
    public var description: String {
        if let name {
            return "\(self.rawValue) (\(name))"
        }
        return self.rawValue
    }

    // MARK: - Class 08: connection exception

    /// 08000 connection_exception.
    public static let connectionException = SQLState(rawValue: "08000")
    /// 08003 connection_does_not_exist.
    public static let connectionDoesNotExist = SQLState(rawValue: "08003")
    /// 08006 connection_failure.
    public static let connectionFailure = SQLState(rawValue: "08006")
    /// 08001 sqlclient_unable_to_establish_sqlconnection.
    public static let unableToEstablishConnection = SQLState(rawValue: "08001")
    /// 08P01 protocol_violation.
    public static let protocolViolation = SQLState(rawValue: "08P01")

    // MARK: - Class 22 and 23: data and integrity

    /// 22001 string_data_right_truncation.
    public static let stringDataRightTruncation = SQLState(rawValue: "22001")
    /// 22003 numeric_value_out_of_range.
    public static let numericValueOutOfRange = SQLState(rawValue: "22003")
    /// 22P02 invalid_text_representation.
    public static let invalidTextRepresentation = SQLState(rawValue: "22P02")
    /// 23502 not_null_violation.
    public static let notNullViolation = SQLState(rawValue: "23502")
    /// 23503 foreign_key_violation.
    public static let foreignKeyViolation = SQLState(rawValue: "23503")
    /// 23505 unique_violation.
    public static let uniqueViolation = SQLState(rawValue: "23505")
    /// 23514 check_violation.
    public static let checkViolation = SQLState(rawValue: "23514")
    /// 23P01 exclusion_violation.
    public static let exclusionViolation = SQLState(rawValue: "23P01")

    // MARK: - Class 25 and 40: transactions

    /// 25P02 in_failed_sql_transaction.
    public static let inFailedSQLTransaction = SQLState(rawValue: "25P02")
    /// 40001 serialization_failure.
    public static let serializationFailure = SQLState(rawValue: "40001")
    /// 40P01 deadlock_detected.
    public static let deadlockDetected = SQLState(rawValue: "40P01")

    // MARK: - Class 42: syntax error or access rule violation

    /// 42601 syntax_error.
    public static let syntaxError = SQLState(rawValue: "42601")
    /// 42501 insufficient_privilege.
    public static let insufficientPrivilege = SQLState(rawValue: "42501")
    /// 42703 undefined_column.
    public static let undefinedColumn = SQLState(rawValue: "42703")
    /// 42883 undefined_function.
    public static let undefinedFunction = SQLState(rawValue: "42883")
    /// 42P01 undefined_table.
    public static let undefinedTable = SQLState(rawValue: "42P01")
    /// 42P07 duplicate_table.
    public static let duplicateTable = SQLState(rawValue: "42P07")
    /// 42804 datatype_mismatch.
    public static let datatypeMismatch = SQLState(rawValue: "42804")

    // MARK: - Class 53, 55 and 57: resources and operator intervention

    /// 53300 too_many_connections.
    public static let tooManyConnections = SQLState(rawValue: "53300")
    /// 55P03 lock_not_available.
    public static let lockNotAvailable = SQLState(rawValue: "55P03")
    /// 57014 query_canceled.
    public static let queryCanceled = SQLState(rawValue: "57014")
    /// 57P01 admin_shutdown: the server is shutting down and closes this connection.
    public static let adminShutdown = SQLState(rawValue: "57P01")
    /// 57P02 crash_shutdown.
    public static let crashShutdown = SQLState(rawValue: "57P02")
    /// 57P03 cannot_connect_now: the server is starting up or shutting down.
    public static let cannotConnectNow = SQLState(rawValue: "57P03")

    private static let names: [String: String] = [
        "08000": "connection_exception",
        "08003": "connection_does_not_exist",
        "08006": "connection_failure",
        "08001": "sqlclient_unable_to_establish_sqlconnection",
        "08P01": "protocol_violation",
        "22001": "string_data_right_truncation",
        "22003": "numeric_value_out_of_range",
        "22P02": "invalid_text_representation",
        "23502": "not_null_violation",
        "23503": "foreign_key_violation",
        "23505": "unique_violation",
        "23514": "check_violation",
        "23P01": "exclusion_violation",
        "25P02": "in_failed_sql_transaction",
        "40001": "serialization_failure",
        "40P01": "deadlock_detected",
        "42601": "syntax_error",
        "42501": "insufficient_privilege",
        "42703": "undefined_column",
        "42883": "undefined_function",
        "42P01": "undefined_table",
        "42P07": "duplicate_table",
        "42804": "datatype_mismatch",
        "53300": "too_many_connections",
        "55P03": "lock_not_available",
        "57014": "query_canceled",
        "57P01": "admin_shutdown",
        "57P02": "crash_shutdown",
        "57P03": "cannot_connect_now",
    ]
}
