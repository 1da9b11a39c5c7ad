internal import CLibpq
import Glibc

/// Owns one `PGconn` and wraps the libpq calls Roster makes on it. Most calls block.
///
/// `@unchecked Sendable`: libpq forbids two threads from using one `PGconn` at the same time.
/// Every method except ``requestCancel(statement:)`` must run on the owner's serial queue
/// (``PostgresConnection`` or ``PostgresListener``), which is the only code that holds a
/// `PQConnection`; `deinit` runs when nothing else can hold it.
final class PQConnection: @unchecked Sendable {
    /// The `PGconn *`, `nil` after ``finish()``.
    private var handle: OpaquePointer?
    private let cancelHandle: PQCancelHandle

    private init(taking handle: OpaquePointer) {
        self.handle = handle
        // PQgetCancel copies what it needs from the connection; its PGcancel is independent of
        // the PGconn and freed separately with PQfreeCancel (by PQCancelHandle).
        self.cancelHandle = PQCancelHandle(taking: PQgetCancel(handle))
        // Without a notice processor libpq prints NOTICE/WARNING messages to stderr, where they
        // would bypass the logger and may quote data. Drop them (no captures: a C function).
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    deinit {
        self.finish()
    }

    // MARK: - Connecting

    /// Connects with `PQconnectdbParams` (blocking, bounded by the `connect_timeout` keyword).
    ///
    /// - Parameter parameters: keyword/value pairs; never a conninfo string built by interpolation.
    static func connect(parameters: [(keyword: String, value: String)]) -> Result<PQConnection, PostgresError> {
        let handle = CStringArray.withArrays(parameters.map(\.keyword), parameters.map(\.value)) { keywords, values in
            // expand_dbname = 0: a dbname value is only a database name (PostgresConfiguration
            // already split any conninfo string into keywords with PQconninfoParse).
            PQconnectdbParams(keywords, values, 0)
        }
        guard let handle else {
            return .failure(PostgresError(code: .connectionFailed, reason: "libpq could not allocate a connection"))
        }
        // PQconnectdbParams returns a PGconn even when connecting failed; it must still be
        // PQfinish'ed, which PQConnection's deinit does when `connection` goes away.
        let connection = PQConnection(taking: handle)
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = connection.errorMessage
            return .failure(
                PostgresError(
                    code: .connectionFailed,
                    reason: "could not connect to the server",
                    sqlState: Self.sqlState(inConnectionMessage: message),
                    libpqMessage: message
                )
            )
        }
        return .success(connection)
    }

    /// libpq reports startup errors as text only; recognize the retryable "starting up" and
    /// "shutting down" states by their SQLSTATE's usual wording.
    private static func sqlState(inConnectionMessage message: String?) -> SQLState? {
        guard let message else { return nil }
        if message.contains("the database system is starting up") || message.contains("shutting down")
            || message.contains("in recovery mode")
        {
            return .cannotConnectNow
        }
        return nil
    }

    /// Closes the connection: sends Terminate and frees the `PGconn`. `PQfinish` must be called
    /// exactly once per `PGconn`, even if connecting failed; `handle` is cleared so a second
    /// call (or `deinit` after ``finish()``) does nothing.
    func finish() {
        self.cancelHandle.free()
        if let handle {
            PQfinish(handle)
            self.handle = nil
        }
    }

    // MARK: - State

    /// `PQstatus == CONNECTION_OK`.
    var isConnectionOK: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    var transactionState: PQTransactionState {
        guard let handle else { return .unknown }
        return PQTransactionState(PQtransactionStatus(handle))
    }

    /// `PQerrorMessage`, copied (the C string belongs to the connection), trimmed.
    var errorMessage: String? {
        guard let handle, let text = PQerrorMessage(handle) else { return nil }
        let message = String(cString: text).trimmingTrailingNewlines()
        return message.isEmpty ? nil : message
    }

    /// A server parameter reported at startup (`PQparameterStatus`), copied.
    func parameterStatus(_ name: String) -> String? {
        guard let handle, let value = PQparameterStatus(handle, name) else { return nil }
        return String(cString: value)
    }

    var backendPID: Int32 {
        guard let handle else { return 0 }
        return PQbackendPID(handle)
    }

    var socket: Int32 {
        guard let handle else { return -1 }
        return PQsocket(handle)
    }

    // MARK: - Statements

    /// Asks the server to cancel `statement` if it is still running. Any thread; blocks briefly.
    func requestCancel(statement: UInt64) {
        self.cancelHandle.cancel(statement: statement)
    }

    /// Runs one statement with binary parameters and binary results (`PQexecParams`, extended
    /// protocol: a single statement, no multi-statement strings). Blocks until the server answers.
    func execute(_ query: PostgresQuery, statement: UInt64) -> Result<PQResult, PostgresError> {
        guard let handle else {
            return .failure(PostgresError(code: .connectionClosed, reason: "connection is closed", query: query))
        }
        let binds = query.binds.values
        let types = binds.map { Oid($0.type.rawValue) }
        let lengths = binds.map { Int32($0.bytes?.count ?? 0) }
        let formats = [Int32](repeating: 1, count: binds.count)  // 1 = binary, for every parameter
        // One contiguous copy of every value keeps all parameter pointers valid for the call;
        // the trailing byte makes zero-length values point at real memory.
        var offsets: [Int] = []
        offsets.reserveCapacity(binds.count)
        var storage: [UInt8] = []
        storage.reserveCapacity(binds.reduce(1) { $0 + ($1.bytes?.count ?? 0) })
        for bind in binds {
            offsets.append(storage.count)
            storage.append(contentsOf: bind.bytes ?? [])
        }
        storage.append(0)

        self.cancelHandle.setRunning(statement)
        defer { self.cancelHandle.setRunning(nil) }
        let pointer: OpaquePointer? = storage.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
            let values: [UnsafePointer<CChar>?] = binds.indices.map { index in
                binds[index].bytes == nil ? nil : base + offsets[index]
            }
            // resultFormat = 1: every result column in binary; PostgresDecodable reads binary only.
            return PQexecParams(handle, query.sql, Int32(binds.count), types, values, lengths, formats, 1)
        }
        return self.complete(pointer, query: query)
    }

    /// Runs SQL text that may hold several statements (`PQexec`, simple protocol, text results,
    /// no parameters). For migrations and other SQL the program ships itself.
    func executeScript(_ sql: String, statement: UInt64) -> Result<PQResult, PostgresError> {
        let query = PostgresQuery(unsafeSQL: sql)
        guard let handle else {
            return .failure(PostgresError(code: .connectionClosed, reason: "connection is closed", query: query))
        }
        self.cancelHandle.setRunning(statement)
        defer { self.cancelHandle.setRunning(nil) }
        // PQexec returns only the last statement's result (or the first error) and discards the
        // others itself.
        return self.complete(PQexec(handle, sql), query: query)
    }

    /// Turns a `PQexec*` return value into a result or an error. The PGresult is owned by the
    /// `PQResult` from here on (freed by its deinit), also on the error paths.
    private func complete(_ pointer: OpaquePointer?, query: PostgresQuery) -> Result<PQResult, PostgresError> {
        guard let pointer else {
            // NULL: out of memory or the command could not be sent at all.
            return .failure(
                PostgresError(
                    code: self.isConnectionOK ? .server : .connectionClosed,
                    reason: "libpq returned no result",
                    query: query,
                    libpqMessage: self.errorMessage
                )
            )
        }
        let result = PQResult(taking: pointer)
        switch result.status {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return .success(result)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            let sqlState = result.sqlState
            let lost = !self.isConnectionOK
            return .failure(
                PostgresError(
                    code: lost ? .connectionClosed : .server,
                    reason: lost ? "connection lost" : nil,
                    sqlState: sqlState,
                    serverInfo: sqlState == nil ? nil : result.serverInfo,
                    query: query,
                    libpqMessage: result.errorMessage ?? self.errorMessage
                )
            )
        default:
            // COPY and pipeline results leave the connection in a state this library does not
            // drive; the caller marks the connection broken so the pool discards it.
            return .failure(
                PostgresError(
                    code: .unsupportedResult,
                    reason: "unsupported result status \(String(cString: PQresStatus(result.status)))",
                    query: query
                )
            )
        }
    }

    // MARK: - Non-blocking input

    /// Reads what the server sent without blocking, and reports whether the connection is
    /// still usable and idle. Used before handing out a pooled connection: after a server
    /// restart the socket holds the server's FATAL message and end-of-file, so it is readable.
    /// Notifications that arrive on a pooled connection are dropped.
    func checkHealth() -> Bool {
        guard let handle, PQstatus(handle) == CONNECTION_OK, PQtransactionStatus(handle) == PQTRANS_IDLE else {
            return false
        }
        for _ in 0..<8 {
            switch Self.poll(socket: PQsocket(handle), timeoutMilliseconds: 0) {
            case .timeout:
                return true
            case .failed:
                return false
            case .readable:
                // PQconsumeInput returns 0 when reading failed; at end-of-file libpq also sets
                // CONNECTION_BAD. A second round is needed when the FATAL message and the EOF
                // arrive together: the first read returns the message, the second sees EOF.
                guard PQconsumeInput(handle) == 1 else { return false }
                while let notification = PQnotifies(handle) {
                    PQfreemem(notification)  // PGnotify structs are freed with PQfreemem.
                }
                guard PQstatus(handle) == CONNECTION_OK else { return false }
            }
        }
        return false
    }

    /// `PQconsumeInput`: reads available input without blocking. `false` when reading failed.
    func consumeInput() -> Bool {
        guard let handle else { return false }
        return PQconsumeInput(handle) == 1
    }

    /// The next notification already read by ``consumeInput()``, if any.
    func nextNotification() -> PostgresNotification? {
        guard let handle, let pointer = PQnotifies(handle) else { return nil }
        // The PGnotify and its strings are one allocation, freed with PQfreemem after copying.
        defer { PQfreemem(pointer) }
        let channel = String(cString: pointer.pointee.relname)
        let payload = pointer.pointee.extra.map { String(cString: $0) } ?? ""
        return PostgresNotification(channel: channel, payload: payload, backendPID: pointer.pointee.be_pid)
    }

    /// Quotes `identifier` with `PQescapeIdentifier` (honours the connection's encoding).
    func escapeIdentifier(_ identifier: String) -> String? {
        guard let handle else { return nil }
        let utf8 = Array(identifier.utf8)
        let escaped = utf8.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { PQescapeIdentifier(handle, $0.baseAddress, $0.count) }
        }
        guard let escaped else { return nil }
        // PQescapeIdentifier's result is malloc'ed by libpq and freed with PQfreemem.
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    enum PollResult {
        case readable
        case timeout
        case failed
    }

    /// `poll(2)` for readability of `socket`.
    static func poll(socket: Int32, timeoutMilliseconds: Int32) -> PollResult {
        guard socket >= 0 else { return .failed }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        while true {
            let count = Glibc.poll(&descriptor, 1, timeoutMilliseconds)
            if count < 0 && errno == EINTR {
                continue
            }
            if count < 0 || descriptor.revents & Int16(POLLNVAL) != 0 {
                return .failed
            }
            // POLLHUP/POLLERR: reading reports the failure (and libpq marks the connection bad).
            return count == 0 ? .timeout : .readable
        }
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last?.isNewline == true {
            text.removeLast()
        }
        return text
    }
}
