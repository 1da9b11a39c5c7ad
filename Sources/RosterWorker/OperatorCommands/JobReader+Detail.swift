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
            SELECT event_id, type, source, event_time, received_at, sequence, deliveries, topic, partition, "offset",
                   (payload->'data'->'access')::text AS access
            FROM events WHERE event_id = \(id)
            """
        ).rows
        guard let row = rows.first else { return nil }
        var access: [AccessGrant]?
        if let text = try row.decode(String?.self, column: "access"),
            let items = (try? JSONParser().parse(Array(text.utf8)))?.arrayValue
        {
            access = items.compactMap { item in
                guard let vendor = item["vendor"]?.stringValue, let project = item["project"]?.stringValue,
                    let role = item["role"]?.stringValue
                else { return nil }
                return AccessGrant(vendor: vendor, project: project, role: role)
            }
        }
        return JobDetail.Event(
            id: try row.decode(String.self, column: "event_id"), type: try row.decode(String.self, column: "type"),
            source: try row.decode(String.self, column: "source"),
            time: try row.decode(Timestamp.self, column: "event_time"),
            receivedAt: try row.decode(Timestamp.self, column: "received_at"),
            sequence: try row.decode(Int64?.self, column: "sequence"),
            deliveries: try row.decode(Int.self, column: "deliveries"),
            topic: try row.decode(String.self, column: "topic"),
            partition: try row.decode(Int.self, column: "partition"),
            offset: try row.decode(Int64.self, column: "offset"), access: access
        )
    }

    func attempts(of id: Int64) async throws -> [JobDetail.Attempt] {
        try await pool.query("SELECT * FROM step_attempts WHERE job_id = \(id) ORDER BY finished_at, id").decode(
            JobDetail.Attempt.self)
    }
}
