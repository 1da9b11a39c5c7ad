import Foundation
import RosterCore
import RosterPostgres

/// What needs a person now: offboardings held by the mass-offboarding brake, dead jobs, joiners
/// waiting for a vendor invitation to be accepted, dead letters not yet replayed, and access the
/// vendors' APIs cannot remove. Counts only; the console links each to its list.
public struct AttentionReport: Sendable, Hashable {
    /// Jobs in `held` (the brake): they never run until an operator decides.
    public var held: Int
    /// Jobs in `dead`, waiting for an operator to replay them (or leave them).
    public var dead: Int
    /// Jobs `retrying` because a person has yet to accept a vendor's invitation.
    public var awaitingAcceptance: Int
    /// Dead letters still `new`: neither replayed nor discarded.
    public var deadLettersOpen: Int
    /// Open reconciliation findings of access the vendor's API cannot remove.
    public var residualFindings: Int

    /// Creates a report from counts; ``read(pool:)`` reads them from Postgres.
    public init(held: Int, dead: Int, awaitingAcceptance: Int, deadLettersOpen: Int, residualFindings: Int) {
        self.held = held
        self.dead = dead
        self.awaitingAcceptance = awaitingAcceptance
        self.deadLettersOpen = deadLettersOpen
        self.residualFindings = residualFindings
    }

    /// The `last_error` a job waiting for acceptance carries (``AwaitingAcceptance``'s reason).
    public static let awaitingAcceptancePattern = "%waiting for acceptance since%"

    /// - Throws: ``PostgresError``.
    public static func read(pool: PostgresPool) async throws -> AttentionReport {
        let row = try await pool.query(
            """
            SELECT (SELECT count(*) FROM jobs WHERE status = \(JobStatus.held)) AS held,
                   (SELECT count(*) FROM jobs WHERE status = \(JobStatus.dead)) AS dead,
                   (SELECT count(*) FROM jobs WHERE status = \(JobStatus.retrying) AND last_error LIKE \(awaitingAcceptancePattern)) AS awaiting,
                   (SELECT count(*) FROM dead_letters WHERE status = 'new') AS dead_letters,
                   (SELECT count(*) FROM reconcile_findings WHERE resolved_at IS NULL AND residual) AS residual
            """
        ).rows[0]
        return AttentionReport(
            held: try row.decode(Int.self, column: "held"), dead: try row.decode(Int.self, column: "dead"),
            awaitingAcceptance: try row.decode(Int.self, column: "awaiting"),
            deadLettersOpen: try row.decode(Int.self, column: "dead_letters"),
            residualFindings: try row.decode(Int.self, column: "residual")
        )
    }
}
