import Foundation

/// A fake of Relevance AI's project-controls API: a real HTTP server on 127.0.0.1 and a random
/// port, serving `/latest/…` from an in-memory ``FakeRelevanceAIState``.
///
/// ```swift
/// let fake = FakeRelevanceAIServer()
/// let baseURL = try await fake.start()          // http://127.0.0.1:PORT/latest
/// let client = RelevanceAIClient(baseURL: baseURL.absoluteString, apiKey: fake.apiKey)
/// let research = fake.addProject(name: "research")
/// fake.addMember(email: "ada@example.com", projectID: research.id, action: "role:editor")
/// ```
///
/// Every request passes, in order: the call log, the fault queue, authentication, the rate
/// limit, then the API logic in the project the header named. Authentication accepts every
/// form Relevance AI's samples use (see ``FakeRelevanceAIAuthorization``); no header → 401
/// `authorization_header_missing`; a wrong key → ``FakeRelevanceAIState/Options/wrongKeyStatus``
/// (400 by default, as a third-party probe saw) `invalid_api_key`; an unknown project → 403.
/// Each authenticated request's project is recorded in ``scopedCalls``. A 429 is
/// `{"message": "Rate limit exceeded", "error_type": "rate_limited"}` with `Retry-After` unless
/// ``FakeRelevanceAIState/Options/sendsRetryAfter`` is off — assumed, as Relevance AI documents
/// no limits [U]. Rate-limit bookkeeping headers are never sent.
public final class FakeRelevanceAIServer: Sendable {
    /// The API key requests must present.
    public let apiKey: String

    let state: LockedBox<FakeRelevanceAIState>
    private let scoped: LockedBox<[FakeRelevanceAIScopedCall]>
    private let initialOptions: FakeRelevanceAIState.Options
    private let traffic: FakeTrafficControl
    private let server: FakeHTTPServer

    /// - Parameters:
    ///   - apiKey: The key requests must present.
    ///   - options: Switches for behaviour the real API leaves unspecified.
    public init(apiKey: String = "sk-relevance-fake-roster", options: FakeRelevanceAIState.Options = .init()) {
        self.apiKey = apiKey
        self.initialOptions = options
        let state = LockedBox(FakeRelevanceAIState(options: options))
        self.state = state
        let scoped = LockedBox<[FakeRelevanceAIScopedCall]>([])
        self.scoped = scoped
        let traffic = FakeTrafficControl()
        self.traffic = traffic
        self.server = FakeHTTPServer { request in
            var response = await traffic.handle(
                request,
                authenticate: { request in
                    Self.authenticate(request, apiKey: apiKey, state: state, scoped: scoped)
                },
                errorResponse: { status, retryAfter, reason in
                    let sendsRetryAfter = reason == .injected || state.withLock { $0.options.sendsRetryAfter }
                    return FakeRelevanceAIError.forStatus(status).response(
                        retryAfter: sendsRetryAfter ? retryAfter : nil
                    )
                },
                apply: { request in
                    let named = request.header("authorization").map(FakeRelevanceAIAuthorization.init(header:))?.project
                    return state.withLock { state in
                        FakeRelevanceAIRouter.respond(
                            to: request,
                            project: named ?? state.defaultProjectID,
                            state: &state
                        )
                    }
                }
            )
            response.headers = response.headers.filter { !$0.key.lowercased().hasPrefix("x-ratelimit") }
            return response
        }
    }

    private static func authenticate(
        _ request: FakeHTTPRequest,
        apiKey: String,
        state: LockedBox<FakeRelevanceAIState>,
        scoped: LockedBox<[FakeRelevanceAIScopedCall]>
    ) -> FakeHTTPResponse? {
        guard let header = request.header("authorization") else {
            scoped.withLock { $0.append(.init(method: request.method, path: request.path, project: nil, scheme: nil)) }
            return FakeRelevanceAIError(
                status: 401,
                message: "Authorization header missing",
                errorType: "authorization_header_missing"
            )
            .response()
        }
        let authorization = FakeRelevanceAIAuthorization(header: header)
        scoped.withLock {
            $0.append(
                .init(
                    method: request.method,
                    path: request.path,
                    project: authorization.project,
                    scheme: authorization.scheme
                )
            )
        }
        let (wrongKeyStatus, projectExists) = state.withLock { state in
            (state.options.wrongKeyStatus, authorization.project.map { state.project(id: $0) != nil } ?? true)
        }
        guard authorization.key == apiKey else {
            return FakeRelevanceAIError(
                status: wrongKeyStatus,
                message: "Invalid API key",
                errorType: "invalid_api_key"
            ).response()
        }
        guard projectExists else {
            return FakeRelevanceAIError.forbidden("Project not found or not accessible with this key").response()
        }
        return nil
    }

    // MARK: - Lifecycle

    /// Starts the server on 127.0.0.1 and a free port.
    ///
    /// - Returns: The base URL including `/latest`, e.g. `http://127.0.0.1:54321/latest`.
    /// - Throws: ``FakeHTTPServer/StartError``.
    @discardableResult
    public func start() async throws -> URL {
        let port = try await server.start()
        return URL(string: "http://127.0.0.1:\(port)/latest")!
    }

    /// The base URL while running.
    public var baseURL: URL? {
        server.port.map { URL(string: "http://127.0.0.1:\($0)/latest")! }
    }

    /// Stops the server and waits for it; state is kept.
    public func stop() async {
        await server.stop()
    }

    /// Back to a new organization (home project only) with the initial options; clears the
    /// call logs, faults and rate limit. The server keeps running.
    public func reset() {
        state.withLock { $0 = FakeRelevanceAIState(options: initialOptions) }
        scoped.withLock { $0.removeAll() }
        traffic.reset()
    }

    // MARK: - State

    /// A snapshot of the whole organization.
    public var snapshot: FakeRelevanceAIState { state.withLock { $0 } }

    /// Runs `body` on the live state under the lock (for seeding beyond the helpers).
    public func withState<Result>(_ body: (inout FakeRelevanceAIState) throws -> Result) rethrows -> Result {
        try state.withLock { try body(&$0) }
    }

    /// Changes the switches for unspecified behaviour.
    public func setOptions(_ options: FakeRelevanceAIState.Options) {
        state.withLock { $0.options = options }
    }

    // MARK: - Traffic

    /// Every request received so far, in arrival order.
    public var calls: FakeCallLog { traffic.calls }

    /// The project each request that reached authentication named, in arrival order.
    public var scopedCalls: [FakeRelevanceAIScopedCall] { scoped.withLock { $0 } }

    /// Empties both call logs.
    public func clearCalls() {
        traffic.clearCalls()
        scoped.withLock { $0.removeAll() }
    }

    /// Queues faults, each consumed by the next matching request (paths include `/latest`).
    public func injectFaults(_ faults: [FakeFault], matching matcher: FakeRequestMatcher = .any) {
        traffic.injectFaults(faults, matching: matcher)
    }

    /// Faults not yet consumed.
    public var pendingFaults: [FakeFault] { traffic.pendingFaults }

    /// Sets or removes the rate limit (429 `rate_limited`).
    public func setRateLimit(_ limit: FakeRateLimit?) { traffic.setRateLimit(limit) }
}
