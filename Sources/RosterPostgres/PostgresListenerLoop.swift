import Glibc
import Logging
import Synchronization

/// The thread body of a ``PostgresListener``: owns its `PQConnection` (confined to that thread)
/// and the wake pipe, reconnects after failures.
final class PostgresListenerLoop: Sendable {
    private struct Shared {
        var isStopped = false
        /// The wake pipe; `nil` once the loop closed it. Written and closed only under the lock,
        /// so ``stop()`` never writes to a closed (or reused) descriptor.
        var pipe: (read: Int32, write: Int32)?
        var isConnected = false
        var reconnectCount = 0
    }

    /// How long one `poll(2)` waits before checking for a stop again (the pipe wakes it sooner).
    private static let pollInterval: Int32 = 1_000
    private static let maximumReconnectDelay: Duration = .seconds(30)

    private let shared: Mutex<Shared>
    private let channels: [String]
    private let parameters: [(keyword: String, value: String)]
    private let reconnectDelay: Duration
    private let continuation: AsyncStream<PostgresNotification>.Continuation
    private let logger: Logger

    init(
        channels: [String],
        parameters: [(keyword: String, value: String)],
        reconnectDelay: Duration,
        continuation: AsyncStream<PostgresNotification>.Continuation,
        logger: Logger
    ) throws(PostgresError) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            throw PostgresError(
                code: .connectionFailed,
                reason: "could not create the listener's wake pipe (errno \(errno))"
            )
        }
        for descriptor in descriptors {
            // Non-blocking so that a full pipe never blocks stop(); close-on-exec for child processes.
            _ = fcntl(descriptor, F_SETFL, O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        self.shared = Mutex(Shared(pipe: (read: descriptors[0], write: descriptors[1])))
        self.channels = channels
        self.parameters = parameters
        self.reconnectDelay = reconnectDelay
        self.continuation = continuation
        self.logger = logger
    }

    var isConnected: Bool {
        self.shared.withLock { $0.isConnected }
    }

    var reconnectCount: Int {
        self.shared.withLock { $0.reconnectCount }
    }

    private var isStopped: Bool {
        self.shared.withLock { $0.isStopped }
    }

    /// Asks the loop to end and wakes it. Idempotent; any thread.
    func stop() {
        self.shared.withLock { shared in
            guard !shared.isStopped else { return }
            shared.isStopped = true
            if let pipe = shared.pipe {
                var byte: UInt8 = 1
                _ = write(pipe.write, &byte, 1)
            }
        }
    }

    // MARK: - Thread body

    /// Runs until ``stop()``. Reports the first connection's outcome through `started`; if it
    /// failed, the loop ends at once.
    func run(started: (Result<Void, PostgresError>) -> Void) {
        var connection: PQConnection?
        switch self.connectAndListen() {
        case .success(let pq):
            connection = pq
            started(.success(()))
        case .failure(let error):
            started(.failure(error))
            self.finish(nil)
            return
        }
        var delay = self.reconnectDelay
        while !self.isStopped {
            guard let pq = connection else {
                guard self.sleep(delay) else { break }
                switch self.connectAndListen() {
                case .success(let pq):
                    connection = pq
                    delay = self.reconnectDelay
                    self.shared.withLock { $0.reconnectCount += 1 }
                    self.logger.warning(
                        "postgres listener reconnected; notifications sent while disconnected were lost"
                    )
                case .failure(let error):
                    self.logger.warning(
                        "postgres listener could not reconnect",
                        metadata: ["postgres.error": "\(error)"]
                    )
                    delay = min(delay * 2, Self.maximumReconnectDelay)
                }
                continue
            }
            switch self.waitForInput(socket: pq.socket) {
            case .stop:
                continue
            case .timeout:
                if pq.isConnectionOK {
                    continue
                }
            case .readable:
                if pq.consumeInput() {
                    self.deliver(from: pq)
                    if pq.isConnectionOK {
                        continue
                    }
                }
            case .failed:
                break
            }
            self.logger.warning("postgres listener connection lost; reconnecting")
            pq.finish()
            connection = nil
            self.shared.withLock { $0.isConnected = false }
        }
        self.finish(connection)
    }

    /// Connects, quotes every channel with `PQescapeIdentifier` and runs `LISTEN` for each.
    private func connectAndListen() -> Result<PQConnection, PostgresError> {
        let pq: PQConnection
        switch PQConnection.connect(parameters: self.parameters) {
        case .failure(let error):
            return .failure(error)
        case .success(let connection):
            pq = connection
        }
        var statements: [String] = []
        for channel in self.channels {
            guard let quoted = pq.escapeIdentifier(channel) else {
                pq.finish()
                return .failure(PostgresError(code: .connectionFailed, reason: "could not quote a channel name"))
            }
            statements.append("LISTEN \(quoted);")
        }
        if case .failure(let error) = pq.executeScript(statements.joined(separator: " "), statement: 0) {
            pq.finish()
            return .failure(error)
        }
        self.shared.withLock { $0.isConnected = true }
        self.deliver(from: pq)
        return .success(pq)
    }

    /// Yields every notification libpq has already read.
    private func deliver(from pq: PQConnection) {
        while let notification = pq.nextNotification() {
            if case .dropped = self.continuation.yield(notification) {
                self.logger.warning("postgres listener buffer full; dropped the oldest notification")
            }
        }
    }

    private enum Wait {
        case readable
        case timeout
        case stop
        case failed
    }

    /// Waits for the connection's socket (if any) or the wake pipe.
    private func waitForInput(socket: Int32, timeoutMilliseconds: Int32 = PostgresListenerLoop.pollInterval) -> Wait {
        guard let wake = self.shared.withLock({ $0.pipe?.read }) else { return .stop }
        var descriptors = [pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        if socket >= 0 {
            descriptors.append(pollfd(fd: socket, events: Int16(POLLIN), revents: 0))
        }
        while true {
            let count = poll(&descriptors, nfds_t(descriptors.count), timeoutMilliseconds)
            if count < 0 && errno == EINTR {
                continue
            }
            if count < 0 {
                return .failed
            }
            if descriptors[0].revents != 0 {
                return .stop
            }
            if count == 0 {
                return .timeout
            }
            return descriptors[1].revents & Int16(POLLNVAL) != 0 ? .failed : .readable
        }
    }

    /// Sleeps up to `delay`, returning `false` if woken by ``stop()``.
    private func sleep(_ delay: Duration) -> Bool {
        let milliseconds = Int32(
            clamping: delay.components.seconds * 1_000 + delay.components.attoseconds / 1_000_000_000_000_000
        )
        return self.waitForInput(socket: -1, timeoutMilliseconds: max(1, milliseconds)) == .timeout && !self.isStopped
    }

    /// Closes the connection and the pipe, and finishes the stream.
    private func finish(_ connection: PQConnection?) {
        connection?.finish()
        self.shared.withLock { shared in
            shared.isStopped = true
            shared.isConnected = false
            if let pipe = shared.pipe {
                close(pipe.read)
                close(pipe.write)
                shared.pipe = nil
            }
        }
        self.continuation.finish()
    }
}
