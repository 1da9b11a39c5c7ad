/// An error from ``RosterPostgres``: a failed connection, a server error, a decoding failure, a
/// pool timeout, …
///
/// - Important: ``description`` is deliberately generic: it names the ``code``, the SQLSTATE and
///   a reason written by this library, and never contains server messages (they can quote bound
///   values, as in `invalid input syntax for type integer: "…"`), bound values or row data, so
///   `"\(error)"` is safe in logs. ``debugDescription`` adds the server fields and the query text
///   (with binds still printed as `****`) for debugging.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of failure this is. A struct over a private enum so that codes can be added
    /// without breaking `switch` statements in callers; compare with `==`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidConfiguration
            case connectionFailed
            case connectionClosed
            case server
            case decoding
            case poolTimeout
            case poolClosed
            case tooManyParameters
            case unsupportedResult
            case transaction
            case migration
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The configuration (URL, conninfo) could not be parsed or is invalid.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// Connecting to the server failed (unreachable, authentication, server starting up, …).
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection was lost or closed; the connection is unusable (``PostgresConnection/isBroken``).
        public static let connectionClosed = Code(.connectionClosed)
        /// The server rejected the statement; see ``PostgresError/sqlState``.
        public static let server = Code(.server)
        /// Another name for ``server``: the server rejected the statement.
        public static let queryFailed = Code(.server)
        /// A column could not be decoded into the requested Swift type.
        public static let decoding = Code(.decoding)
        /// No pooled connection became free within the pool's acquire timeout.
        public static let poolTimeout = Code(.poolTimeout)
        /// The pool was closed.
        public static let poolClosed = Code(.poolClosed)
        /// A query has more than 65,535 bound parameters, the protocol's limit.
        public static let tooManyParameters = Code(.tooManyParameters)
        /// The server answered with a result this library does not handle (for example `COPY`).
        public static let unsupportedResult = Code(.unsupportedResult)
        /// A transaction was misused (for example nested `BEGIN`).
        public static let transaction = Code(.transaction)
        /// A migration set is invalid or does not match the database.
        public static let migration = Code(.migration)

        /// The code's name, for example `connectionFailed`.
        public var description: String {
            self.base.rawValue
        }
    }

    /// The fields of a server error or notice (`PQresultErrorField`). They can contain row data
    /// (`detail` often quotes the conflicting key), so they appear only in ``debugDescription``.
    public struct ServerInfo: Sendable, Hashable {
        /// `ERROR`, `FATAL`, `PANIC` (non-localized `PG_DIAG_SEVERITY_NONLOCALIZED`).
        public var severity: String?
        /// The primary human-readable message.
        public var message: String?
        /// Optional secondary message, often quoting values.
        public var detail: String?
        /// Optional suggestion what to do about it.
        public var hint: String?
        /// The constraint that was violated, if any.
        public var constraint: String?
        /// The schema of the object involved, if any.
        public var schema: String?
        /// The table involved, if any.
        public var table: String?
        /// The column involved, if any.
        public var column: String?

        /// An empty set of fields.
        public init() {}
    }

    /// What kind of failure this is.
    public var code: Code
    /// The SQLSTATE, for server errors (and for connection errors that carry one, such as
    /// ``SQLState/adminShutdown`` or ``SQLState/cannotConnectNow``).
    public var sqlState: SQLState?
    /// The server's error fields, if the server sent an error.
    public var serverInfo: ServerInfo?
    /// The query that failed, if any. Its binds always print as `****`.
    public var query: PostgresQuery?
    /// A reason written by this library. Never contains bound values or row data.
    public var reason: String?
    /// libpq's own message (`PQerrorMessage`), for connection-level errors; only in ``debugDescription``.
    public var libpqMessage: String?
    /// Where the error was created.
    public var file: String
    /// Where the error was created.
    public var line: Int

    /// Creates an error. Prefer the static factories.
    public init(
        code: Code,
        reason: String? = nil,
        sqlState: SQLState? = nil,
        serverInfo: ServerInfo? = nil,
        query: PostgresQuery? = nil,
        libpqMessage: String? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.reason = reason
        self.sqlState = sqlState
        self.serverInfo = serverInfo
        self.query = query
        self.libpqMessage = libpqMessage
        self.file = file
        self.line = line
    }

    // MARK: - Classification

    /// `true` when the connection itself failed: connecting failed, the connection was lost, the
    /// SQLSTATE is in class 08, or the server is shutting down / starting up.
    public var isConnectionFailure: Bool {
        if self.code == .connectionFailed || self.code == .connectionClosed {
            return true
        }
        guard let sqlState else { return false }
        return sqlState.isConnectionClass || sqlState == .adminShutdown || sqlState == .crashShutdown
            || sqlState == .cannotConnectNow
    }

    /// `true` when running the same work again may succeed: connection failures, serialization
    /// failures, deadlocks, the server shutting down or starting up, and pool timeouts.
    ///
    /// - Important: retry a whole transaction, never a single statement of one.
    public var isRetryable: Bool {
        if self.isConnectionFailure || self.code == .poolTimeout {
            return true
        }
        return self.sqlState == .serializationFailure || self.sqlState == .deadlockDetected
    }

    // MARK: - Descriptions

    /// A generic description without server messages, bound values or row data, for example
    /// `PostgreSQL error 23505 (unique_violation)`.
    public var description: String {
        var text: String
        if self.code == .server, let sqlState {
            text = "PostgreSQL error \(sqlState)"
        } else {
            text = "PostgreSQL \(self.code)"
            if let sqlState {
                text += " \(sqlState)"
            }
        }
        if let reason {
            text += ": \(reason)"
        }
        return text
    }

    /// The description plus the server fields, libpq's message and the redacted query.
    public var debugDescription: String {
        var parts = ["PostgresError(code: \(self.code)"]
        if let sqlState {
            parts.append("sqlState: \(sqlState)")
        }
        if let reason {
            parts.append("reason: \(reason)")
        }
        if let info = self.serverInfo {
            let fields: [(String, String?)] = [
                ("severity", info.severity), ("message", info.message), ("detail", info.detail),
                ("hint", info.hint), ("constraint", info.constraint), ("schema", info.schema),
                ("table", info.table), ("column", info.column),
            ]
            for case (let name, let value?) in fields {
                parts.append("\(name): \(String(reflecting: value))")
            }
        }
        if let libpqMessage {
            parts.append("libpq: \(String(reflecting: libpqMessage))")
        }
        if let query {
            parts.append("query: \(String(reflecting: query.description))")
        }
        parts.append("file: \(self.file)")
        parts.append("line: \(self.line))")
        return parts.joined(separator: ", ")
    }
}
