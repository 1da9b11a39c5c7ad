import Foundation

/// A fake of PostHog's organization API: a real HTTP server on 127.0.0.1 and a random port,
/// serving `/api/organizations/{org}/…` (projects, members, invites) from an in-memory
/// ``FakePostHogState``.
///
/// ```swift
/// let fake = FakePostHogServer()
/// let baseURL = try await fake.start()          // http://127.0.0.1:PORT
/// let client = PostHogClient(baseURL: baseURL.absoluteString, organizationID: fake.organizationID,
///                            personalAPIKey: fake.personalAPIKey)
/// fake.addMember(email: "ada@example.com", level: 8)
/// fake.injectFaults([.status(503), .status(429, retryAfter: 2)])
/// …
/// #expect(fake.calls.mutatingCalls.count == 1)
/// await fake.stop()
/// ```
///
/// Every request passes, in order: the call log, the fault queue (``injectFaults(_:matching:)``),
/// authentication (`Authorization: Bearer <personalAPIKey>`, else 401 `authentication_error`),
/// the rate limit (``setRateLimit(_:)``: 429 `throttled_error` whose detail says "Expected
/// available in N seconds", with `Retry-After` only when ``FakePostHogState/Options/sendsRetryAfter``),
/// then the API logic. Errors use PostHog's envelope `{"type", "code", "detail", "attr"}`; no
/// `X-RateLimit-*` headers are sent, as PostHog sends none.
///
/// With a ``pathPrefix`` (`/posthog`) the API is served below it, as a self-hosted PostHog
/// behind a path would be, and `next` URLs carry it.
public final class FakePostHogServer: FakeVendorServer {
    /// The personal API key requests must present.
    public let personalAPIKey: String
    /// The organization's UUID.
    public let organizationID: String
    /// The path the API is served below (`""` for none).
    public let pathPrefix: String

    private let state: LockedBox<FakePostHogState>
    private let initialOptions: FakePostHogState.Options
    let traffic: FakeTrafficControl
    let server: FakeHTTPServer
    public var httpServer: FakeHTTPServer { server }
    public var trafficControl: FakeTrafficControl { traffic }
    public var basePath: String { pathPrefix }
    private let clock: @Sendable () -> Int64

    /// - Parameters:
    ///   - personalAPIKey: The key requests must present as `Bearer`.
    ///   - organizationID: The organization's UUID.
    ///   - pathPrefix: A path to serve the API below (`/posthog`), or `""`.
    ///   - options: Switches for undocumented behaviour.
    ///   - now: Unix seconds for timestamps (defaults to the wall clock).
    public init(
        personalAPIKey: String = "phx_fake_roster_personal_key",
        organizationID: String = "0190f1a2-0000-7000-8000-00000000beef",
        pathPrefix: String = "",
        options: FakePostHogState.Options = .init(),
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.personalAPIKey = personalAPIKey
        self.organizationID = organizationID
        var prefix = pathPrefix
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.pathPrefix = prefix.isEmpty || prefix.hasPrefix("/") ? prefix : "/" + prefix
        self.initialOptions = options
        self.clock = now
        let state = LockedBox(FakePostHogState(organizationID: organizationID, options: options, now: now))
        self.state = state
        let traffic = FakeTrafficControl()
        self.traffic = traffic
        let expected = "Bearer \(personalAPIKey)"
        let servedPrefix = self.pathPrefix
        self.server = FakeHTTPServer { request in
            var response = await traffic.handle(
                request,
                authenticate: { request in
                    guard let header = request.header("authorization"), header.hasPrefix("Bearer ") else {
                        return FakePostHogError(
                            status: 401,
                            type: "authentication_error",
                            code: "authentication_failed",
                            detail: "Authentication credentials were not provided."
                        ).response()
                    }
                    guard header == expected else {
                        return FakePostHogError(
                            status: 401,
                            type: "authentication_error",
                            code: "invalid_personal_api_key",
                            detail: "Personal API key found in request Authorization header is invalid."
                        ).response()
                    }
                    return nil
                },
                errorResponse: { status, retryAfter, _ in
                    let sendsRetryAfter = state.withLock { $0.options.sendsRetryAfter }
                    return FakePostHogError.forStatus(status, retryAfter: retryAfter).response(
                        sendRetryAfter: sendsRetryAfter
                    )
                },
                apply: { request in
                    state.withLock { FakePostHogRouter.respond(to: request, state: &$0, pathPrefix: servedPrefix) }
                }
            )
            // PostHog sends no rate-limit headers; the shared traffic control adds OpenAI-style ones.
            response.headers = response.headers.filter { !$0.key.lowercased().hasPrefix("x-ratelimit-") }
            return response
        }
    }

    // MARK: - Lifecycle

    /// Back to a new organization with the initial options; clears the call log, faults and
    /// rate limit. The server keeps running.
    public func reset() {
        state.withLock { $0 = FakePostHogState(organizationID: organizationID, options: initialOptions, now: clock) }
        traffic.reset()
    }

    // MARK: - State

    /// A snapshot of the whole organization.
    public var snapshot: FakePostHogState { state.withLock { $0 } }

    /// Runs `body` on the live state under the lock (for seeding beyond the helpers).
    public func withState<Result>(_ body: (inout FakePostHogState) throws -> Result) rethrows -> Result {
        try state.withLock { try body(&$0) }
    }

    /// Changes the switches for undocumented behaviour.
    public func setOptions(_ options: FakePostHogState.Options) {
        state.withLock { $0.options = options }
    }

    // MARK: - Traffic

    /// Empties the call log.
    public func clearCalls() { traffic.clearCalls() }

    /// The path of `/api/organizations/{org}/` endpoints as requests arrive (with ``pathPrefix``),
    /// for call-log assertions: `apiPath("invites/bulk/")`.
    public func apiPath(_ rest: String = "") -> String {
        "\(pathPrefix)/api/organizations/\(organizationID)/\(rest)"
    }
}
