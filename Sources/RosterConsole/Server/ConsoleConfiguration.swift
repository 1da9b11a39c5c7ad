import Foundation

/// How `roster console` runs: where it listens, whether it may change anything, and how people
/// sign in.
public struct ConsoleConfiguration: Sendable {
    /// The address to listen on; loopback (`127.0.0.1`, the default) unless configured.
    public var host: String
    /// The port; 0 picks a free one.
    public var port: Int
    /// No replay, cancel or dead-letter replay: the action forms are not shown and their routes
    /// answer 403.
    public var readOnly: Bool
    /// The access token people sign in with (from an environment variable, never a flag). Required
    /// on any address but loopback; optional on loopback.
    public var token: String?
    /// The name of the environment variable the token came from, for messages.
    public var tokenVariable: String
    /// Who acts when nobody signs in (loopback without a token): `--operator`, else `$USER`.
    public var defaultOperator: String?
    /// How long the overview waits for Kafka's offsets before showing the rest without lag.
    public var kafkaTimeout: Duration
    /// A session ends after this long without a request.
    public var sessionIdleTimeout: Duration
    /// The most jobs one bulk action by filter may select.
    public var bulkLimit: Int

    public init(
        host: String = "127.0.0.1", port: Int = 9465, readOnly: Bool = false, token: String? = nil,
        tokenVariable: String = "ROSTER_CONSOLE_TOKEN", defaultOperator: String? = nil,
        kafkaTimeout: Duration = .seconds(2),
        sessionIdleTimeout: Duration = .seconds(8 * 3600), bulkLimit: Int = 500
    ) {
        self.host = host
        self.port = port
        self.readOnly = readOnly
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        self.tokenVariable = tokenVariable
        self.defaultOperator = defaultOperator
        self.kafkaTimeout = kafkaTimeout
        self.sessionIdleTimeout = sessionIdleTimeout
        self.bulkLimit = bulkLimit
    }

    /// Whether people must sign in with the token.
    public var requiresSignIn: Bool { token != nil }
}
