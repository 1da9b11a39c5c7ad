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
public final class FakeRelevanceAIServer: FakeVendorServer {
    /// The API key requests must present.
    public let apiKey: String

    let state: LockedBox<FakeRelevanceAIState>
    private let scoped: LockedBox<[FakeRelevanceAIScopedCall]>
    private let initialOptions: FakeRelevanceAIState.Options
    let traffic: FakeTrafficControl
    let server: FakeHTTPServer
    public var httpServer: FakeHTTPServer { server }
    public var trafficControl: FakeTrafficControl { traffic }
    public var basePath: String { "/latest" }

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

    /// The project each request that reached authentication named, in arrival order.
    public var scopedCalls: [FakeRelevanceAIScopedCall] { scoped.withLock { $0 } }

    /// Empties both call logs.
    public func clearCalls() {
        traffic.clearCalls()
        scoped.withLock { $0.removeAll() }
    }
}
