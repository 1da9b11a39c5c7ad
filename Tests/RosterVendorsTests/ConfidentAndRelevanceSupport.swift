import Foundation
import Logging
import RosterCore
import RosterTesting
import RosterVendors
import Synchronization
import Testing

/// What steps recorded through their ``StepContext``: every checkpoint and audit record, in order.
final class StepTrail: Sendable {
    private let storage = Mutex<(checkpoints: [StepState], audits: [AuditRecord])>(([], []))

    /// Every checkpoint, in order.
    var checkpoints: [StepState] { storage.withLock { $0.checkpoints } }

    /// Every audit record, in order.
    var audits: [AuditRecord] { storage.withLock { $0.audits } }

    /// Forgets everything recorded so far.
    func clear() {
        storage.withLock { $0 = ([], []) }
    }

    /// A context over `transport` that starts from `state` and records into this trail.
    func context(transport: any VendorTransport, state: StepState, freshness: DirectoryFreshness = .any) -> StepContext
    {
        StepContext(
            transport: transport,
            state: state,
            logger: Logger(label: "roster.test.step"),
            freshness: freshness,
            checkpoint: { [self] state in storage.withLock { $0.checkpoints.append(state) } },
            audit: { [self] record in storage.withLock { $0.audits.append(record) } }
        )
    }
}

/// Runs a connector's steps the way the engine will: one ``StepContext`` per step over a plain
/// ``HTTPVendorTransport`` (no rate limiter or breaker), recording into ``trail``.
struct StepDriver<Connector: VendorConnector>: Sendable {
    let connector: Connector
    let transport: HTTPVendorTransport
    let trail = StepTrail()

    /// Runs one step for `employee`, starting from `state`.
    @discardableResult
    func run(
        _ action: VendorStep.Action,
        project: String? = nil,
        role: String? = nil,
        grants: [AccessGrant]? = nil,
        for employee: Employee,
        state: StepState = StepState(),
        attempt: Int = 1
    ) async throws -> StepOutcome {
        let step = VendorStep(vendor: connector.instance, action: action, project: project, role: role, grants: grants)
        let freshness = DirectoryFreshness.forStep(
            isRevocation: action.isRevocation, attempt: attempt, startedAt: Date(), personTouchedAt: nil)
        return try await connector.run(
            step, for: employee, context: trail.context(transport: transport, state: state, freshness: freshness))
    }

    /// The last state a step checkpointed.
    var lastState: StepState { trail.checkpoints.last ?? StepState() }
}

/// Employee `n` (`E<n>`, `e<n>@example.com`).
func employee(_ number: Int) -> Employee {
    Employee(id: "E\(number)", email: "e\(number)@example.com", name: "Employee \(number)")
}

/// Starts a ``FakeConfidentAIServer`` and hands `body` the fake and a driver for a
/// ``ConfidentAIConnector`` that reaches it with `apiKey` (the fake's by default).
/// The connector's directory reads the clock `now`; `batching` shares invitation calls between
/// steps running at the same time.
func withFakeConfident(
    apiKey: String? = nil,
    batching: InviteBatcher<ConfidentAIBatchItem, ConfidentAIInviteItemOutcome>.Options? = nil,
    now: @escaping @Sendable () -> Date = Date.init,
    _ body: (FakeConfidentAIServer, StepDriver<ConfidentAIConnector>) async throws -> Void
) async throws {
    let fake = FakeConfidentAIServer()
    let baseURL = try await fake.start()
    do {
        try await body(fake, confidentDriver(fake, baseURL: baseURL, apiKey: apiKey, batching: batching, now: now))
        await fake.stop()
    } catch {
        await fake.stop()
        throw error
    }
}

/// A driver for a new ``ConfidentAIConnector`` (with a directory of its own) reaching `fake` at
/// `baseURL`.
func confidentDriver(
    _ fake: FakeConfidentAIServer,
    baseURL: URL,
    apiKey: String? = nil,
    batching: InviteBatcher<ConfidentAIBatchItem, ConfidentAIInviteItemOutcome>.Options? = nil,
    now: @escaping @Sendable () -> Date = Date.init
) -> StepDriver<ConfidentAIConnector> {
    let transport = HTTPVendorTransport(
        configuration: .init(
            baseURL: baseURL.absoluteString,
            authentication: ConfidentAIClient.authentication(apiKey: apiKey ?? fake.apiKey),
            requestTimeout: .seconds(10)
        )
    )
    let connector = ConfidentAIConnector(instance: "confident", batching: batching, now: now)
    return StepDriver(connector: connector, transport: transport)
}

/// Starts a ``FakeRelevanceAIServer`` and hands `body` the fake and a driver for a
/// ``RelevanceAIConnector`` configured with the fake's organization, home project and `apiKey`,
/// whose directory reads the clock `now`.
func withFakeRelevance(
    apiKey: String? = nil,
    options: FakeRelevanceAIState.Options = .init(),
    now: @escaping @Sendable () -> Date = Date.init,
    _ body: (FakeRelevanceAIServer, StepDriver<RelevanceAIConnector>) async throws -> Void
) async throws {
    let fake = FakeRelevanceAIServer(options: options)
    let baseURL = try await fake.start()
    do {
        try await body(fake, relevanceDriver(fake, baseURL: baseURL, apiKey: apiKey, now: now))
        await fake.stop()
    } catch {
        await fake.stop()
        throw error
    }
}

/// A driver for a new ``RelevanceAIConnector`` (with a directory of its own) reaching `fake` at
/// `baseURL`.
func relevanceDriver(
    _ fake: FakeRelevanceAIServer,
    baseURL: URL,
    apiKey: String? = nil,
    now: @escaping @Sendable () -> Date = Date.init
) -> StepDriver<RelevanceAIConnector> {
    let transport = HTTPVendorTransport(
        configuration: .init(baseURL: baseURL.absoluteString, authentication: .none, requestTimeout: .seconds(10))
    )
    let connector = RelevanceAIConnector(
        instance: "relevance",
        organizationID: fake.organizationID,
        projectID: fake.defaultProjectID,
        apiKey: apiKey ?? fake.apiKey,
        now: now
    )
    return StepDriver(connector: connector, transport: transport)
}
