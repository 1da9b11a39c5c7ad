import RosterCore
import RosterPostgres

/// What an operator decided about an offboarding the mass-offboarding brake held
/// (`roster holds release|cancel`): the value of `jobs.hold_decision`, and the audit action.
public enum HoldDecision: String, Sendable, Hashable, CaseIterable {
    /// The offboarding is real: it was queued and runs.
    case released
    /// The offboarding is void: cancelled, it revokes nothing, and the leaver rule no longer
    /// counts it as a leave (the employee's later changes grant again; the jobs it had
    /// superseded may be replayed).
    case cancelled

    /// The `audit_log.action` of the decision (one row per job).
    public var auditAction: String {
        switch self {
        case .released: "holds_release"
        case .cancelled: "holds_cancel"
        }
    }

    /// The SQL condition (on the `jobs` row named `alias`) of an offboarding cancelled while
    /// held: void, so every reader of an employee's history for the leaver rule leaves it out.
    /// A void offboarding replayed with `roster replay` is `queued` again and counts again.
    ///
    /// - Important: `alias` is spliced into SQL: only pass a name the program wrote itself.
    static func voided(_ alias: String) -> PostgresQuery {
        "(\(unescaped: alias).status = \(JobStatus.cancelled) AND \(unescaped: alias).hold_decision IS NOT DISTINCT FROM \(HoldDecision.cancelled))"
    }
}
