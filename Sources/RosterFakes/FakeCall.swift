/// One request a fake vendor server received, recorded when it arrived, whatever happened next.
public struct FakeCall: Sendable, Hashable, Identifiable {
    /// Arrival order: increasing, never reused by the same server.
    public var id: Int
    /// The method, uppercased.
    public var method: String
    /// The path as sent, without the query.
    public var path: String
    /// The raw query string (`""` when none).
    public var query: String
    /// The request body as text, or `nil` when empty.
    public var body: String?
    /// The status sent, or `nil` while the request is still being handled.
    public var status: Int?
    /// When the request arrived (monotonic clock); non-decreasing in ``id`` order.
    public var receivedAt: ContinuousClock.Instant
    /// Arrival time since the server started (or was last reset).
    public var offset: Duration
    /// What answered: the handler, an injected fault, the rate limiter or authentication.
    public var outcome: Outcome
    /// The response body as text, kept for mutations only (``isMutation``), so a checker can
    /// learn the ids a create issued; `nil` for reads and while in flight.
    public var responseBody: String?
    /// When the response was sent (monotonic clock), `nil` while in flight: a call that took
    /// longer than its client waited was applied unseen.
    public var finishedAt: ContinuousClock.Instant?

    /// Who produced the response.
    public enum Outcome: String, Sendable, Hashable {
        /// Still running.
        case inFlight
        /// The fake's API logic (the request was admitted).
        case handled
        /// An injected fault (`FakeFault.status`) answered without touching state.
        case fault
        /// The request was applied and then an injected fault replaced the response.
        case faultAfterApplying
        /// The rate limiter refused it (429).
        case rateLimited
        /// Authentication failed (401).
        case unauthorized
    }

    public init(
        id: Int,
        method: String,
        path: String,
        query: String,
        body: String?,
        status: Int?,
        receivedAt: ContinuousClock.Instant,
        offset: Duration,
        outcome: Outcome,
        responseBody: String? = nil
    ) {
        self.id = id
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.status = status
        self.receivedAt = receivedAt
        self.offset = offset
        self.outcome = outcome
        self.responseBody = responseBody
    }

    /// Whether the method changes state (anything but GET/HEAD/OPTIONS).
    public var isMutation: Bool { !["GET", "HEAD", "OPTIONS"].contains(method) }

    /// Whether the request reached the fake's API logic (handled, possibly with an error status).
    public var wasAdmitted: Bool { outcome == .handled || outcome == .faultAfterApplying }
}
