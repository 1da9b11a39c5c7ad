import Foundation
import RosterCore

/// What `roster audit` prints: every vendor mutation and operator action for an employee or a
/// job, and for each offboarding, when access was gone everywhere (time to revoke).
public struct AuditReport: Sendable {
    /// One offboarding job's revocation: from the HR event's time to the last revocation.
    public struct Revocation: Sendable {
        /// One vendor instance's part of the revocation: its steps' state and its verification.
        public struct Vendor: Sendable {
            /// The vendor instance name, as configured.
            public var name: String
            /// Every step at this vendor succeeded (or was skipped).
            public var complete: Bool
            /// The last vendor mutation Roster made there for this job.
            public var lastMutationAt: Timestamp?
            /// Access the vendor's API could not remove, said plainly.
            public var residual: String?
            /// The check after the offboarding: `absent`, `access_found`, `residual`, `rehired`, or `nil`
            /// while it is not done.
            public var verification: String? = nil
            /// When verified absent: listings made at or after this showed nothing of theirs.
            public var verifiedAt: Timestamp? = nil
        }
        /// The offboarding job.
        public var jobID: Int64
        /// The id of the HR event the offboarding came from.
        public var eventID: String
        /// The job's status now; only a `succeeded` job has a ``revokedAt``.
        public var status: JobStatus
        /// The HR event's `time` (HR's clock): where time to revoke starts.
        public var eventTime: Timestamp
        /// When the last access went: the last revocation call, or when the job confirmed nothing
        /// was left; `nil` while the job has not succeeded.
        public var revokedAt: Timestamp?
        /// Every vendor instance the job has steps at, by name.
        public var vendors: [Vendor]

        /// From ``eventTime`` to ``revokedAt``; `nil` while the job has not succeeded.
        public var timeToRevoke: Duration? { revokedAt.map { $0.duration(since: eventTime) } }

        /// One entry of `offboardings` in `roster audit --output json`.
        public var json: JSONValue {
            .object([
                "job_id": .int(jobID), "event_id": .string(eventID), "status": .string(status.rawValue),
                "event_time": .time(eventTime), "revoked_at": .time(revokedAt),
                "time_to_revoke_seconds": .seconds(timeToRevoke.map { Double($0.microseconds) / 1e6 }),
                "vendors": .array(
                    vendors.map { v in
                        .object([
                            "vendor": .string(v.name), "complete": .bool(v.complete),
                            "last_mutation_at": .time(v.lastMutationAt),
                            "residual": .text(v.residual), "verification": .text(v.verification),
                            "verified_absent_at": .time(v.verifiedAt),
                        ])
                    }),
            ])
        }
    }

    /// `employee` or `job`.
    public var subjectKind: String
    /// The HR employee id or the job id the report is about, as text.
    public var subject: String
    /// Every audit row about the subject, oldest first: vendor mutations and operator actions.
    public var entries: [AuditEntry]
    /// One per offboarding job of the subject, in the employee's order.
    public var revocations: [Revocation]

    /// The `roster audit --output json` document: `employee_id` or `job_id`, `entries` and
    /// `offboardings`.
    public var json: JSONValue {
        .object([
            subjectKind == "job" ? "job_id" : "employee_id": subjectKind == "job" ? .number(subject) : .string(subject),
            "entries": .array(entries.map(\.json)),
            "offboardings": .array(revocations.map(\.json)),
        ])
    }

    /// The table form of `roster audit`: the entries, then each offboarding's time to revoke and
    /// state per vendor.
    public func rendered(colour: Bool) -> String {
        var out = "Audit for \(subjectKind) \(subject)\n"
        if entries.isEmpty {
            out += "  no vendor mutations or operator actions recorded\n"
        } else {
            var table = TextTable(
                ["TIME", "ACTOR", "JOB", "VENDOR", "ACTION", "TARGET", "OUTCOME", "REASON"], colour: colour)
            for e in entries {
                table.append([
                    e.at.rfc3339, e.actor, e.jobID.map(String.init) ?? "-", e.vendor ?? "-", e.action,
                    e.targetSummary.isEmpty ? "-" : e.targetSummary, e.outcome, e.reason ?? "",
                ])
            }
            out += JobRendering.indent(table.rendered)
        }
        for r in revocations {
            out +=
                "\nOffboarding job \(r.jobID) (event \(r.eventID), HR time \(r.eventTime.rfc3339)): \(r.status.rawValue)\n"
            if let revokedAt = r.revokedAt, let ttr = r.timeToRevoke {
                out +=
                    "  access gone everywhere at \(revokedAt.rfc3339): time to revoke \(StatusReport.describe(ttr))\n"
            } else {
                out += "  NOT complete: access may remain (job \(r.status.rawValue))\n"
            }
            for v in r.vendors {
                out += "  \(v.name): \(v.complete ? "revoked" : "not complete")"
                out += v.lastMutationAt.map { ", last change \($0.rfc3339)" } ?? ", nothing to remove"
                out += v.residual.map { "; left by hand: \($0)" } ?? ""
                switch v.verification {
                case "absent": out += v.verifiedAt.map { "; verified absent at \($0.rfc3339)" } ?? "; verified absent"
                case "access_found": out += "; ACCESS FOUND on verification (a revocation job was created)"
                case "rehired": out += "; not verified: rehired since"
                case "residual": out += "; verified: only access the API cannot remove is left"
                default: out += r.status == .succeeded ? "; verification pending" : ""
                }
                out += "\n"
            }
        }
        return out
    }
}
