import Foundation
import Logging
import RosterPostgres

/// What Postgres holds after a run, read once for the checks.
struct NemesisRecords: Sendable {
    struct Job: Sendable {
        var id: Int64
        var eventID: String
        var employee: String
        var type: String
        var status: String
        var lastError: String
        var cancelReason: String
        var attempts: Int64
        var order: Int64
        /// The first step attempt's start, else the job's creation.
        var started: Date
    }

    struct Event: Sendable {
        var eventID: String
        var employee: String
        var type: String
        var sequence: Int64?
        var deliveries: Int64
    }

    struct DeadLetter: Sendable {
        var key: String
        var code: String
    }

    var jobs: [Job] = []
    var events: [Event] = []
    var deadLetters: [DeadLetter] = []
    /// Job id → seconds from HR event time to revocation (RevocationTimes' rule), for succeeded
    /// offboardings; `nil` when it cannot be computed.
    var revocationSeconds: [Int64: Double?] = [:]

    static func read(databaseURL: String) async throws -> NemesisRecords {
        let pool = PostgresPool(
            configuration: try PostgresConfiguration(url: databaseURL), size: 1, acquireTimeout: .seconds(30),
            logger: Logger(label: "roster.nemesis.check"))
        defer { pool.close() }
        var records = NemesisRecords()
        for row in try await pool.query(
            """
            SELECT j.id, j.event_id, j.employee_id, j.type, j.status, coalesce(j.last_error, ''),
                   coalesce(j.cancel_reason, ''), j.attempts::int8, j.employee_order,
                   coalesce((SELECT min(s.started_at) FROM step_attempts s WHERE s.job_id = j.id), j.created_at)
            FROM jobs j ORDER BY j.id
            """
        ).rows {
            records.jobs.append(
                Job(
                    id: try row.decode(Int64.self, at: 0), eventID: try row.decode(String.self, at: 1),
                    employee: try row.decode(String.self, at: 2), type: try row.decode(String.self, at: 3),
                    status: try row.decode(String.self, at: 4), lastError: try row.decode(String.self, at: 5),
                    cancelReason: try row.decode(String.self, at: 6), attempts: try row.decode(Int64.self, at: 7),
                    order: try row.decode(Int64.self, at: 8), started: try row.decode(Date.self, at: 9)))
        }
        for row in try await pool.query(
            "SELECT event_id, employee_id, type, sequence, deliveries::int8 FROM events ORDER BY employee_id, received_at"
        ).rows {
            records.events.append(
                Event(
                    eventID: try row.decode(String.self, at: 0), employee: try row.decode(String.self, at: 1),
                    type: try row.decode(String.self, at: 2), sequence: try row.decode(Int64?.self, at: 3),
                    deliveries: try row.decode(Int64.self, at: 4)))
        }
        for row in try await pool.query(
            "SELECT coalesce(convert_from(key, 'UTF8'), ''), code FROM dead_letters ORDER BY id"
        ).rows {
            records.deadLetters.append(
                DeadLetter(key: try row.decode(String.self, at: 0), code: try row.decode(String.self, at: 1)))
        }
        // The columns RevocationTimes reads: the last non-operator audit entry of the job (else
        // its end) against the HR event time.
        for row in try await pool.query(
            """
            SELECT j.id, extract(epoch FROM coalesce(
                       (SELECT max(a.at) FROM audit_log a WHERE a.job_id = j.id AND a.actor NOT LIKE 'operator:%'),
                       j.finished_at) - e.event_time)::float8
            FROM jobs j JOIN events e ON e.event_id = j.event_id
            WHERE j.type = 'offboarding' AND j.status = 'succeeded'
            """
        ).rows {
            records.revocationSeconds[try row.decode(Int64.self, at: 0)] = try row.decode(Double?.self, at: 1)
        }
        return records
    }

    /// One employee's recorded events and jobs, as lines (ids, types, statuses, reasons; no
    /// personal data).
    func history(of employee: String) -> String {
        var lines = events.filter { $0.employee == employee }.map {
            "    event \($0.eventID) \($0.type) seq \($0.sequence.map(String.init) ?? "-") deliveries \($0.deliveries)"
        }
        lines += jobs.filter { $0.employee == employee }.map {
            "    job \($0.id) \($0.type) for \($0.eventID) order \($0.order): \($0.status), \($0.attempts) attempt(s)"
                + ($0.cancelReason.isEmpty ? "" : ", cancelled: \($0.cancelReason)")
                + ($0.lastError.isEmpty ? "" : ", last error: \($0.lastError)")
        }
        return lines.isEmpty ? "    (nothing recorded)" : lines.joined(separator: "\n")
    }
}
