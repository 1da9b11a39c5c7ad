import Foundation

/// A fake of Confident AI's management API: a real HTTP server on 127.0.0.1 and a random port,
/// serving `/v1/…` from an in-memory ``FakeConfidentAIState``.
///
/// ```swift
/// let fake = FakeConfidentAIServer()
/// let baseURL = try await fake.start()          // http://127.0.0.1:PORT (no /v1)
/// let client = ConfidentAIClient(baseURL: baseURL.absoluteString, apiKey: fake.apiKey)
/// let ada = fake.addMember(email: "ada@example.com")
/// fake.injectFaults([.status(429, retryAfter: 3)])
/// ```
///
/// Every request passes, in order: the call log, the fault queue (``injectFaults(_:matching:)``),
/// authentication (the header `CONFIDENT_API_KEY: <apiKey>`, else 401 `{success: false,
/// error}`), the rate limit (``setRateLimit(_:)``: 429 `{success: false, error: "Too many
/// requests"}` with `Retry-After` — Confident AI documents no limit, so its shape is assumed
/// [U]), then the API logic. Rate-limit bookkeeping headers are not sent.
///
/// Behaviour chosen where Confident AI is silent [U]: batch invitations answer with the
/// invitations created (skipped addresses absent); a project invitation for someone outside the
/// organization fails the batch with 400 (``FakeConfidentAIState/Options/nonMemberProjectInvitation``);
/// repeated deletes answer 404.
public final class FakeConfidentAIServer: FakeVendorServer {
    /// The organization API key requests must present.
    public let apiKey: String

    let state: LockedBox<FakeConfidentAIState>
    private let initialOptions: FakeConfidentAIState.Options
    let traffic: FakeTrafficControl
    let server: FakeHTTPServer
    public var httpServer: FakeHTTPServer { server }
    public var trafficControl: FakeTrafficControl { traffic }
    public var basePath: String { "" }
    private let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - apiKey: The key requests must present in `CONFIDENT_API_KEY`.
    ///   - options: Switches for behaviour the real API leaves unspecified.
    ///   - now: The clock for `created_at`.
    public init(
        apiKey: String = "confident_us_fake_roster_key",
        options: FakeConfidentAIState.Options = .init(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.apiKey = apiKey
        self.initialOptions = options
        self.clock = now
        let state = LockedBox(FakeConfidentAIState(options: options, now: now))
        self.state = state
        let traffic = FakeTrafficControl()
        self.traffic = traffic
        self.server = FakeHTTPServer { request in
            var response = await traffic.handle(
                request,
                authenticate: { request in
                    guard let key = request.header("confident_api_key") else {
                        return FakeConfidentAIError(status: 401, message: "Missing CONFIDENT_API_KEY header").response()
                    }
                    guard key == apiKey else {
                        return FakeConfidentAIError(status: 401, message: "Invalid API key").response()
                    }
                    return nil
                },
                errorResponse: { status, retryAfter, _ in
                    FakeConfidentAIError.forStatus(status).response(retryAfter: retryAfter)
                },
                apply: { request in
                    state.withLock { FakeConfidentAIRouter.respond(to: request, state: &$0) }
                }
            )
            response.headers = response.headers.filter { !$0.key.lowercased().hasPrefix("x-ratelimit") }
            return response
        }
    }

    // MARK: - Lifecycle

    /// Back to a new organization (the Owner only) with the initial options; clears the call
    /// log, faults and rate limit. The server keeps running.
    public func reset() {
        state.withLock { $0 = FakeConfidentAIState(options: initialOptions, now: clock) }
        traffic.reset()
    }

    // MARK: - State

    /// A snapshot of the whole organization.
    public var snapshot: FakeConfidentAIState { state.withLock { $0 } }

    /// Runs `body` on the live state under the lock (for seeding beyond the helpers).
    public func withState<Result>(_ body: (inout FakeConfidentAIState) throws -> Result) rethrows -> Result {
        try state.withLock { try body(&$0) }
    }

    /// Changes the switches for unspecified behaviour.
    public func setOptions(_ options: FakeConfidentAIState.Options) {
        state.withLock { $0.options = options }
    }

    // MARK: - Traffic

    /// Empties the call log.
    public func clearCalls() { traffic.clearCalls() }
}
