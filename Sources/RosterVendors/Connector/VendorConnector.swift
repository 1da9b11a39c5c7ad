import Logging
import RosterCore

/// A vendor's workflow logic: how each ``VendorStep`` action is carried out with that vendor's
/// API. One implementation per vendor kind (OpenAI, PostHog, Confident AI, Relevance AI).
///
/// Rules every connector follows:
/// - **Look before acting.** List first, act on the difference; a repeated step makes no
///   repeated mutation. A 404 on a delete counts as success (`VendorError.isAlreadyGone`).
/// - **Checkpoint after every mutation** the vendor confirmed, with the ids learned, through
///   ``StepContext/checkpoint(_:)``, and record it with ``StepContext/audit(_:)``.
/// - **All HTTP through ``StepContext/transport``**: it carries the shared rate budget, the
///   circuit breaker and the job's priority. Build the vendor client over it for each run.
/// - **Throw ``VendorError``** for vendor failures; the engine classifies and retries.
/// - **Never log personal data** (emails, names) or secrets.
public protocol VendorConnector: Sendable {
    /// The configured instance name (`openai`, `posthog`, …).
    var instance: String { get }

    /// Runs one step for one employee and returns what the job should show.
    func run(_ step: VendorStep, for employee: Employee, context: StepContext) async throws -> StepOutcome

    /// Whether `ensure_project` and `reconcile` steps may create projects, so that the engine
    /// must run them one at a time per vendor (look-before-create is only safe when nobody else
    /// is between the look and the create). Default `true`.
    var mayCreateProjects: Bool { get }

    /// Whether `step` still needs the project-creation lock right now. A connector that knows
    /// (from its project cache) that every project the step names exists answers `false`: the
    /// step cannot create one, so it need not queue behind the others. The engine asks again
    /// while it waits for the lock. Default: ``mayCreateProjects``.
    func needsProjectCreationLock(for step: VendorStep) -> Bool

    /// Whether the connector reads a process-wide directory, so that the engine must tell each
    /// step how recent its entries must be (``StepContext/freshness``; one query per job).
    /// Default `false`.
    var usesDirectory: Bool { get }
}

extension VendorConnector {
    public var mayCreateProjects: Bool { true }

    public var usesDirectory: Bool { false }

    public func needsProjectCreationLock(for step: VendorStep) -> Bool { mayCreateProjects }
}

extension VendorStep {
    /// Every project name the step names (its project, or its grants' projects).
    public var projectNames: [String] {
        if let project { return [project] }
        return (grants ?? []).map(\.project)
    }
}

/// What the engine gives a running step.
public struct StepContext: Sendable {
    /// The governed transport for this vendor and this job (rate limit, breaker, priority).
    public let transport: any VendorTransport
    /// What earlier attempts of this step learned; empty on the first attempt.
    public let state: StepState
    let checkpointHandler: @Sendable (StepState) async throws -> Void
    let auditHandler: @Sendable (AuditRecord) async throws -> Void
    public let logger: Logger
    /// How recent the directory entries this step relies on must be (a leaver's step, a resumed
    /// step and a person an earlier job touched need newer ones than the time to live allows).
    public let freshness: DirectoryFreshness

    public init(
        transport: any VendorTransport, state: StepState, logger: Logger,
        freshness: DirectoryFreshness = .any,
        checkpoint: @escaping @Sendable (StepState) async throws -> Void,
        audit: @escaping @Sendable (AuditRecord) async throws -> Void
    ) {
        self.transport = transport
        self.state = state
        self.logger = logger
        self.freshness = freshness
        self.checkpointHandler = checkpoint
        self.auditHandler = audit
    }

    /// Persists progress (the recovery point) before the step moves on.
    public func checkpoint(_ state: StepState) async throws {
        try await checkpointHandler(state)
    }

    /// Appends a vendor mutation to the append-only audit log.
    public func audit(_ record: AuditRecord) async throws {
        try await auditHandler(record)
    }
}

/// One vendor mutation for the audit log: what was done to which vendor ids. No personal data.
public struct AuditRecord: Sendable, Hashable {
    /// What was done.
    public var action: AuditAction
    /// Vendor ids acted on: `project_id`, `user_id`, `invite_id`, `key_id`.
    public var target: [String: String]
    /// Done, or already gone for a delete that found nothing.
    public var outcome: AuditOutcome

    public init(action: AuditAction, target: [String: String], outcome: AuditOutcome = .done) {
        self.action = action
        self.target = target
        self.outcome = outcome
    }
}

/// What a finished step reports.
public struct StepOutcome: Sendable, Hashable {
    /// Access the vendor's API cannot remove, said plainly for the operator (e.g. Relevance AI
    /// organisation membership); `nil` when nothing is left behind.
    public var residual: String?
    /// A short, PII-free summary for the job timeline ("invited to proj_123 as member").
    public var summary: String

    public init(summary: String, residual: String? = nil) {
        self.summary = summary
        self.residual = residual
    }
}
