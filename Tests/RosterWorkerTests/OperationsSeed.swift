import Foundation
import Logging
import RosterPostgres
import RosterTesting
import RosterWorker

/// A database with jobs in every state, steps, attempts, audit rows and a dead letter, written
/// with SQL as the worker would have left them. Times are fixed relative to now.
enum OperationsSeed {
    /// Job ids by name.
    struct Jobs {
        var queued: Int64 = 0, running: Int64 = 0, retrying: Int64 = 0, succeeded: Int64 = 0
        var dead: Int64 = 0, cancelled: Int64 = 0, offboarding: Int64 = 0
    }

    static func migrate(_ pool: PostgresPool) async throws {
        try await RosterSchema.migrate(pool, logger: TestDatabase.logger)
    }

    @discardableResult
    static func seed(_ pool: PostgresPool) async throws -> Jobs {
        try await migrate(pool)
        var jobs = Jobs()
        var offset: Int64 = 0
        func job(
            _ id: String, type: String = "onboarding", employee: String, status: String, minutesAgo: Int,
            order: Int64 = 1,
            access: [(String, String, String)]? = [("openai", "research-ai", "member")], extra: String = ""
        ) async throws -> Int64 {
            offset += 1
            let eventType = "hr.employee.\(type)"
            let payload = String(
                decoding: TestEvents.event(
                    id: id, type: eventType, employee: employee, access: type == "offboarding" ? nil : access,
                    sequence: order), as: UTF8.self)
            try await pool.execute(
                """
                INSERT INTO events (event_id, type, employee_id, sequence, source, event_time, topic, partition, "offset", payload, received_at)
                VALUES (\(id), \(type), \(employee), \(order), 'hris://test', now() - make_interval(mins => \(Int32(minutesAgo + 1))),
                        'hr.events', 0, \(offset), \(payload)::jsonb, now() - make_interval(mins => \(Int32(minutesAgo))))
                """
            )
            let priority: Int32 = type == "offboarding" ? 100 : type == "changed" ? 20 : 10
            return try await pool.query(
                """
                INSERT INTO jobs (event_id, employee_id, type, priority, employee_order, status, created_at, updated_at)
                VALUES (\(id), \(employee), \(type), \(priority), \(order), \(status),
                        now() - make_interval(mins => \(Int32(minutesAgo))), now() - make_interval(mins => \(Int32(minutesAgo))))
                RETURNING id
                """
            ).rows[0].decode(Int64.self, at: 0)
        }
        func step(
            _ job: Int64, _ position: Int32, _ name: String, vendor: String, project: String, role: String? = nil,
            status: String, attempts: Int32, state: String = "{}", error: String? = nil, minutesAgo: Int
        ) async throws {
            let params =
                role.map { #"{"action":"\#(name)","project":"\#(project)","role":"\#($0)","vendor":"\#(vendor)"}"# }
                ?? #"{"action":"\#(name)","project":"\#(project)","vendor":"\#(vendor)"}"#
            try await pool.execute(
                """
                INSERT INTO job_steps (job_id, position, name, vendor, params, status, attempts, state, last_error, recovery_point)
                VALUES (\(job), \(position), \(name), \(vendor), \(params)::jsonb, \(status), \(attempts), \(state)::jsonb, \(error),
                        \(status == "succeeded" ? "finished" : status == "failed" ? "failed" : "started"))
                """
            )
            for attempt in 0..<attempts {
                let outcome =
                    status == "succeeded" && attempt == attempts - 1
                    ? "succeeded" : status == "failed" && attempt == attempts - 1 ? "failed" : "retry"
                try await pool.execute(
                    """
                    INSERT INTO step_attempts (job_id, position, attempt, worker, started_at, finished_at, outcome, http_status, message)
                    VALUES (\(job), \(position), \(attempt + 1), 'w1',
                            now() - make_interval(mins => \(Int32(minutesAgo)), secs => \(Double(-position * 10 - attempt * 2))),
                            now() - make_interval(mins => \(Int32(minutesAgo)), secs => \(Double(-position * 10 - attempt * 2 - 1))), \(outcome),
                            \(outcome == "succeeded" ? nil : Int32(503)), \(outcome == "succeeded" ? "done" : "HTTP 503"))
                    """
                )
            }
        }
        jobs.queued = try await job("evt-queued", employee: "E1", status: "queued", minutesAgo: 70)
        jobs.running = try await job("evt-running", employee: "E2", status: "running", minutesAgo: 60)
        try await pool.execute(
            "UPDATE jobs SET lease_owner = 'w1', lease_expires_at = now() + interval '1 hour', attempts = 1 WHERE id = \(jobs.running)"
        )
        jobs.retrying = try await job(
            "evt-retrying", type: "changed", employee: "E3", status: "retrying", minutesAgo: 50)
        try await pool.execute(
            "UPDATE jobs SET attempts = 2, last_error = 'reconcile at openai failed (HTTP 503): unavailable', run_after = now() + interval '1 minute' WHERE id = \(jobs.retrying)"
        )
        jobs.succeeded = try await job("evt-succeeded", employee: "E4", status: "succeeded", minutesAgo: 40)
        try await step(
            jobs.succeeded, 0, "ensure_project", vendor: "openai", project: "research-ai", status: "succeeded",
            attempts: 1, state: #"{"values":{"project_id":"proj_1"}}"#, minutesAgo: 40)
        try await step(
            jobs.succeeded, 1, "ensure_access", vendor: "openai", project: "research-ai", role: "member",
            status: "succeeded", attempts: 1, state: #"{"values":{"invite_id":"inv_1","project_id":"proj_1"}}"#,
            minutesAgo: 40)
        try await pool.execute(
            "UPDATE jobs SET attempts = 1, finished_at = now() - interval '39 minutes' WHERE id = \(jobs.succeeded)")
        jobs.dead = try await job(
            "evt-dead", employee: "E5", status: "dead", minutesAgo: 30, access: [("posthog", "analytics", "member")])
        try await step(
            jobs.dead, 0, "ensure_project", vendor: "posthog", project: "analytics", status: "succeeded", attempts: 1,
            state: #"{"values":{"project_id":"42"}}"#, minutesAgo: 30)
        try await step(
            jobs.dead, 1, "ensure_access", vendor: "posthog", project: "analytics", role: "member", status: "failed",
            attempts: 3,
            error: "ensure_access at posthog failed (HTTP 503): unavailable (gave up after 3 attempts)", minutesAgo: 30)
        try await pool.execute(
            "UPDATE jobs SET attempts = 3, last_error = 'ensure_access at posthog failed (HTTP 503): unavailable (gave up after 3 attempts)', finished_at = now() - interval '29 minutes' WHERE id = \(jobs.dead)"
        )
        jobs.cancelled = try await job("evt-cancelled", employee: "E6", status: "cancelled", minutesAgo: 20, order: 1)
        try await pool.execute(
            "UPDATE jobs SET cancel_reason = 'superseded by offboarding evt-leaver', finished_at = now() - interval '10 minutes' WHERE id = \(jobs.cancelled)"
        )
        jobs.offboarding = try await job(
            "evt-leaver", type: "offboarding", employee: "E6", status: "succeeded", minutesAgo: 10, order: 2)
        try await step(
            jobs.offboarding, 0, "revoke_invites", vendor: "openai", project: "-", status: "succeeded", attempts: 1,
            state: #"{"lists":{"deleted_invites":["inv_9"]}}"#, minutesAgo: 10)
        try await pool.execute(
            "UPDATE jobs SET attempts = 1, finished_at = now() - interval '8 minutes' WHERE id = \(jobs.offboarding)")
        try await pool.execute(
            """
            INSERT INTO audit_log (at, actor, action, vendor, job_id, employee_id, target, outcome)
            VALUES (now() - interval '9 minutes', 'worker:w1', 'delete_invite', 'openai', \(jobs.offboarding), 'E6', '{"invite_id":"inv_9"}', 'done'),
                   (now() - interval '39 minutes', 'worker:w1', 'create_invite', 'openai', \(jobs.succeeded), 'E4', '{"invite_id":"inv_1"}', 'done')
            """
        )
        try await pool.execute(
            """
            INSERT INTO dead_letters (topic, partition, "offset", key, value, code, reason, event_id)
            VALUES ('hr.events', 1, 7, 'E9'::bytea, \(Data(TestEvents.event(id: "evt-bad", employee: "E9", access: [("salesforce", "crm", "member")]))),
                    'unknown_vendor', 'data.access[0].vendor: "salesforce" is not a configured vendor', 'evt-bad')
            """
        )
        return jobs
    }

    /// Every row of the tables a replay could touch, as text, for before/after comparisons.
    static func dump(_ pool: PostgresPool) async throws -> String {
        var out = ""
        for table in ["jobs", "job_steps", "step_attempts", "audit_log", "events", "dead_letters"] {
            let rows = try await pool.query(
                "SELECT coalesce(json_agg(t ORDER BY t::text), '[]')::text FROM \(identifier: table) t"
            ).rows
            out += table + ": " + (try rows[0].decode(String.self, at: 0)) + "\n"
        }
        return out
    }
}
