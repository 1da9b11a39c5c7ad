/// A notification delivered by `NOTIFY` / `pg_notify` to a ``PostgresListener``.
public struct PostgresNotification: Sendable, Hashable, CustomStringConvertible {
    /// The channel it was sent on.
    public var channel: String
    /// The payload (empty when none was given). May carry data: not in ``description``.
    public var payload: String
    /// The process ID of the server backend that sent it.
    public var backendPID: Int32

    /// A notification.
    public init(channel: String, payload: String, backendPID: Int32 = 0) {
        self.channel = channel
        self.payload = payload
        self.backendPID = backendPID
    }

    /// The channel and the payload's size, never the payload.
    public var description: String {
        "PostgresNotification(channel: \(self.channel), payload: \(self.payload.utf8.count) bytes)"
    }
}
