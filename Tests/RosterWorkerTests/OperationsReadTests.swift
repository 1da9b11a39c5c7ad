import Foundation
import RosterCore
import RosterPostgres
import RosterTesting
import RosterWorker
import Testing

/// `roster jobs`, `status`, `audit` and `dlq` reads against a real Postgres with jobs in every state.
@Suite(.timeLimit(.minutes(10)), .requiresPostgres)
struct OperationsReadTests {
    @Test func listIsNewestFirstAndFilters() async throws {
        try await TestDatabase.withFreshPool { pool, _ in
            let j = try await OperationsSeed.seed(pool)
            let reader = JobReader(pool: pool)
            let all = try await reader.list(JobFilter())
            #expect(
                all.map(\.id) == [j.offboarding, j.cancelled, j.dead, j.succeeded, j.retrying, j.running, j.queued])
            // Every state but `held` (only the brake creates it: OffboardingBrakeWorkerTests).
            #expect(Set(all.map(\.status)) == Set(JobStatus.allCases).subtracting([.held]))
            #expect(try await reader.list(JobFilter(statuses: [.dead])).map(\.id) == [j.dead])
            #expect(try await reader.list(JobFilter(statuses: [.dead, .queued])).map(\.id) == [j.dead, j.queued])
            #expect(try await reader.list(JobFilter(types: [.changed])).map(\.id) == [j.retrying])
            #expect(
                try await reader.list(JobFilter(vendor: "posthog")).map(\.id) == [j.dead],
                "by step and by requested access")
            #expect(try await reader.list(JobFilter(employee: "E6")).map(\.id) == [j.offboarding, j.cancelled])
            let now = Timestamp(secondsSince1970: Date().timeIntervalSince1970)
            let recent = try await reader.list(JobFilter(since: try TimeBound.parse("45m", now: now)))
            #expect(recent.map(\.id) == [j.offboarding, j.cancelled, j.dead, j.succeeded])
            let older = try await reader.list(JobFilter(until: try TimeBound.parse("45m", now: now)))
            #expect(older.map(\.id) == [j.retrying, j.running, j.queued])
            #expect(try await reader.list(JobFilter(limit: 2)).count == 2)
        }
    }

    @Test func jobJSONHasTheDocumentedShape() async throws {
        try await TestDatabase.withFreshPool { pool, _ in
            let j = try await OperationsSeed.seed(pool)
            let job = try await JobReader(pool: pool).job(j.dead)
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(JSONOutput.render(job.json).utf8)) as? [String: Any])
            #expect(object["id"] as? Int == Int(j.dead))
            #expect(object["event_id"] as? String == "evt-dead")
            #expect(object["employee_id"] as? String == "E5")
            #expect(object["type"] as? String == "onboarding")
            #expect(object["status"] as? String == "dead")
            #expect(object["attempts"] as? Int == 3)
            #expect((object["last_error"] as? String)?.contains("gave up after 3 attempts") == true)
            #expect(object["cancel_reason"] is NSNull)
            #expect(object["lease_owner"] is NSNull)
            for key in ["created_at", "updated_at", "finished_at", "run_after"] {
                #expect(Timestamp(rfc3339: object[key] as? String ?? "") != nil, "\(key) is RFC 3339")
            }
            let steps = try #require(object["steps"] as? [[String: Any]])
            #expect(steps.count == 2)
            #expect(steps[0]["name"] as? String == "ensure_project")
            #expect(steps[0]["vendor"] as? String == "posthog")
            #expect(steps[0]["status"] as? String == "succeeded")
            #expect(steps[0]["attempts"] as? Int == 1)
            #expect(steps[0]["last_error"] is NSNull)
            #expect((steps[0]["vendor_ids"] as? [String: Any])?["project_id"] as? String == "42")
            #expect(steps[1]["name"] as? String == "ensure_access")
            #expect(steps[1]["status"] as? String == "failed")
            #expect(steps[1]["attempts"] as? Int == 3)
            #expect(steps[1]["role"] as? String == "member")
            #expect((steps[1]["last_error"] as? String)?.contains("HTTP 503") == true)
        }
    }

    @Test func showHasTheEventPlanAttemptsAndTimelineWithoutPersonalData() async throws {
        try await TestDatabase.withFreshPool { pool, _ in
            let j = try await OperationsSeed.seed(pool)
            let detail = try await JobReader(pool: pool).detail(j.dead)
            #expect(detail.event?.id == "evt-dead")
            #expect(detail.event?.access == [AccessGrant(vendor: "posthog", project: "analytics", role: "member")])
            #expect(detail.attempts.count == 4)
            #expect(detail.timeline.first?.kind == "event")
            #expect(detail.timeline.last?.kind == "finished")
            let table = JobRendering.show(detail, colour: false)
            let json = JSONOutput.render(detail.json)
            for text in [table, json] {
                #expect(!text.contains("@example.com"), "no email")
                #expect(!text.contains("Person E5"), "no name")
                #expect(text.contains("ensure_access"))
            }
            #expect(table.contains("Timeline"))
            #expect(table.contains("project_id=42"))
            await #expect(throws: OperationsError.self) { try await JobReader(pool: pool).detail(999_999) }
        }
    }

    @Test func statusReportsJobsVendorsAndAnUnreachableKafka() async throws {
        try await TestDatabase.withFreshPool { pool, url in
            let j = try await OperationsSeed.seed(pool)
            try await pool.execute(
                "INSERT INTO circuit_breakers (vendor, state, consecutive_failures, retry_at, opened_total) VALUES ('posthog', 'open', 5, now() + interval '30 seconds', 1)"
            )
            var configuration = try ConfigurationLoader().parse(
                yaml: """
                    kafka: {brokers: "127.0.0.1:1", topic: hr.events, group: roster}
                    vendors:
                      openai: {kind: openai, base_url: "http://127.0.0.1:9/v1", api_key_env: K}
                    """)
            configuration.database.url = url
            let report = try await StatusReader(pool: pool, configuration: configuration, logger: TestDatabase.logger)
                .report(kafkaTimeout: .seconds(1))
            #expect(report.kafka.error != nil, "Kafka at 127.0.0.1:1 is unreachable")
            #expect(
                report.jobsByStatus == [.queued: 1, .running: 1, .retrying: 1, .succeeded: 2, .dead: 1, .cancelled: 1])
            #expect(report.oldestQueued?.id == j.queued)
            #expect(report.deadJobsLast24h == 1)
            #expect(report.deadLettersLast24h == 1)
            #expect(report.vendors.map(\.name) == ["openai", "posthog"])
            #expect(report.vendors.last?.breaker?.state == .open)
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(JSONOutput.render(report.json).utf8)) as? [String: Any])
            #expect((json["kafka"] as? [String: Any])?["reachable"] as? Bool == false)
            #expect(((json["jobs"] as? [String: Any])?["by_status"] as? [String: Any])?["dead"] as? Int == 1)
            #expect(report.rendered(colour: false).contains("unreachable"))
        }
    }

    @Test func auditShowsMutationsOperatorActionsAndTimeToRevoke() async throws {
        try await TestDatabase.withFreshPool { pool, _ in
            let j = try await OperationsSeed.seed(pool)
            let report = try await AuditReader(pool: pool).report(employee: "E6")
            #expect(report.entries.map(\.action) == ["delete_invite"])
            let revocation = try #require(report.revocations.first)
            #expect(revocation.jobID == j.offboarding)
            #expect(revocation.revokedAt != nil)
            let seconds = Double(try #require(revocation.timeToRevoke).microseconds) / 1e6
            #expect(seconds > 60 && seconds < 180, "HR time 11 min ago, revoked 9 min ago: \(seconds)")
            #expect(revocation.vendors.map(\.name) == ["openai"])
            #expect(report.rendered(colour: false).contains("time to revoke"))
            let byJob = try await AuditReader(pool: pool).report(job: j.succeeded)
            #expect(byJob.entries.map(\.action) == ["create_invite"])
            #expect(byJob.revocations.isEmpty)
        }
    }
}
