import Foundation
import RosterCore
import RosterPostgres

extension JobReader {
    /// The job `id` with its event, every attempt and its audit rows (`roster jobs show`).
    ///
    /// - Throws: ``OperationsError`` (not found), ``PostgresError``.
    public func detail(_ id: Int64) async throws -> JobDetail {
        let job = try await job(id)
        return JobDetail(
            job: job, event: try await event(job.eventID), attempts: try await attempts(of: id),
            audit: try await AuditReader(pool: pool).entries(job: id)
        )
    }

    func event(_ id: String) async throws -> JobDetail.Event? {
        let rows = try await pool.query(
            """
            SELECT event_id, type, source, \(unescaped: microsecondsSQL("event_time")), \(unescaped: microsecondsSQL("received_at")),
                   sequence, deliveries, topic, partition, "offset", (payload->'data'->'access')::text
            FROM events WHERE event_id = \(id)
            """
        ).rows
        guard let row = rows.first else { return nil }
        var access: [AccessGrant]?
        if let text = try row.decode(String?.self, at: 10), let items = (try? JSONParser().parse(Array(text.utf8)))?.arrayValue {
            access = items.compactMap { item in
                guard let vendor = item["vendor"]?.stringValue, let project = item["project"]?.stringValue, let role = item["role"]?.stringValue else { return nil }
                return AccessGrant(vendor: vendor, project: project, role: role)
            }
        }
        return JobDetail.Event(
            id: try row.decode(String.self, at: 0), type: try row.decode(String.self, at: 1), source: try row.decode(String.self, at: 2),
            time: Timestamp(microsecondsSince1970: try row.decode(Int64.self, at: 3)),
            receivedAt: Timestamp(microsecondsSince1970: try row.decode(Int64.self, at: 4)),
            sequence: try row.decode(Int64?.self, at: 5), deliveries: try row.decode(Int.self, at: 6),
            topic: try row.decode(String.self, at: 7), partition: try row.decode(Int.self, at: 8),
            offset: try row.decode(Int64.self, at: 9), access: access
        )
    }

    func attempts(of id: Int64) async throws -> [JobDetail.Attempt] {
        let rows = try await pool.query(
            """
            SELECT position, attempt, worker, \(unescaped: microsecondsSQL("started_at")), \(unescaped: microsecondsSQL("finished_at")),
                   outcome, http_status, vendor_code, message
            FROM step_attempts WHERE job_id = \(id) ORDER BY finished_at, id
            """
        ).rows
        return try rows.map { row in
            JobDetail.Attempt(
                position: try row.decode(Int.self, at: 0), attempt: try row.decode(Int.self, at: 1),
                worker: try row.decode(String.self, at: 2),
                startedAt: Timestamp(microsecondsSince1970: try row.decode(Int64.self, at: 3)),
                finishedAt: Timestamp(microsecondsSince1970: try row.decode(Int64.self, at: 4)),
                outcome: try row.decode(String.self, at: 5), httpStatus: try row.decode(Int?.self, at: 6),
                vendorCode: try row.decode(String?.self, at: 7), message: try row.decode(String?.self, at: 8)
            )
        }
    }
}
