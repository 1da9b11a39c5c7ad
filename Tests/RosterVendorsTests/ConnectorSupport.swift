import Foundation
import Logging
import RosterCore
import RosterTesting
import RosterVendors
import Synchronization
import Testing

/// What a connector handed to its ``StepContext``: every checkpoint and audit record, in order.
final class StepRecorder: Sendable {
    private struct Log: Sendable {
        var checkpoints: [StepState] = []
        var audits: [AuditRecord] = []
    }

    private let log = Mutex(Log())

    var checkpoints: [StepState] { log.withLock { $0.checkpoints } }
    var audits: [AuditRecord] { log.withLock { $0.audits } }
    /// The recovery point a retried attempt would resume from.
    var lastState: StepState? { checkpoints.last }

    /// A context over `transport` that records here, resuming from `state`.
    func context(
        transport: any VendorTransport, state: StepState = StepState(), freshness: DirectoryFreshness = .any
    ) -> StepContext {
        var logger = Logger(label: "roster.test.connector")
        logger.logLevel = .warning
        return StepContext(
            transport: transport,
            state: state,
            logger: logger,
            freshness: freshness,
            checkpoint: { state in self.log.withLock { $0.checkpoints.append(state) } },
            audit: { record in self.log.withLock { $0.audits.append(record) } }
        )
    }
}

/// Runs connector steps against a fake over a plain ``HTTPVendorTransport``.
struct StepRunner {
    let connector: any VendorConnector
    let transport: HTTPVendorTransport

    /// Runs `step` for `employee` as its attempt `attempt`, resuming from `state`; returns the
    /// outcome and what was recorded. The step is told what the engine would tell it about its
    /// directory (``DirectoryFreshness/forStep(isRevocation:attempt:startedAt:personTouchedAt:)``).
    @discardableResult
    func run(
        _ step: VendorStep,
        for employee: Employee,
        state: StepState = StepState(),
        attempt: Int = 1,
        recorder: StepRecorder = StepRecorder()
    ) async throws -> (outcome: StepOutcome, recorder: StepRecorder) {
        let outcome = try await connector.run(
            step,
            for: employee,
            context: recorder.context(
                transport: transport, state: state, freshness: Self.freshness(step, attempt: attempt))
        )
        return (outcome, recorder)
    }

    /// What the engine tells a step about its directory.
    static func freshness(_ step: VendorStep, attempt: Int) -> DirectoryFreshness {
        .forStep(isRevocation: step.action.isRevocation, attempt: attempt, startedAt: Date(), personTouchedAt: nil)
    }

    /// Runs `step`, expecting a ``VendorError``, and returns it with what was recorded.
    func failure(
        _ step: VendorStep,
        for employee: Employee,
        state: StepState = StepState(),
        attempt: Int = 1,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async -> (error: VendorError?, recorder: StepRecorder) {
        let recorder = StepRecorder()
        let error = await expectVendorError(sourceLocation: sourceLocation) {
            _ = try await connector.run(
                step,
                for: employee,
                context: recorder.context(
                    transport: transport, state: state, freshness: Self.freshness(step, attempt: attempt))
            )
        }
        return (error, recorder)
    }
}

/// `count` employees `prefix0@example.com`, `prefix1@example.com`, …
func employees(_ count: Int, prefix: String = "person") -> [Employee] {
    (0..<count).map { Employee(id: "E\(1000 + $0)", email: "\(prefix)\($0)@example.com", name: "Person \($0)") }
}

/// Starts a ``FakeOpenAIServer`` and hands a runner for ``OpenAIConnector`` to `body`.
func withOpenAIConnector(
    options: FakeOpenAIState.Options = .init(),
    connector: OpenAIConnector = OpenAIConnector(),
    _ body: (FakeOpenAIServer, StepRunner) async throws -> Void
) async throws {
    try await withFakeOpenAI(options: options) { fake, _ in
        let transport = HTTPVendorTransport(
            configuration: .init(baseURL: fake.baseURL!.absoluteString, authentication: .bearer(fake.adminKey))
        )
        try await body(fake, StepRunner(connector: connector, transport: transport))
    }
}

/// Starts a ``FakePostHogServer``, hands it, a runner for ``PostHogConnector`` and a client to
/// `body`, and stops the server.
func withPostHog(
    pathPrefix: String = "",
    options: FakePostHogState.Options = .init(),
    _ body: (FakePostHogServer, StepRunner, PostHogClient) async throws -> Void
) async throws {
    let fake = FakePostHogServer(pathPrefix: pathPrefix, options: options)
    let baseURL = try await fake.start().absoluteString
    let transport = HTTPVendorTransport(
        configuration: .init(baseURL: baseURL, authentication: .bearer(fake.personalAPIKey))
    )
    let connector = PostHogConnector(organizationID: fake.organizationID, baseURL: baseURL)
    let client = PostHogClient(
        baseURL: baseURL,
        organizationID: fake.organizationID,
        personalAPIKey: fake.personalAPIKey
    )
    do {
        try await body(fake, StepRunner(connector: connector, transport: transport), client)
        await fake.stop()
    } catch {
        await fake.stop()
        throw error
    }
}

/// How many items the JSON array body of `call` has (-1 when it is not an array).
func jsonArrayCount(_ call: FakeCall) -> Int {
    let data = Data((call.body ?? "").utf8)
    return ((try? JSONSerialization.jsonObject(with: data)) as? [Any])?.count ?? -1
}
