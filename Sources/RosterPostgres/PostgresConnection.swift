import Dispatch
import Logging
import Synchronization

/// One PostgreSQL connection (one `PGconn`).
///
/// Every libpq call runs on the connection's own serial `DispatchQueue`, never on Swift's
/// cooperative thread pool, so a blocking `PQexecParams` parks only that queue's thread. Calls
/// from several tasks are therefore serialized, but a connection is meant to have one owner at a
/// time: take it from a ``PostgresPool`` with ``PostgresPool/withConnection(isolation:_:)``.
///
/// Statements use the extended protocol with binary parameters and binary results. Cancelling
/// the calling task sends a cancel request (`PQcancel`) for the running statement, which then
/// fails with ``SQLState/queryCanceled``.
///
/// A connection-level failure (lost connection, server shutdown, an unsupported `COPY`) marks
/// the connection ``isBroken``; every later call throws ``PostgresError/Code/connectionClosed``.
public final class PostgresConnection: Sendable {
    private struct State {
        var isBroken = false
        var isClosed = false
    }

    private static let connectionIDs = Atomic<Int>(0)

    /// A process-wide number for logs.
    public let id: Int
    /// The server process serving this connection (`pg_backend_pid()`).
    public let backendPID: Int32
    /// The logger, with `postgres.connection.id` metadata.
    public let logger: Logger
    private let queue: DispatchQueue
    /// Confined to `queue` (see ``PQConnection``).
    private let pq: PQConnection
    private let state = Mutex(State())
    private let statementIDs = Atomic<UInt64>(0)

    private init(id: Int, queue: DispatchQueue, pq: PQConnection, backendPID: Int32, logger: Logger) {
        self.id = id
        self.queue = queue
        self.pq = pq
        self.backendPID = backendPID
        self.logger = logger
    }

    // MARK: - Connecting

    /// Opens a connection. `PQconnectdbParams` blocks, so it runs on the new connection's queue.
    ///
    /// After connecting it checks that the server sends timestamps as integers
    /// (`integer_datetimes`) and that the client encoding is UTF8, which the binary codecs rely on.
    ///
    /// - Throws: ``PostgresError/Code/connectionFailed`` (see ``PostgresError/libpqMessage`` in
    ///   the debug description), or `CancellationError`.
    public static func connect(
        _ configuration: PostgresConfiguration,
        logger: Logger = Logger(label: "roster.postgres")
    ) async throws -> PostgresConnection {
        let id = Self.connectionIDs.wrappingAdd(1, ordering: .relaxed).newValue
        let queue = DispatchQueue(label: "roster.postgres.connection.\(id)")
        let parameters = configuration.connectionParameters
        let result: Result<(PQConnection, Int32), PostgresError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Self.open(parameters: parameters))
            }
        }
        // On failure the PQConnection was already released, which PQfinish'ed its PGconn.
        let (pq, backendPID) = try result.get()
        var logger = logger
        logger[metadataKey: "postgres.connection.id"] = "\(id)"
        let connection = PostgresConnection(id: id, queue: queue, pq: pq, backendPID: backendPID, logger: logger)
        if Task.isCancelled {
            connection.close()
            throw CancellationError()
        }
        logger.debug("postgres connection opened", metadata: ["postgres.backend.pid": "\(backendPID)"])
        return connection
    }

    /// Connects and checks the session's formats. Runs on the connection's queue.
    private static func open(
        parameters: [(keyword: String, value: String)]
    ) -> Result<
        (PQConnection, Int32), PostgresError
    > {
        switch PQConnection.connect(parameters: parameters) {
        case .failure(let error):
            return .failure(error)
        case .success(let pq):
            if pq.parameterStatus("integer_datetimes") != "on" {
                pq.finish()
                return .failure(
                    PostgresError(code: .connectionFailed, reason: "the server does not use integer timestamps")
                )
            }
            if pq.parameterStatus("client_encoding") != "UTF8" {
                pq.finish()
                return .failure(PostgresError(code: .connectionFailed, reason: "the client encoding is not UTF8"))
            }
            return .success((pq, pq.backendPID))
        }
    }

    // MARK: - State

    /// `true` after a connection-level failure; the connection cannot be used again.
    public var isBroken: Bool {
        self.state.withLock { $0.isBroken }
    }

    /// `true` after ``close()``.
    public var isClosed: Bool {
        self.state.withLock { $0.isClosed }
    }

    /// Closes the connection: libpq sends Terminate and frees the `PGconn` (`PQfinish`) on the
    /// connection's queue, after any statement still running. Idempotent.
    public func close() {
        let first = self.state.withLock { state in
            defer { state.isClosed = true }
            return !state.isClosed
        }
        guard first else { return }
        self.queue.async { [pq] in
            pq.finish()
        }
        self.logger.debug("postgres connection closed")
    }

    func markBroken(_ error: PostgresError, level: Logger.Level = .warning) {
        let first = self.state.withLock { state in
            defer { state.isBroken = true }
            return !state.isBroken
        }
        if first {
            self.logger.log(level: level, "postgres connection broken", metadata: ["postgres.error": "\(error)"])
        }
    }

    // MARK: - Statements

    /// Runs `query` and returns its rows.
    ///
    /// - Throws: ``PostgresError``: ``PostgresError/Code/server`` with a ``PostgresError/sqlState``
    ///   when the server rejects it, ``PostgresError/Code/connectionClosed`` when the connection is
    ///   lost or closed, ``PostgresError/Code/tooManyParameters``; or `CancellationError` when the
    ///   task was cancelled before the statement was sent.
    public func query(
        _ query: PostgresQuery,
        file: String = #fileID,
        line: Int = #line
    ) async throws -> PostgresQueryResult {
        try query.validate(file: file, line: line)
        let result = try await self.run(cancellable: true, file: file, line: line) { pq, statement in
            pq.execute(query, statement: statement)
        }
        return PostgresQueryResult(result)
    }

    /// Runs `query` and returns the number of rows it affected (`PQcmdTuples`; 0 for commands
    /// that report none).
    ///
    /// - Throws: as ``query(_:file:line:)``.
    @discardableResult
    public func execute(
        _ query: PostgresQuery,
        file: String = #fileID,
        line: Int = #line
    ) async throws -> Int {
        try await self.query(query, file: file, line: line).affectedRows
    }

    /// Runs SQL text that may contain several statements separated by semicolons, with the
    /// simple query protocol (`PQexec`): no parameters, results discarded. Outside a
    /// transaction the statements run in one implicit transaction.
    ///
    /// - Important: for SQL the program ships itself, such as migrations; never for input.
    /// - Throws: as ``query(_:file:line:)``.
    public func executeScript(_ sql: String, file: String = #fileID, line: Int = #line) async throws {
        _ = try await self.run(cancellable: true, file: file, line: line) { pq, statement in
            pq.executeScript(sql, statement: statement)
        }
    }

    /// Runs `work` on the connection's queue. When `cancellable`, cancelling the task before the
    /// statement starts skips it, and cancelling while it runs sends a cancel request.
    func run(
        cancellable: Bool,
        file: String,
        line: Int,
        _ work: @escaping @Sendable (PQConnection, UInt64) -> Result<PQResult, PostgresError>
    ) async throws -> PQResult {
        if cancellable {
            try Task.checkCancellation()
        }
        try self.checkUsable(file: file, line: line)
        let statement = self.statementIDs.wrappingAdd(1, ordering: .relaxed).newValue
        let cancelled = CancellationFlag()
        let result: Result<PQResult, any Error>
        if cancellable {
            result = await withTaskCancellationHandler {
                await self.enqueue(statement: statement, cancelled: cancelled, work)
            } onCancel: { [pq] in
                cancelled.set()
                // PQcancel opens a new connection to the server and waits for it: keep it off
                // the canceller's (possibly cooperative) thread.
                DispatchQueue.global().async {
                    pq.requestCancel(statement: statement)
                }
            }
        } else {
            result = await self.enqueue(statement: statement, cancelled: nil, work)
        }
        do {
            return try result.get()
        } catch var error as PostgresError {
            error.file = file
            error.line = line
            throw error
        }
    }

    private func enqueue(
        statement: UInt64,
        cancelled: CancellationFlag?,
        _ work: @escaping @Sendable (PQConnection, UInt64) -> Result<PQResult, PostgresError>
    ) async -> Result<PQResult, any Error> {
        await withCheckedContinuation { continuation in
            self.queue.async { [self] in
                // Cancelled while waiting for the queue: the statement is never sent.
                if cancelled?.isSet == true {
                    continuation.resume(returning: .failure(CancellationError()))
                    return
                }
                let result = work(self.pq, statement)
                if case .failure(let error) = result, Self.breaksConnection(error) {
                    self.markBroken(error)
                }
                continuation.resume(returning: result.mapError { $0 as any Error })
            }
        }
    }

    /// Runs a non-blocking `body` on the connection's queue.
    func onQueue<T: Sendable>(_ body: @escaping @Sendable (PQConnection) -> T) async -> T {
        await withCheckedContinuation { continuation in
            self.queue.async { [pq] in
                continuation.resume(returning: body(pq))
            }
        }
    }

    /// Checks without blocking that the connection is open, idle and has not been closed by
    /// the server (see ``PQConnection/checkHealth()``); marks it broken if not.
    func checkHealth() async -> Bool {
        guard !self.isBroken, !self.isClosed else { return false }
        let healthy = await self.onQueue { $0.checkHealth() }
        if !healthy {
            // Expected after a server restart; the pool logs the replacement.
            self.markBroken(PostgresError(code: .connectionClosed, reason: "health check failed"), level: .debug)
        }
        return healthy
    }

    /// Errors after which the connection must not be reused.
    static func breaksConnection(_ error: PostgresError) -> Bool {
        error.isConnectionFailure || error.code == .unsupportedResult
    }

    func checkUsable(file: String, line: Int) throws(PostgresError) {
        let (isClosed, isBroken) = self.state.withLock { ($0.isClosed, $0.isBroken) }
        if isClosed {
            throw PostgresError(code: .connectionClosed, reason: "the connection was closed", file: file, line: line)
        }
        if isBroken {
            throw PostgresError(code: .connectionClosed, reason: "the connection is broken", file: file, line: line)
        }
    }
}

/// A one-way flag set by a task cancellation handler and read on the connection's queue.
final class CancellationFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool {
        self.value.load(ordering: .acquiring)
    }

    func set() {
        self.value.store(true, ordering: .releasing)
    }
}
