import Foundation
import Logging
import RosterCore
import RosterKafka
import RosterPostgres

/// Writes one ingest batch to Postgres in ONE transaction: new events into the inbox (a repeated
/// event id only bumps its delivery count), their jobs as the ``IngestPlanner`` decides, the
/// supersessions of offboardings, and the dead letters. Offsets may be committed once it returns.
///
/// New offboardings pass the mass-offboarding brake (``OffboardingBrakeGate``) in the same
/// transaction: those beyond its limit are created `held`. A held offboarding still supersedes
/// the employee's unfinished grants at once (Roster errs toward removing access) and blocks the
/// employee's later jobs until an operator decides.
struct IngestStore: Sendable {
    /// What one batch did, for logs, metrics and tests.
    struct Outcome: Sendable, Equatable {
        var inserted = 0
        var redelivered = 0
        var jobsQueued = 0
        var jobsCancelledAtBirth = 0
        /// Offboardings created `held` by the mass-offboarding brake.
        var jobsHeld = 0
        /// The brake's reason for them (counts only), when any was held.
        var holdReason: String?
        var superseded = 0
        var deadLettered = 0
    }

    let pool: PostgresPool
    let planner = IngestPlanner()
    let failpoints: Failpoints
    let brake: OffboardingBrakeGate

    init(pool: PostgresPool, failpoints: Failpoints, brake: RosterConfiguration.Brake) {
        self.pool = pool
        self.failpoints = failpoints
        self.brake = OffboardingBrakeGate(configuration: brake)
    }

    func record(_ batch: IngestBatch) async throws -> Outcome {
        try await pool.withTransaction { connection in
            try await record(batch, on: connection)
        }
    }

    /// Records `batch` inside the caller's transaction (`roster dlq replay` adds its own writes to
    /// the same transaction, so a re-ingested dead letter and its resolution commit together).
    func record(_ batch: IngestBatch, on connection: PostgresConnection) async throws -> Outcome {
        var outcome = Outcome()
        let newEvents = try await insertEvents(
            batch.accepted, duplicatesInBatch: batch.duplicatesInBatch, on: connection, outcome: &outcome)
        if !newEvents.isEmpty {
            let plan = planner.plan(events: newEvents, history: try await history(of: newEvents, on: connection))
            let jobs = try await braked(plan.jobs, on: connection)
            try await insertJobs(jobs, on: connection)
            outcome.jobsQueued = jobs.count { $0.status == .queued }
            outcome.jobsCancelledAtBirth = jobs.count { $0.status == .cancelled }
            outcome.jobsHeld = jobs.count { $0.status == .held }
            outcome.holdReason = jobs.lazy.compactMap(\.holdReason).first
            outcome.superseded = try await supersede(plan.supersessions, on: connection)
            if outcome.jobsQueued > 0 {
                // Delivered at commit, so executors wake only for jobs they can see.
                try await connection.execute("SELECT pg_notify(\(RosterSchema.jobsChannel), '')")
            }
        }
        for rejected in batch.rejected {
            outcome.deadLettered += try await deadLetter(
                rejected.message, code: rejected.rejection.code.description, reason: rejected.rejection.description,
                eventID: rejected.eventID, on: connection)
        }
        failpoints.hit(.inTransaction)
        return outcome
    }

    /// Dead-letters one message in its own transaction: used when Postgres refuses a message that
    /// passed validation, so that one message can never block its partition.
    func recordUnstorable(_ message: KafkaMessage, error: PostgresError) async throws {
        let reason =
            "PostgreSQL refused to store it: \(error.sqlState.map { "SQLSTATE \($0.rawValue)" } ?? "unknown error")"
        _ = try await pool.withTransaction { connection in
            try await deadLetter(
                message, code: "unstorable", reason: reason, eventID: IngestBatch.eventID(in: message.value),
                on: connection)
        }
    }

    // MARK: - Steps

    private func insertEvents(
        _ accepted: [IngestBatch.Accepted], duplicatesInBatch: [String: Int], on connection: PostgresConnection,
        outcome: inout Outcome
    ) async throws -> [HREvent] {
        guard !accepted.isEmpty else { return [] }
        let events = accepted.map(\.event)
        let ids = events.map(\.id)
        let types = events.map(\.kind)
        let employees = events.map(\.employee.id)
        let sequences = events.map { $0.sequence ?? -1 }
        let sources = events.map(\.source)
        let times = events.map(\.time)
        let topics = accepted.map(\.message.topic)
        let partitions = accepted.map(\.message.partition)
        let offsets = accepted.map(\.message.offset)
        let payloads = accepted.map { String(decoding: $0.message.value, as: UTF8.self) }
        let copies = events.map { Int32(1 + (duplicatesInBatch[$0.id] ?? 0)) }
        // xmax = 0 only for rows this statement inserted; conflicting rows were updated instead.
        let result = try await connection.query(
            """
            INSERT INTO events (event_id, type, employee_id, sequence, source, event_time, topic, partition, "offset", payload, deliveries)
            SELECT id, type, employee, NULLIF(seq, -1), source, at, topic, part, off, payload::jsonb, copies
            FROM unnest(\(ids)::text[], \(types)::text[], \(employees)::text[], \(sequences)::int8[], \(sources)::text[],
                        \(times)::timestamptz[], \(topics)::text[], \(partitions)::int4[], \(offsets)::int8[], \(payloads)::text[],
                        \(copies)::int4[])
                 AS e(id, type, employee, seq, source, at, topic, part, off, payload, copies)
            ON CONFLICT (event_id) DO UPDATE SET deliveries = events.deliveries + excluded.deliveries
            RETURNING event_id, (xmax = 0) AS inserted
            """
        )
        var inserted = Set<String>()
        for row in result.rows {
            let id = try row.decode(String.self, column: "event_id")
            if try row.decode(Bool.self, column: "inserted") { inserted.insert(id) } else { outcome.redelivered += 1 }
        }
        outcome.inserted = inserted.count
        return events.filter { inserted.contains($0.id) }
    }

    /// The planned jobs with the brake's verdict on each new offboarding (after the employees'
    /// locks, which ``history(of:on:)`` took: the gate's lock comes last).
    private func braked(
        _ jobs: [IngestPlanner.PlannedJob], on connection: PostgresConnection
    ) async throws -> [IngestPlanner.PlannedJob] {
        let offboardings = jobs.indices.filter { jobs[$0].kind == .offboarding && jobs[$0].status == .queued }
        guard !offboardings.isEmpty else { return jobs }
        let decision = try await brake.statuses(forNewOffboardings: offboardings.count, on: connection)
        var jobs = jobs
        for (index, verdict) in zip(offboardings, decision.verdicts) {
            jobs[index].status = verdict.status
            jobs[index].holdReason = verdict.holdReason
        }
        return jobs
    }

    private func history(
        of events: [HREvent], on connection: PostgresConnection
    ) async throws -> [String: IngestPlanner.History] {
        let employees = Array(Set(events.map(\.employee.id))).sorted()
        // One employee's events share a partition, so only a rebalance hand-over can race here;
        // the lock keeps the employee's order numbers consistent even then (sorted: no deadlock).
        try await connection.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(e, 7231)) FROM unnest(\(employees)::text[]) AS e"
        )
        // Per employee: the highest arrival, and the jobs the leaver rule reads (every onboarding
        // and offboarding, and every unfinished change). Employees have a handful of jobs. An
        // offboarding an operator cancelled while it was held is void: it never happened.
        let result = try await connection.query(
            """
            SELECT e.employee, m.highest,
                   j.id, j.event_id, j.type, j.employee_order, j.employee_sequence,
                   j.status = ANY(\(JobStatus.unfinished)::text[]) AS unfinished
            FROM unnest(\(employees)::text[]) AS e(employee)
            -- Once per employee, not once per joined job row.
            CROSS JOIN LATERAL (SELECT max(employee_order) AS highest FROM jobs WHERE employee_id = e.employee) m
            LEFT JOIN jobs j ON j.employee_id = e.employee
                 AND (j.type <> \(HREvent.Kind.changed) OR j.status = ANY(\(JobStatus.unfinished)::text[]))
                 AND NOT \(fragment: HoldDecision.voided("j"))
            """
        )
        var history: [String: IngestPlanner.History] = [:]
        for row in result.rows {
            let employee = try row.decode(String.self, column: "employee")
            let highest = try row.decode(Int64?.self, column: "highest")
            var h = history[employee] ?? IngestPlanner.History(highestArrival: highest)
            if let jobID = try row.decode(Int64?.self, column: "id") {
                h.entries.append(
                    LeaverRule.Entry(
                        jobID: jobID, eventID: try row.decode(String.self, column: "event_id"),
                        kind: try row.decode(HREvent.Kind.self, column: "type"),
                        position: EmployeePosition(
                            arrival: try row.decode(Int64.self, column: "employee_order"),
                            sequence: try row.decode(Int64?.self, column: "employee_sequence")
                        ),
                        isUnfinished: try row.decode(Bool.self, column: "unfinished")
                    ))
            }
            history[employee] = h
        }
        return history
    }

    private func insertJobs(_ jobs: [IngestPlanner.PlannedJob], on connection: PostgresConnection) async throws {
        let events = jobs.map(\.eventID)
        let employees = jobs.map(\.employeeID)
        let types = jobs.map(\.kind)
        let priorities = jobs.map { Int32($0.priority) }
        let orders = jobs.map(\.order)
        let sequences = jobs.map { $0.sequence ?? -1 }
        let statuses = jobs.map(\.status)
        let reasons = jobs.map { $0.cancelReason ?? "" }
        let holds = jobs.map { $0.holdReason ?? "" }
        try await connection.execute(
            """
            INSERT INTO jobs (event_id, employee_id, type, priority, employee_order, employee_sequence, status, cancel_reason, hold_reason, finished_at)
            SELECT event, employee, type, priority, ord, NULLIF(seq, -1), status, NULLIF(reason, ''), NULLIF(hold, ''),
                   CASE WHEN status = \(JobStatus.cancelled) THEN now() END
            FROM unnest(\(events)::text[], \(employees)::text[], \(types)::text[], \(priorities)::int4[], \(orders)::int8[],
                        \(sequences)::int8[], \(statuses)::text[], \(reasons)::text[], \(holds)::text[])
                 AS j(event, employee, type, priority, ord, seq, status, reason, hold)
            """
        )
    }

    /// Ends the unfinished jobs the batch's offboardings supersede. A running one keeps its lease:
    /// it goes on blocking the employee's later jobs until its worker has let go (the worker's
    /// fence sees `cancelled` before its next vendor call).
    private func supersede(
        _ supersessions: [IngestPlanner.Supersession], on connection: PostgresConnection
    ) async throws -> Int {
        guard !supersessions.isEmpty else { return 0 }
        return try await connection.execute(
            """
            UPDATE jobs j SET status = \(JobStatus.cancelled), cancel_reason = s.reason, updated_at = now(), finished_at = now()
            FROM unnest(\(supersessions.map(\.jobID))::int8[], \(supersessions.map(\.reason))::text[]) AS s(id, reason)
            WHERE j.id = s.id AND j.status IN (\(JobStatus.queued), \(JobStatus.retrying), \(JobStatus.running))
            """
        )
    }

    private func deadLetter(
        _ message: KafkaMessage, code: String, reason: String, eventID: String?, on connection: PostgresConnection
    ) async throws -> Int {
        let headerKeys = message.headers.map(\.key)
        let headerValues = message.headers.map { $0.value ?? Data() }
        // The same poison message redelivered stays one dead letter.
        return try await connection.execute(
            """
            INSERT INTO dead_letters (topic, partition, "offset", key, value, header_keys, header_values, code, reason, event_id)
            VALUES (\(message.topic), \(message.partition), \(message.offset), \(message.key), \(message.value),
                    \(headerKeys)::text[], \(headerValues)::bytea[], \(code), \(reason), \(eventID))
            ON CONFLICT (topic, partition, "offset") DO NOTHING
            """
        )
    }
}
