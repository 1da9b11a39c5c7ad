import Dispatch
import Logging
import Synchronization

/// A bounded pool of ``PostgresConnection``s, handed out as scoped leases.
///
/// ```swift
/// let pool = PostgresPool(configuration: configuration, size: 10, logger: logger)
/// let count = try await pool.withConnection { connection in
///     try await connection.query("SELECT count(*) FROM jobs").singleValue(Int.self)
/// }
/// ```
///
/// - Connections are opened lazily, at most ``size`` at a time (connecting ones included).
/// - A lease waits at most ``acquireTimeout`` for a free connection, then throws
///   ``PostgresError/Code/poolTimeout``. Waiting is cancellation-safe.
/// - Before an idle connection is handed out it is checked without blocking: one the server
///   closed (after a restart or failover) is discarded and replaced, so only statements that were
///   actually in flight see the failure.
/// - A connection returned broken is closed and its slot freed; one returned inside an open
///   transaction is rolled back first.
///
/// As a `Service` (see `PostgresPool+Service.swift`) it closes on graceful shutdown.
public final class PostgresPool: Sendable {
    typealias Waiter = CheckedContinuation<PoolGrant<PostgresConnection>, any Error>
    typealias StateMachine = PoolStateMachine<PostgresConnection, Waiter>

    /// Counts for monitoring.
    public struct Statistics: Sendable, Hashable {
        /// Connections open or being opened.
        public var connections: Int
        /// Open connections not leased.
        public var idle: Int
        /// Connections leased (or being opened for a lease).
        public var leased: Int
        /// Leases waiting for a connection.
        public var waiting: Int
    }

    /// How connections are opened.
    public let configuration: PostgresConfiguration
    /// The most connections open at once.
    public let size: Int
    /// How long a lease waits for a free connection.
    public let acquireTimeout: Duration
    let logger: Logger
    private let state: Mutex<StateMachine>
    private let waiterIDs = Atomic<Int>(0)

    /// A pool; no connection is opened until the first lease.
    ///
    /// - Parameters:
    ///   - configuration: How to connect.
    ///   - size: The most connections open at once (at least 1).
    ///   - acquireTimeout: How long a lease waits for a free connection. Default 10 seconds.
    ///   - logger: For connection lifecycle events; never logs statements' values.
    public init(
        configuration: PostgresConfiguration,
        size: Int = 10,
        acquireTimeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "roster.postgres")
    ) {
        self.configuration = configuration
        self.size = size
        self.acquireTimeout = acquireTimeout
        self.logger = logger
        self.state = Mutex(StateMachine(size: size))
    }

    deinit {
        self.close()
    }

    /// The current counts.
    public var statistics: Statistics {
        self.state.withLock { state in
            Statistics(connections: state.taken, idle: state.idle.count, leased: state.leased, waiting: state.waiting)
        }
    }

    // MARK: - Leases

    /// Leases a connection for the duration of `body`.
    ///
    /// - Important: `body` is the connection's only user until it returns; do not keep the
    ///   connection or use it from other tasks.
    /// - Throws: ``PostgresError/Code/poolTimeout`` when no connection became free in time,
    ///   ``PostgresError/Code/poolClosed``, ``PostgresError/Code/connectionFailed``,
    ///   `CancellationError`, or what `body` throws.
    @discardableResult
    public func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation,
        file: String = #fileID,
        line: Int = #line,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        let connection = try await self.lease(file: file, line: line)
        let value: Result
        do {
            value = try await body(connection)
        } catch {
            await self.giveBack(connection)
            throw error
        }
        await self.giveBack(connection)
        return value
    }

    /// Runs `body` in a transaction on a leased connection
    /// (see ``PostgresConnection/withTransaction(isolation:file:line:_:)``).
    ///
    /// - Throws: ``PostgresTransactionError``; a failure to lease a connection is its
    ///   ``PostgresTransactionError/beginError``.
    @discardableResult
    public func withTransaction<Result>(
        isolation: isolated (any Actor)? = #isolation,
        file: String = #fileID,
        line: Int = #line,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        let connection: PostgresConnection
        do {
            connection = try await self.lease(file: file, line: line)
        } catch {
            var failure = PostgresTransactionError(file: file, line: line)
            failure.beginError = error
            throw failure
        }
        let value: Result
        do {
            value = try await connection.withTransaction(file: file, line: line, body)
        } catch {
            await self.giveBack(connection)
            throw error
        }
        await self.giveBack(connection)
        return value
    }

    /// Runs `query` on a leased connection.
    ///
    /// - Throws: as ``withConnection(isolation:file:line:_:)`` and ``PostgresConnection/query(_:file:line:)``.
    public func query(
        _ query: PostgresQuery, file: String = #fileID, line: Int = #line
    ) async throws
        -> PostgresQueryResult
    {
        try query.validate(file: file, line: line)
        return try await self.withConnection(file: file, line: line) { connection in
            try await connection.query(query, file: file, line: line)
        }
    }

    /// Runs `query` on a leased connection and returns the number of rows it affected.
    ///
    /// - Throws: as ``query(_:file:line:)``.
    @discardableResult
    public func execute(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> Int {
        try await self.query(query, file: file, line: line).affectedRows
    }

    /// Closes idle connections and fails waiting leases with ``PostgresError/Code/poolClosed``;
    /// leased connections are closed when returned. Later leases fail. Idempotent.
    public func close() {
        let (idle, waiters) = self.state.withLock { $0.close() }
        for connection in idle {
            connection.close()
        }
        for waiter in waiters {
            waiter.resume(throwing: PostgresError(code: .poolClosed, reason: "the pool was closed"))
        }
    }

    // MARK: - Internals

    /// Returns a healthy connection that the caller owns until ``giveBack(_:)``.
    func lease(file: String, line: Int) async throws -> PostgresConnection {
        let grant = try await self.acquireGrant(file: file, line: line)
        if case .connection(let connection) = grant {
            if await connection.checkHealth() {
                return connection
            }
            // The server closed it (restart, failover, idle timeout): replace it in the same slot.
            self.logger.info(
                "discarding a stale pooled postgres connection",
                metadata: ["postgres.connection.id": "\(connection.id)"]
            )
            connection.close()
        }
        do {
            return try await PostgresConnection.connect(self.configuration, logger: self.logger)
        } catch {
            self.perform(self.state.withLock { $0.discard(nil) })
            throw error
        }
    }

    /// Takes back a leased connection: reused if healthy and idle, otherwise closed.
    func giveBack(_ connection: PostgresConnection) async {
        var reusable = !connection.isBroken && !connection.isClosed
        if reusable {
            let state = await connection.onQueue { $0.transactionState }
            if state.isInTransactionBlock {
                self.logger.warning(
                    "postgres connection returned inside a transaction; rolling back",
                    metadata: ["postgres.connection.id": "\(connection.id)"]
                )
                do {
                    try await connection.endTransaction("ROLLBACK", file: #fileID, line: #line)
                } catch {
                    reusable = false
                }
            } else if state != .idle {
                reusable = false
            }
        }
        let action = self.state.withLock { reusable ? $0.release(connection) : $0.discard(connection) }
        self.perform(action)
    }

    private func acquireGrant(file: String, line: Int) async throws -> StateMachine.Grant {
        try Task.checkCancellation()
        let id = self.waiterIDs.wrappingAdd(1, ordering: .relaxed).newValue
        let grant: StateMachine.Grant = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Waiter) in
                switch self.state.withLock({ $0.acquire(id: id, waiter: continuation) }) {
                case .grant(let grant):
                    continuation.resume(returning: grant)
                case .failClosed:
                    continuation.resume(
                        throwing: PostgresError(code: .poolClosed, reason: "the pool is closed", file: file, line: line)
                    )
                case .wait:
                    // Cancelled before the handler could see the waiter: take it out again.
                    if Task.isCancelled, let waiter = self.state.withLock({ $0.removeWaiter(id: id) }) {
                        waiter.resume(throwing: CancellationError())
                        return
                    }
                    self.scheduleTimeout(waiter: id, file: file, line: line)
                }
            }
        } onCancel: {
            if let waiter = self.state.withLock({ $0.removeWaiter(id: id) }) {
                waiter.resume(throwing: CancellationError())
            }
        }
        return grant
    }

    private func scheduleTimeout(waiter id: Int, file: String, line: Int) {
        let (seconds, attoseconds) = self.acquireTimeout.components
        let nanoseconds = Int(clamping: seconds) &* 1_000_000_000 &+ Int(attoseconds / 1_000_000_000)
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(max(0, nanoseconds))) { [weak self] in
            guard let self, let waiter = self.state.withLock({ $0.removeWaiter(id: id) }) else { return }
            let statistics = self.statistics
            waiter.resume(
                throwing: PostgresError(
                    code: .poolTimeout,
                    reason: "no connection became free within \(self.acquireTimeout) "
                        + "(pool size \(self.size), \(statistics.leased) leased, \(statistics.waiting) more waiting)",
                    file: file,
                    line: line
                )
            )
        }
    }

    private func perform(_ action: StateMachine.ReleaseAction) {
        switch action {
        case .none:
            break
        case .resume(let waiter, let grant):
            waiter.resume(returning: grant)
        case .close(let connection):
            connection.close()
        case .closeAndResume(let connection, let waiter):
            connection?.close()
            waiter.resume(returning: .connect)
        case .closeOnly(let connection):
            connection?.close()
        }
    }
}
