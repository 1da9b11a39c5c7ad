import Foundation
import RosterCore
import RosterPostgres

/// Reads jobs, their steps and their history for operator commands. Read-only.
public struct JobReader: Sendable {
    let pool: PostgresPool

    /// Creates a reader over `pool`; it never writes.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The jobs matching `filter`, newest first (creation time, then id), with their steps.
    ///
    /// - Throws: ``PostgresError``.
    public func list(_ filter: JobFilter) async throws -> [JobRecord] {
        try await list(filter, on: nil)
    }

    /// The job `id` with its steps.
    ///
    /// - Throws: ``OperationsError`` (not found), ``PostgresError``.
    public func job(_ id: Int64) async throws -> JobRecord {
        guard let job = try await list(JobFilter(ids: [id], limit: 1)).first else {
            throw OperationsError.notFound("job \(id) does not exist")
        }
        return job
    }

    func list(_ filter: JobFilter, on connection: PostgresConnection?, lock: Bool = false) async throws -> [JobRecord] {
        let ids = filter.ids
        let statuses = filter.statuses.map(\.rawValue)
        let types = filter.types.map(\.shortName)
        let since = filter.since.map { $0.microsecondsSince1970 }
        let until = filter.until.map { $0.microsecondsSince1970 }
        let cursorTime = filter.olderThan?.createdAt.microsecondsSince1970
        let cursorID = filter.olderThan?.id
        let query: PostgresQuery = """
            SELECT j.id, j.event_id, j.employee_id, j.type, j.status, j.priority, j.employee_order, j.attempts,
                   j.last_error, j.cancel_reason, \(unescaped: microsecondsSQL("j.run_after")), j.lease_owner,
                   \(unescaped: microsecondsSQL("j.created_at")), \(unescaped: microsecondsSQL("j.updated_at")),
                   \(unescaped: microsecondsSQL("j.finished_at")), j.hold_reason, j.hold_decision
            FROM jobs j
            WHERE (cardinality(\(ids)::int8[]) = 0 OR j.id = ANY(\(ids)::int8[]))
              AND (cardinality(\(statuses)::text[]) = 0 OR j.status = ANY(\(statuses)::text[]))
              AND (cardinality(\(types)::text[]) = 0 OR j.type = ANY(\(types)::text[]))
              AND (\(filter.employee)::text IS NULL OR j.employee_id = \(filter.employee)::text)
              AND (\(since)::int8 IS NULL OR j.updated_at >= to_timestamp(\(since)::int8 / 1e6))
              AND (\(until)::int8 IS NULL OR j.updated_at < to_timestamp(\(until)::int8 / 1e6))
              AND (\(filter.vendor)::text IS NULL
                   OR EXISTS (SELECT 1 FROM job_steps s WHERE s.job_id = j.id AND s.vendor = \(filter.vendor)::text)
                   OR EXISTS (SELECT 1 FROM events e,
                                     jsonb_array_elements(CASE WHEN jsonb_typeof(e.payload->'data'->'access') = 'array'
                                                               THEN e.payload->'data'->'access' ELSE '[]'::jsonb END) AS a
                              WHERE e.event_id = j.event_id AND a->>'vendor' = \(filter.vendor)::text))
              AND (\(cursorTime)::int8 IS NULL
                   OR (j.created_at, j.id) < (timestamptz 'epoch' + \(cursorTime)::int8 * interval '1 microsecond', \(cursorID)::int8))
            ORDER BY j.created_at DESC, j.id DESC
            LIMIT \(Int64(max(filter.limit, 0)))
            \(unescaped: lock ? "FOR UPDATE OF j" : "")
            """
        let rows = try await run(query, on: connection).rows
        var jobs = try rows.map { row in
            JobRecord(
                id: try row.decode(Int64.self, at: 0),
                eventID: try row.decode(String.self, at: 1),
                employeeID: try row.decode(String.self, at: 2),
                kind: HREvent.Kind(shortName: try row.decode(String.self, at: 3)) ?? .onboarding,
                status: JobStatus(rawValue: try row.decode(String.self, at: 4)) ?? .dead,
                priority: try row.decode(Int.self, at: 5),
                employeeOrder: try row.decode(Int64.self, at: 6),
                attempts: try row.decode(Int.self, at: 7),
                lastError: try row.decode(String?.self, at: 8),
                cancelReason: try row.decode(String?.self, at: 9),
                runAfter: Timestamp(microsecondsSince1970: try row.decode(Int64.self, at: 10)),
                leaseOwner: try row.decode(String?.self, at: 11),
                createdAt: Timestamp(microsecondsSince1970: try row.decode(Int64.self, at: 12)),
                updatedAt: Timestamp(microsecondsSince1970: try row.decode(Int64.self, at: 13)),
                finishedAt: try row.decode(Int64?.self, at: 14).map(Timestamp.init(microsecondsSince1970:)),
                holdReason: try row.decode(String?.self, at: 15),
                holdDecision: try row.decode(String?.self, at: 16).flatMap(HoldDecision.init(rawValue:)),
                steps: []
            )
        }
        let steps = try await self.steps(of: jobs.map(\.id), on: connection)
        for index in jobs.indices { jobs[index].steps = steps[jobs[index].id] ?? [] }
        return jobs
    }

    /// The steps of `jobIDs`, by job id, in plan order.
    func steps(of jobIDs: [Int64], on connection: PostgresConnection?) async throws -> [Int64: [StepRecord]] {
        guard !jobIDs.isEmpty else { return [:] }
        let rows = try await run(
            """
            SELECT s.job_id, s.position, s.params::text, s.status,
                   (SELECT count(*) FROM step_attempts a WHERE a.job_id = s.job_id AND a.position = s.position),
                   s.last_error, s.residual, s.recovery_point, s.state::text,
                   \(unescaped: microsecondsSQL("s.started_at")), \(unescaped: microsecondsSQL("s.finished_at"))
            FROM job_steps s WHERE s.job_id = ANY(\(jobIDs)::int8[]) ORDER BY s.job_id, s.position
            """,
            on: connection
        ).rows
        let decoder = JSONDecoder()
        var result: [Int64: [StepRecord]] = [:]
        for row in rows {
            let step = StepRecord(
                position: try row.decode(Int.self, at: 1),
                step: try decoder.decode(VendorStep.self, from: Data(try row.decode(String.self, at: 2).utf8)),
                status: try row.decode(String.self, at: 3),
                attempts: try row.decode(Int.self, at: 4),
                lastError: try row.decode(String?.self, at: 5),
                residual: try row.decode(String?.self, at: 6),
                recoveryPoint: try row.decode(String.self, at: 7),
                state: (try? decoder.decode(StepState.self, from: Data(try row.decode(String.self, at: 8).utf8))) ?? StepState(),
                startedAt: try row.decode(Int64?.self, at: 9).map(Timestamp.init(microsecondsSince1970:)),
                finishedAt: try row.decode(Int64?.self, at: 10).map(Timestamp.init(microsecondsSince1970:))
            )
            result[try row.decode(Int64.self, at: 0), default: []].append(step)
        }
        return result
    }

    func run(_ query: PostgresQuery, on connection: PostgresConnection?) async throws -> PostgresQueryResult {
        if let connection { return try await connection.query(query) }
        return try await pool.query(query)
    }
}
