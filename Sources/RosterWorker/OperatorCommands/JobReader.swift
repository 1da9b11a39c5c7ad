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
        let cursorTime = filter.olderThan?.createdAt
        let cursorID = filter.olderThan?.id
        let query: PostgresQuery = """
            SELECT j.*
            FROM jobs j
            WHERE (cardinality(\(ids)::int8[]) = 0 OR j.id = ANY(\(ids)::int8[]))
              AND (cardinality(\(filter.statuses)::text[]) = 0 OR j.status = ANY(\(filter.statuses)::text[]))
              AND (cardinality(\(filter.types)::text[]) = 0 OR j.type = ANY(\(filter.types)::text[]))
              AND (\(filter.employee)::text IS NULL OR j.employee_id = \(filter.employee)::text)
              AND (\(filter.since)::timestamptz IS NULL OR j.updated_at >= \(filter.since)::timestamptz)
              AND (\(filter.until)::timestamptz IS NULL OR j.updated_at < \(filter.until)::timestamptz)
              AND (\(filter.vendor)::text IS NULL
                   OR EXISTS (SELECT 1 FROM job_steps s WHERE s.job_id = j.id AND s.vendor = \(filter.vendor)::text)
                   OR EXISTS (SELECT 1 FROM events e,
                                     jsonb_array_elements(CASE WHEN jsonb_typeof(e.payload->'data'->'access') = 'array'
                                                               THEN e.payload->'data'->'access' ELSE '[]'::jsonb END) AS a
                              WHERE e.event_id = j.event_id AND a->>'vendor' = \(filter.vendor)::text))
              AND (\(cursorTime)::timestamptz IS NULL OR (j.created_at, j.id) < (\(cursorTime)::timestamptz, \(cursorID)::int8))
            ORDER BY j.created_at DESC, j.id DESC
            LIMIT \(Int64(max(filter.limit, 0)))
            \(unescaped: lock ? "FOR UPDATE OF j" : "")
            """
        var jobs = try await run(query, on: connection).decode(JobRecord.self)
        let steps = try await self.steps(of: jobs.map(\.id), on: connection)
        for index in jobs.indices { jobs[index].steps = steps[jobs[index].id] ?? [] }
        return jobs
    }

    /// The steps of `jobIDs`, by job id, in plan order.
    func steps(of jobIDs: [Int64], on connection: PostgresConnection?) async throws -> [Int64: [StepRecord]] {
        guard !jobIDs.isEmpty else { return [:] }
        let rows = try await run(StepRecord.select(ofJobs: jobIDs), on: connection).rows
        var result: [Int64: [StepRecord]] = [:]
        for row in rows {
            result[try row.decode(Int64.self, column: "job_id"), default: []].append(
                try StepRecord(row: row, unreadableState: StepState()))
        }
        return result
    }

    func run(_ query: PostgresQuery, on connection: PostgresConnection?) async throws -> PostgresQueryResult {
        if let connection { return try await connection.query(query) }
        return try await pool.query(query)
    }
}
