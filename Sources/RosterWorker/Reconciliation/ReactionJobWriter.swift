import Foundation
import RosterCore
import RosterPostgres

/// One job reconciliation asks for: an offboarding at one vendor for a leaver's access found
/// there, or a change at one vendor that makes a current employee's access match their latest
/// event.
struct ReactionRequest: Sendable, Hashable {
    var employeeID: String
    var vendor: String
    /// `.offboarding` (revoke at the vendor) or `.changed` (conform at the vendor).
    var kind: HREvent.Kind
    /// For a change: every grant the employee should have (the plan keeps the vendor's own).
    var grants: [AccessGrant]
    /// For a change: the HR event whose grants these are. The job is created only if no HR event
    /// of the employee arrived after it (an offboarding recorded, even finished, between the
    /// pass's read and this write must never be followed by a grant).
    var decidedBy: String? = nil
}

/// What became of a ``ReactionRequest``.
struct ReactionResult: Sendable, Hashable {
    var request: ReactionRequest
    /// The job created; `nil` when none was (see ``skipped``).
    var jobID: Int64?
    /// `queued`, or `held` by the mass-offboarding brake.
    var status: JobStatus?
    /// Why no job was created, in words.
    var skipped: String?
}

/// Creates reconciliation's jobs, each in its own transaction and the way ingest records an event:
/// under the employee's lock, numbered after their other jobs (so one employee's jobs still run
/// one at a time and in order), with an event in the inbox that the executor plans from.
///
/// The event is a copy of the employee's latest HR event (the same person, addresses and
/// attributes) with its own id (`roster:reconcile:<run>:<vendor>:<employee>`), source
/// `roster:reconcile`, no sequence, and for a change the desired grants as its `access`. The job
/// names its one vendor (`jobs.vendors`): the executor plans only that vendor's steps.
///
/// Never a second job for an employee who has one unfinished: the job in flight is already
/// making the vendor match, and the next pass looks again.
struct ReactionJobWriter: Sendable {
    let pool: PostgresPool
    /// Whether new offboardings run or are held (the mass-offboarding brake,
    /// ``OffboardingBrakeGate``), asked inside the transaction that records them, after the
    /// employee's lock.
    let admit:
        @Sendable (_ offboardings: Int, _ connection: PostgresConnection) async throws -> [OffboardingBrake.Verdict]

    /// A writer whose revocations pass the mass-offboarding brake, as ingest's offboardings do.
    init(pool: PostgresPool, brake: OffboardingBrakeGate) {
        self.init(
            pool: pool,
            admit: { count, connection in
                try await brake.statuses(forNewOffboardings: count, on: connection).verdicts
            })
    }

    init(
        pool: PostgresPool,
        admit:
            @escaping @Sendable (_ offboardings: Int, _ connection: PostgresConnection) async throws ->
            [OffboardingBrake.Verdict]
    ) {
        self.pool = pool
        self.admit = admit
    }

    func create(_ request: ReactionRequest, runID: Int64) async throws -> ReactionResult {
        try await pool.withTransaction { connection in
            try await connection.execute("SELECT pg_advisory_xact_lock(hashtextextended(\(request.employeeID), 7231))")
            let unfinished =
                try await connection.query(
                    """
                    SELECT count(*) AS n FROM jobs
                    WHERE employee_id = \(request.employeeID) AND status = ANY(\(JobStatus.unfinished)::text[])
                    """
                ).rows.first?.decode(Int64.self, column: "n") ?? 0
            guard unfinished == 0 else {
                return ReactionResult(
                    request: request, skipped: "a job of the employee is unfinished; it is already on its way")
            }
            if let decidedBy = request.decidedBy {
                let later =
                    try await connection.query(
                        """
                        SELECT count(*) AS n FROM jobs j
                        WHERE j.employee_id = \(request.employeeID) AND j.origin = \(JobOrigin.hr)
                          AND j.employee_order > coalesce((SELECT employee_order FROM jobs WHERE event_id = \(decidedBy)), 0)
                        """
                    ).rows.first?.decode(Int64.self, column: "n") ?? 0
                guard later == 0 else {
                    return ReactionResult(
                        request: request,
                        skipped:
                            "an HR event of the employee arrived since the pass read them; the next pass looks again")
                }
            }
            guard
                let latest = try await connection.query(
                    """
                    SELECT e.payload::text AS payload FROM jobs j JOIN events e ON e.event_id = j.event_id
                    WHERE j.employee_id = \(request.employeeID) AND j.origin = \(JobOrigin.hr)
                    ORDER BY j.employee_order DESC, j.id DESC LIMIT 1
                    """
                ).rows.first.map({ try $0.decode(String.self, column: "payload") })
            else {
                return ReactionResult(request: request, skipped: "no HR event of the employee is recorded")
            }
            let eventID = "roster:reconcile:\(runID):\(request.vendor):\(request.employeeID)"
            let payload = try Self.payload(from: latest, id: eventID, request: request)
            let verdict = request.kind == .offboarding ? try await admit(1, connection).first ?? .run : .run
            let status = verdict.status
            try await connection.execute(
                """
                INSERT INTO events (event_id, type, employee_id, source, event_time, topic, partition, "offset", payload)
                VALUES (\(eventID), \(request.kind), \(request.employeeID), \(JobOrigin.reconcileSource), now(),
                        '', -1, -1, \(payload)::jsonb)
                """
            )
            let jobID = try await connection.query(
                """
                INSERT INTO jobs (event_id, employee_id, type, priority, employee_order, status, hold_reason, origin, vendors)
                SELECT \(eventID), \(request.employeeID), \(request.kind), \(Int32(JobPriority.of(request.kind))),
                       coalesce(max(employee_order), 0) + 1, \(status), \(verdict.holdReason), \(JobOrigin.reconcile),
                       ARRAY[\(request.vendor)]::text[]
                FROM jobs WHERE employee_id = \(request.employeeID)
                RETURNING id
                """
            ).rows.first?.decode(Int64.self, column: "id")
            if status == .queued { try await connection.execute("SELECT pg_notify(\(RosterSchema.jobsChannel), '')") }
            return ReactionResult(request: request, jobID: jobID, status: status)
        }
    }

    /// The reconciliation event: the latest HR event's document with a new id, type, source and
    /// time, no sequence (it is ordered by arrival, after everything recorded), and for a change
    /// the desired grants as `access`.
    static func payload(from latest: String, id: String, request: ReactionRequest) throws -> String {
        guard case .object(var root) = try JSONParser().parse(latest), case .object(var data)? = root["data"] else {
            throw ReconcileError(code: .unreadableEvent, message: "the employee's latest HR event cannot be read")
        }
        root["id"] = .string(id)
        root["type"] = .string(request.kind.rawValue)
        root["source"] = .string(JobOrigin.reconcileSource)
        root["time"] = .string(Timestamp(secondsSince1970: Date().timeIntervalSince1970).rfc3339)
        data["sequence"] = nil
        data["access"] =
            request.kind == .changed
            ? .array(
                request.grants.map {
                    .object(["vendor": .string($0.vendor), "project": .string($0.project), "role": .string($0.role)])
                })
            : nil
        root["data"] = .object(data)
        return JSONValue.object(root).serialized
    }
}
