import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A dedicated connection that `LISTEN`s on channels and delivers notifications as an
/// `AsyncStream`.
///
/// ```swift
/// let listener = try await PostgresListener.listen(channels: ["jobs"], configuration: configuration)
/// for await notification in listener.notifications {
///     print(notification.channel)
/// }
/// ```
///
/// The connection lives on its own thread, which waits on the socket with `poll(2)` (and a wake
/// pipe, so ``close()`` is immediate), reads with `PQconsumeInput` and drains `PQnotifies`. When
/// the connection fails it reconnects with backoff and `LISTEN`s again.
///
/// - Important: notifications sent while the listener was disconnected are lost (PostgreSQL
///   does not queue them). Treat a notification as a hint to look at the tables, and look
///   periodically as well.
///
/// Channel names are quoted with `PQescapeIdentifier` and are case-sensitive; send with
/// ``PostgresConnection/notify(channel:payload:file:line:)`` (`pg_notify`) using the same names.
public final class PostgresListener: Sendable {
    /// The channels listened on.
    public let channels: [String]
    /// The notifications, in the order the server sent them. Finishes after ``close()``.
    /// Iterate it from one task. Ending the iteration (or cancelling it) closes the listener.
    public let notifications: AsyncStream<PostgresNotification>
    private let loop: PostgresListenerLoop

    private init(channels: [String], notifications: AsyncStream<PostgresNotification>, loop: PostgresListenerLoop) {
        self.channels = channels
        self.notifications = notifications
        self.loop = loop
    }

    deinit {
        self.loop.stop()
    }

    /// Connects, `LISTEN`s on `channels`, and starts delivering notifications.
    ///
    /// - Parameters:
    ///   - channels: Channel names (any text; quoted on the wire). At least one.
    ///   - configuration: How to connect.
    ///   - reconnectDelay: The first delay before reconnecting after a failure; it doubles up to
    ///     30 seconds while reconnecting keeps failing. Default 250 milliseconds.
    ///   - bufferSize: The most undelivered notifications kept; older ones are dropped (and
    ///     logged) beyond it. Default 10,000.
    ///   - logger: For connection events; payloads are never logged.
    /// - Returns: once `LISTEN` is in effect, so a notification sent after this returns is delivered.
    /// - Throws: ``PostgresError`` when `channels` is empty or the first connection or `LISTEN` fails.
    public static func listen(
        channels: [String],
        configuration: PostgresConfiguration,
        reconnectDelay: Duration = .milliseconds(250),
        bufferSize: Int = 10_000,
        logger: Logger = Logger(label: "roster.postgres.listener")
    ) async throws -> PostgresListener {
        guard !channels.isEmpty else {
            throw PostgresError(code: .invalidConfiguration, reason: "a listener needs at least one channel")
        }
        let (stream, continuation) = AsyncStream.makeStream(
            of: PostgresNotification.self,
            bufferingPolicy: .bufferingNewest(bufferSize)
        )
        let loop = try PostgresListenerLoop(
            channels: channels,
            parameters: configuration.connectionParameters,
            reconnectDelay: reconnectDelay,
            continuation: continuation,
            logger: logger
        )
        continuation.onTermination = { [weak loop] _ in
            loop?.stop()
        }
        let firstConnection: Result<Void, PostgresError> = await withCheckedContinuation { started in
            let thread = Thread {
                loop.run { started.resume(returning: $0) }
            }
            thread.name = "roster.postgres.listener"
            thread.start()
        }
        try firstConnection.get()
        return PostgresListener(channels: channels, notifications: stream, loop: loop)
    }

    /// `true` while the connection is up and listening.
    public var isConnected: Bool {
        self.loop.isConnected
    }

    /// How many times the listener reconnected after a failure.
    public var reconnectCount: Int {
        self.loop.reconnectCount
    }

    /// Stops listening: wakes the thread at once, closes the connection and finishes
    /// ``notifications``. Idempotent.
    public func close() {
        self.loop.stop()
    }
}

extension PostgresListener: Service {
    /// Lasts until graceful shutdown (or cancellation), then closes the listener.
    public func run() async throws {
        try? await gracefulShutdown()
        self.close()
    }
}
