/// Whose budget a vendor call spends: a leaver's revocation before a joiner's provisioning
/// (DESIGN.md rule 2), so offboarding keeps going when a vendor's rate limit is saturated.
///
/// The executor sets it around each job; ``GovernedTransport`` reads it to choose the horizon
/// of its rate-limiter reservation:
///
/// ```swift
/// try await CallPriority.$current.withValue(job.type == .offboarding ? .revocation : .provisioning) {
///     try await runSteps(job)
/// }
/// ```
public enum CallPriority: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Taking access away (offboarding): reserves a slot even when it is far off.
    case revocation
    /// Granting or changing access: waits only briefly, and is otherwise sent back to the queue.
    case provisioning
    /// Reading for reconciliation and verification: only a slot within half a second
    /// (``GovernedTransport/Configuration/backgroundHorizon``), so a pass never queues behind
    /// leavers' reservations and delays a leaver's later calls by at most the slots it took.
    case background

    /// The priority of the current task's calls; ``provisioning`` unless an executor says otherwise.
    @TaskLocal public static var current: CallPriority = .provisioning

    /// The case's name (`revocation`, `provisioning`, `background`), as logged.
    public var description: String { rawValue }
}
