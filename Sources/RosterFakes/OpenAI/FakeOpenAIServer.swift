import Foundation

/// A fake of OpenAI's organization Admin API: a real HTTP server on 127.0.0.1 and a random port,
/// serving `/v1/organization/…` from an in-memory ``FakeOpenAIState``.
///
/// ```swift
/// let fake = FakeOpenAIServer()
/// let baseURL = try await fake.start()          // http://127.0.0.1:PORT/v1
/// let client = OpenAIAdminClient(baseURL: baseURL.absoluteString, adminKey: fake.adminKey)
/// let ada = fake.addUser(email: "ada@example.com")
/// fake.injectFaults([.status(503), .status(429, retryAfter: 2)])
/// …
/// #expect(fake.calls.mutatingCalls.count == 1)
/// await fake.stop()
/// ```
///
/// Every request passes, in order: the call log (every request is recorded on arrival, rejected
/// ones included, with monotonic timestamps), the fault queue (``injectFaults(_:matching:)``),
/// authentication (`Authorization: Bearer <adminKey>`, else 401 `invalid_api_key`), the rate
/// limit (``setRateLimit(_:)``, fixed windows, see ``FakeRateLimit``), then the API logic.
/// Errors use OpenAI's envelope `{"error": {"message", "type", "param", "code"}}`.
public final class FakeOpenAIServer: FakeVendorServer {
    /// The admin key requests must present.
    public let adminKey: String

    private let state: LockedBox<FakeOpenAIState>
    private let initialOptions: FakeOpenAIState.Options
    let traffic: FakeTrafficControl
    let server: FakeHTTPServer
    public var httpServer: FakeHTTPServer { server }
    public var trafficControl: FakeTrafficControl { traffic }
    public var basePath: String { "/v1" }
    private let clock: @Sendable () -> Int64

    /// - Parameters:
    ///   - adminKey: The key requests must present as `Bearer`.
    ///   - options: Switches for behaviour the real API leaves unspecified.
    ///   - now: Unix seconds for timestamps (defaults to the wall clock).
    public init(
        adminKey: String = "sk-admin-fake-roster",
        options: FakeOpenAIState.Options = .init(),
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.adminKey = adminKey
        self.initialOptions = options
        self.clock = now
        let state = LockedBox(FakeOpenAIState(options: options, now: now))
        self.state = state
        let traffic = FakeTrafficControl()
        self.traffic = traffic
        let expected = "Bearer \(adminKey)"
        self.server = FakeHTTPServer { request in
            await traffic.handle(
                request,
                authenticate: { request in
                    guard let header = request.header("authorization") else {
                        return FakeOpenAIError(
                            status: 401,
                            message:
                                "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                            type: "invalid_request_error"
                        ).response()
                    }
                    guard header == expected else {
                        return FakeOpenAIError(
                            status: 401,
                            message:
                                "Incorrect API key provided: \(Self.mask(header)). You can find your API key at https://platform.openai.com/account/api-keys.",
                            type: "invalid_request_error",
                            code: "invalid_api_key"
                        ).response()
                    }
                    return nil
                },
                errorResponse: { status, retryAfter, _ in
                    FakeOpenAIError.forStatus(status).response(retryAfter: retryAfter)
                },
                apply: { request in
                    state.withLock { FakeOpenAIRouter.respond(to: request, state: &$0) }
                }
            )
        }
    }

    // MARK: - Lifecycle

    /// Back to a new organisation (default project only) with the initial options; clears the
    /// call log, faults and rate limit. The server keeps running.
    public func reset() {
        state.withLock { $0 = FakeOpenAIState(options: initialOptions, now: clock) }
        traffic.reset()
    }

    // MARK: - State

    /// A snapshot of the whole organisation.
    public var snapshot: FakeOpenAIState { state.withLock { $0 } }

    /// Runs `body` on the live state under the lock (for seeding beyond the helpers).
    public func withState<Result>(_ body: (inout FakeOpenAIState) throws -> Result) rethrows -> Result {
        try state.withLock { try body(&$0) }
    }

    /// Changes the switches for unspecified behaviour.
    public func setOptions(_ options: FakeOpenAIState.Options) {
        state.withLock { $0.options = options }
    }

    // MARK: - Traffic

    /// Empties the call log.
    public func clearCalls() { traffic.clearCalls() }

    /// `sk-abc…xyz` style, never the whole credential.
    private static func mask(_ header: String) -> String {
        let key = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : header
        guard key.count > 8 else { return "****" }
        return "\(key.prefix(4))****\(key.suffix(4))"
    }
}
