import Foundation
import RosterPostgres
import RosterTesting
import RosterWorker

/// A database for the console's tests, written with SQL as workers would have left it: jobs in
/// every state (one offboarding held by the brake) (three dead onboardings, one of them for an employee offboarded since), an
/// offboarding with vendor mutations, a verification and a residual finding, and a dead letter.
/// Every event payload carries an email address, and one error message quotes one: no page may
/// show either.
enum ConsoleSeed {
    struct Jobs {
        var queued: Int64 = 0, retrying: Int64 = 0, succeeded: Int64 = 0, leaver: Int64 = 0, supersededDead: Int64 = 0,
            held: Int64 = 0
        var dead: [Int64] = []
        var deadLetter: Int64 = 0
    }

    /// The address in ``Jobs/retrying``'s error message.
    static let leakedAddress = "grace.hopper@example.com"

    @discardableResult
    static func seed(_ pool: PostgresPool) async throws -> Jobs {
        try await RosterSchema.migrate(pool, logger: TestDatabase.logger)
        var jobs = Jobs()
        var offset: Int64 = 0
        func job(
            _ event: String, _ type: String, _ employee: String, _ status: String, minutesAgo: Int32, order: Int64 = 1,
            vendor: String = "openai", project: String = "research-ai"
        ) async throws -> Int64 {
            offset += 1
            let access: [(vendor: String, project: String, role: String)]? =
                type == "offboarding" ? nil : [(vendor, project, "member")]
            let payload = String(
                decoding: TestEvents.event(
                    id: event, type: "hr.employee.\(type)", employee: employee, access: access, sequence: order),
                as: UTF8.self)
            try await pool.execute(
                """
                INSERT INTO events (event_id, type, employee_id, sequence, source, event_time, topic, partition, "offset", payload, received_at)
                VALUES (\(event), \(type), \(employee), \(order), 'hris://test', now() - make_interval(mins => \(minutesAgo + 1)),
                        'hr.events', 0, \(offset), \(payload)::jsonb, now() - make_interval(mins => \(minutesAgo)))
                """
            )
            let priority: Int32 = type == "offboarding" ? 100 : type == "changed" ? 20 : 10
            return try await pool.query(
                """
                INSERT INTO jobs (event_id, employee_id, type, priority, employee_order, status, created_at, updated_at,
                                  finished_at, attempts)
                VALUES (\(event), \(employee), \(type), \(priority), \(order), \(status),
                        now() - make_interval(mins => \(minutesAgo)), now() - make_interval(mins => \(minutesAgo)),
                        CASE WHEN \(status) IN ('succeeded', 'dead', 'cancelled') THEN now() - make_interval(mins => \(minutesAgo)) END, 1)
                RETURNING id
                """
            ).rows[0].decode(Int64.self, at: 0)
        }
        func step(
            _ job: Int64, _ position: Int32, _ name: String, vendor: String, project: String, status: String,
            state: String = "{}", error: String? = nil, residual: String? = nil
        ) async throws {
            let params = #"{"action":"\#(name)","project":"\#(project)","role":"member","vendor":"\#(vendor)"}"#
            try await pool.execute(
                """
                INSERT INTO job_steps (job_id, position, name, vendor, params, status, attempts, state, last_error, residual, recovery_point, finished_at)
                VALUES (\(job), \(position), \(name), \(vendor), \(params)::jsonb, \(status), 1, \(state)::jsonb, \(error), \(residual),
                        \(status == "succeeded" ? "finished" : "failed"), now() - interval '5 minutes')
                """
            )
            try await pool.execute(
                """
                INSERT INTO step_attempts (job_id, position, attempt, worker, started_at, finished_at, outcome, http_status, message)
                VALUES (\(job), \(position), 1, 'w1', now() - interval '6 minutes', now() - interval '5 minutes',
                        \(status == "succeeded" ? "succeeded" : "failed"), \(status == "succeeded" ? nil : Int32(503)), \(error ?? "done"))
                """
            )
        }
        jobs.queued = try await job("evt-q", "onboarding", "E1", "queued", minutesAgo: 90)
        jobs.retrying = try await job("evt-r", "changed", "E2", "retrying", minutesAgo: 80)
        try await pool.execute(
            "UPDATE jobs SET last_error = \("openai: invite for \(leakedAddress) failed (HTTP 503)") WHERE id = \(jobs.retrying)"
        )
        jobs.succeeded = try await job("evt-s", "onboarding", "E3", "succeeded", minutesAgo: 70)
        try await step(
            jobs.succeeded, 0, "ensure_access", vendor: "openai", project: "research-ai", status: "succeeded",
            state: #"{"values":{"invite_id":"inv_3"}}"#)
        for (index, employee) in ["E4", "E5"].enumerated() {
            let id = try await job(
                "evt-d\(index)", "onboarding", employee, "dead", minutesAgo: 60 - Int32(index), vendor: "posthog",
                project: "analytics")
            try await step(
                id, 0, "ensure_access", vendor: "posthog", project: "analytics", status: "failed",
                error: "ensure_access at posthog failed (HTTP 503)")
            try await pool.execute(
                "UPDATE jobs SET last_error = 'ensure_access at posthog failed (HTTP 503)' WHERE id = \(id)")
            jobs.dead.append(id)
        }
        // E6 joined (dead job), then left: replaying the onboarding would re-grant a leaver's access.
        jobs.supersededDead = try await job("evt-d6", "onboarding", "E6", "dead", minutesAgo: 50, order: 1)
        jobs.dead.append(jobs.supersededDead)
        jobs.leaver = try await job("evt-l6", "offboarding", "E6", "succeeded", minutesAgo: 40, order: 2)
        try await step(
            jobs.leaver, 0, "revoke_invites", vendor: "openai", project: "-", status: "succeeded",
            state: #"{"lists":{"deleted_invites":["inv_9"]}}"#)
        try await step(
            jobs.leaver, 1, "remove_organization_membership", vendor: "relevance", project: "-", status: "succeeded",
            residual: "organisation membership: the API cannot remove it; remove user u_6 by hand")
        try await pool.execute(
            """
            INSERT INTO audit_log (at, actor, action, vendor, job_id, employee_id, target, outcome)
            VALUES (now() - interval '39 minutes', 'worker:w1', 'delete_invite', 'openai', \(jobs.leaver), 'E6', '{"invite_id":"inv_9"}', 'done')
            """
        )
        try await pool.execute(
            """
            INSERT INTO verifications (job_id, vendor, employee_id, due_at, result, checked_at)
            VALUES (\(jobs.leaver), 'openai', 'E6', now() - interval '30 minutes', 'absent', now() - interval '29 minutes'),
                   (\(jobs.leaver), 'relevance', 'E6', now() - interval '30 minutes', 'residual', now() - interval '29 minutes')
            """
        )
        let run = try await pool.query(
            "INSERT INTO reconcile_runs (vendor, kind, worker) VALUES ('relevance', 'verification', 'w1') RETURNING id"
        )
        .rows[0].decode(Int64.self, at: 0)
        try await pool.execute(
            """
            INSERT INTO reconcile_findings (key, vendor, situation, employee_id, target, detail, residual, reaction, first_run_id, last_run_id)
            VALUES ('leaver_has_access/relevance/E6/u_6', 'relevance', 'leaver_has_access', 'E6', '{"user_id":"u_6"}',
                    'organisation membership the API cannot remove', true, 'report', \(run), \(run))
            """
        )
        // An offboarding held by the mass-offboarding brake.
        jobs.held = try await job("evt-h7", "offboarding", "E7", "held", minutesAgo: 5)
        try await pool.execute(
            "UPDATE jobs SET hold_reason = 'brake: 12 offboardings in 10 min (limit 10)' WHERE id = \(jobs.held)")
        jobs.deadLetter = try await pool.query(
            """
            INSERT INTO dead_letters (topic, partition, "offset", key, value, header_keys, code, reason, event_id)
            VALUES ('hr.events', 1, 7, 'E9'::bytea, \(TestEvents.event(id: "evt-bad", employee: "E9", access: [("salesforce", "crm", "member")])),
                    ARRAY['traceparent'], 'unknown_vendor', 'data.access[0].vendor: "salesforce" is not a configured vendor', 'evt-bad')
            RETURNING id
            """
        ).rows[0].decode(Int64.self, at: 0)
        return jobs
    }

    /// The status of job `id` now.
    static func status(_ id: Int64, _ pool: PostgresPool) async throws -> String {
        try await pool.query("SELECT status FROM jobs WHERE id = \(id)").rows[0].decode(String.self, at: 0)
    }

    /// Operator rows in the audit log: (action, actor, outcome, reason).
    static func operatorAudit(_ pool: PostgresPool) async throws -> [(String, String, String, String?)] {
        try await pool.query(
            "SELECT action, actor, outcome, reason FROM audit_log WHERE actor LIKE 'operator:%' ORDER BY id"
        ).rows.map {
            (
                try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1), try $0.decode(String.self, at: 2),
                try $0.decode(String?.self, at: 3)
            )
        }
    }
}
