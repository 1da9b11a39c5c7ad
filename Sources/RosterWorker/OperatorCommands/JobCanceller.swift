import Foundation
import RosterCore
import RosterPostgres

/// `roster cancel`: stops jobs that have not finished.
///
/// - `queued` and `retrying` jobs become `cancelled` at once; no worker holds them.
/// - A `running` job is cancelled **cooperatively**: its row becomes `cancelled` and the worker
///   holding it lets go before its next step. The vendor call in flight is not interrupted; it
///   finishes and is recorded (every write of the worker is fenced on `status = 'running'`, so
///   it cannot flip the job back). Nothing fights the worker.
/// - Cancelling an offboarding leaves a leaver's access in place: it needs `confirmed` (`--yes`).
/// - Finished jobs are refused, and so are `held` ones (`roster holds cancel` decides those). Each
///   cancellation (and refusal) is audited with the operator and reason.
public struct JobCanceller: Sendable {
    /// What a cancellation did (or, in a dry run, would do) to one job.
    public struct Outcome: Sendable {
        /// The result; `roster cancel --output json` reports ``stopping(worker:)`` as `cancelled`.
        public enum Result: Sendable, Hashable {
            /// Cancelled at once: no worker held it.
            case cancelled
            /// Running: the worker stops before its next step.
            case stopping(worker: String)
            /// Dry run: it would be cancelled.
            case wouldCancel
            /// Not cancelled; the reason says why (finished, held, or an unconfirmed offboarding).
            case refused(String)
        }
        /// The job before the cancellation: re-read under lock, or in a dry run as given.
        public var job: JobRecord
        /// What the cancellation did, or in a dry run would do.
        public var result: Result

        /// Whether it was refused; `roster cancel` exits 1 when any job was.
        public var isRefused: Bool { if case .refused = result { true } else { false } }

        /// One entry of `jobs` in `roster cancel --output json`.
        public var json: JSONValue {
            let (status, detail): (String, String?) =
                switch result {
                case .cancelled: ("cancelled", nil)
                case .stopping(let worker):
                    ("cancelled", "worker \(worker) stops before its next step; the call in flight completes")
                case .wouldCancel: ("would_cancel", nil)
                case .refused(let why): ("refused", why)
                }
            return .object([
                "job_id": .int(job.id), "employee_id": .string(job.employeeID), "type": .string(job.kind.shortName),
                "previous_status": .string(job.status.rawValue), "result": .string(status), "reason": .text(detail),
            ])
        }
    }

    let pool: PostgresPool

    /// Creates a canceller that writes through `pool`.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// - Throws: ``OperationsError`` (refused) for more than ``JobReplayer/bulkThreshold`` jobs
    ///   without `confirmed` (dry runs excepted); ``PostgresError``.
    public func cancel(
        _ jobs: [JobRecord], dryRun: Bool, by action: OperatorAction, confirmed: Bool
    ) async throws -> [Outcome] {
        if jobs.count > JobReplayer.bulkThreshold, !confirmed, !dryRun {
            throw OperationsError.refused(
                "\(jobs.count) jobs match; cancelling more than \(JobReplayer.bulkThreshold) at once needs --yes (see them first with --dry-run)"
            )
        }
        var outcomes: [Outcome] = []
        for job in jobs {
            if dryRun {
                outcomes.append(
                    Outcome(
                        job: job,
                        result: Self.refusal(for: job, confirmed: confirmed).map { .refused($0) } ?? .wouldCancel))
                continue
            }
            outcomes.append(try await cancel(job, by: action, confirmed: confirmed))
        }
        return outcomes
    }

    func cancel(_ snapshot: JobRecord, by action: OperatorAction, confirmed: Bool) async throws -> Outcome {
        try await pool.withTransaction { connection in
            guard
                let job = try await JobReader(pool: pool).list(
                    JobFilter(ids: [snapshot.id], limit: 1), on: connection, lock: true
                ).first
            else {
                throw OperationsError.notFound("job \(snapshot.id) does not exist")
            }
            let target: JSONValue = .object([
                "previous_status": .string(job.status.rawValue), "lease_owner": .text(job.leaseOwner),
            ])
            if let refusal = Self.refusal(for: job, confirmed: confirmed) {
                try await action.record(
                    "cancel", jobID: job.id, employeeID: job.employeeID, target: target, outcome: "refused: \(refusal)",
                    on: connection)
                return Outcome(job: job, result: .refused(refusal))
            }
            try await connection.execute(
                """
                UPDATE jobs SET status = \(JobStatus.cancelled), cancel_reason = \("cancelled by \(action.name): \(action.reason)"),
                       finished_at = now(), updated_at = now()
                WHERE id = \(job.id)
                """
            )
            try await action.record(
                "cancel", jobID: job.id, employeeID: job.employeeID, target: target, outcome: "cancelled",
                on: connection)
            if job.status == .running, let owner = job.leaseOwner {
                return Outcome(job: job, result: .stopping(worker: owner))
            }
            return Outcome(job: job, result: .cancelled)
        }
    }

    static func refusal(for job: JobRecord, confirmed: Bool) -> String? {
        if job.status.isFinished { return "job \(job.id) already \(job.status.rawValue); nothing to cancel" }
        if job.status == .held {
            return
                "job \(job.id) is held by the mass-offboarding brake; cancel it with roster holds cancel (it makes the offboarding void)"
        }
        if job.kind == .offboarding, !confirmed {
            return
                "job \(job.id) is an offboarding: cancelling it leaves the leaver's access in place; pass --yes if that is really meant"
        }
        return nil
    }
}
