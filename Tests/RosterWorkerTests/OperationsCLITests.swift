import Foundation
import RosterCore
import RosterPostgres
import RosterTesting
import RosterWorker
import Testing

/// The real `roster` binary against a seeded Postgres: output, exit codes (0, 1, 2) and messages.
@Suite(.timeLimit(.minutes(10)), .requiresPostgres)
struct OperationsCLITests {
    static func run(
        _ arguments: [String], config: URL, user: String = "tester"
    ) async throws -> (status: Int32, output: String) {
        try await RosterProcess.run(
            arguments, environment: ["ROSTER_CONFIG": config.path, "USER": user, "NO_COLOR": ""], timeout: .seconds(60))
    }

    static func config(_ url: String) throws -> URL {
        try TestConfiguration.write(brokers: "127.0.0.1:1", databaseURL: url, topic: "hr.events", group: "roster")
    }

    static func json(_ output: String) throws -> [String: Any] {
        // stdout and stderr share the log; the JSON document is everything from the first "{".
        let start = try #require(output.firstIndex(of: "{"))
        return try #require(try JSONSerialization.jsonObject(with: Data(output[start...].utf8)) as? [String: Any])
    }

    @Test func readCommandsPrintTablesAndJSONWithTheDocumentedExitCodes() async throws {
        try await TestDatabase.withFreshPool { pool, url in
            let j = try await OperationsSeed.seed(pool)
            let config = try Self.config(url)

            let table = try await Self.run(["jobs", "list"], config: config)
            #expect(table.status == 0, "\(table.output)")
            #expect(table.output.hasPrefix("ID"), "\(table.output)")
            #expect(!table.output.contains("\u{1B}["), "no colour when stdout is not a terminal")
            #expect(table.output.split(separator: "\n").count == 8, "a header and seven jobs")

            let listed = try Self.json(
                try await Self.run(["jobs", "list", "--status", "dead,retrying", "--output", "json"], config: config)
                    .output)
            let jobs = try #require(listed["jobs"] as? [[String: Any]])
            #expect(jobs.map { $0["id"] as? Int } == [Int(j.dead), Int(j.retrying)])
            for job in jobs {
                for key in [
                    "id", "event_id", "employee_id", "type", "status", "attempts", "created_at", "updated_at", "steps",
                ] {
                    #expect(job[key] != nil, "job JSON has \(key)")
                }
            }
            let steps = try #require(jobs[0]["steps"] as? [[String: Any]])
            for key in ["name", "vendor", "status", "attempts", "last_error"] {
                #expect(steps[1][key] != nil, "step JSON has \(key)")
            }

            let show = try await Self.run(["jobs", "show", String(j.dead)], config: config)
            #expect(show.status == 0)
            #expect(show.output.contains("Timeline") && show.output.contains("ensure_access"))
            #expect(!show.output.contains("@example.com"))
            let shown = try Self.json(
                try await Self.run(["jobs", "show", String(j.dead), "--output", "json"], config: config).output)
            #expect((shown["event"] as? [String: Any])?["id"] as? String == "evt-dead")
            #expect((shown["attempt_history"] as? [Any])?.count == 4)

            let missing = try await Self.run(["jobs", "show", "999999"], config: config)
            #expect(missing.status == 1)
            #expect(missing.output.contains("job 999999 does not exist"), "\(missing.output)")

            let malformed = try await Self.run(["jobs", "show", "abc"], config: config)
            #expect(malformed.status == 2, "\(malformed.output)")
            #expect(try await Self.run(["jobs", "list", "--status", "sleeping"], config: config).status == 2)
            #expect(try await Self.run(["jobs", "list", "--since", "yesterday"], config: config).status == 2)
            #expect(
                try await Self.run(["replay", "--reason", "x"], config: config).status == 2, "neither ids nor filter")
            #expect(try await Self.run(["replay", String(j.dead)], config: config).status == 2, "no --reason")
            #expect(try await Self.run(["audit"], config: config).status == 2)

            let status = try await Self.run(["status", "--kafka-timeout", "1", "--output", "json"], config: config)
            #expect(status.status == 0, "Kafka unreachable is reported, not a failure: \(status.output)")
            let report = try Self.json(status.output)
            #expect((report["kafka"] as? [String: Any])?["reachable"] as? Bool == false)

            let audit = try await Self.run(["audit", "--employee", "E6"], config: config)
            #expect(audit.status == 0)
            #expect(audit.output.contains("time to revoke"), "\(audit.output)")

            let dlq = try Self.json(try await Self.run(["dlq", "list", "--output", "json"], config: config).output)
            #expect((dlq["dead_letters"] as? [[String: Any]])?.first?["code"] as? String == "unknown_vendor")
            let dlqShow = try await Self.run(["dlq", "show", "1"], config: config)
            #expect(dlqShow.status == 0 && !dlqShow.output.contains("@example.com"), "\(dlqShow.output)")
        }
    }

    @Test func replayIsRefusedAfterALaterOffboardingAndCancelStopsQueuedJobsWithAudit() async throws {
        try await TestDatabase.withFreshPool { pool, url in
            let j = try await OperationsSeed.seed(pool)
            let config = try Self.config(url)

            let refused = try await Self.run(["replay", String(j.cancelled), "--reason", "re-grant"], config: config)
            #expect(refused.status == 1)
            #expect(refused.output.contains("offboarded after this onboarding"), "\(refused.output)")
            #expect(
                try await pool.query("SELECT status FROM jobs WHERE id = \(j.cancelled)").rows[0].decode(
                    String.self, at: 0) == "cancelled")

            let before = try await OperationsSeed.dump(pool)
            let dry = try await Self.run(
                ["replay", "--status", "dead", "--vendor", "posthog", "--reason", "outage over", "--dry-run"],
                config: config)
            #expect(dry.status == 0, "\(dry.output)")
            #expect(
                dry.output.contains("would replay job \(j.dead)") && dry.output.contains("posthog ensure_access"),
                "\(dry.output)")
            #expect(!dry.output.contains("posthog ensure_project"), "the completed step is not planned again")
            #expect(try await OperationsSeed.dump(pool) == before, "a dry run changes no row")

            let replayed = try await Self.run(
                ["replay", String(j.dead), "--reason", "outage over", "--operator", "ada"], config: config)
            #expect(replayed.status == 0, "\(replayed.output)")
            let job = try await JobReader(pool: pool).job(j.dead)
            #expect(job.status == .queued)
            #expect(job.steps.map(\.status) == [.succeeded, .pending], "resumes from the failed step")
            #expect(job.steps[1].attempts == 3, "earlier attempts stay in the history")
            let audit = try await AuditReader(pool: pool).entries(job: j.dead)
            #expect(audit.map(\.actor) == ["operator:ada"])
            #expect(audit.first?.reason == "outage over")
            #expect(audit.first?.outcome == "queued")
            #expect(audit.first?.target["from_step"]?.stringValue == "ensure_access")

            let again = try await Self.run(["replay", String(j.dead), "--reason", "twice"], config: config)
            #expect(again.status == 1 && again.output.contains("is queued"), "\(again.output)")

            let cancel = try await Self.run(
                ["cancel", String(j.queued), String(j.retrying), "--reason", "duplicate request"], config: config)
            #expect(cancel.status == 0, "\(cancel.output)")
            #expect(
                try await JobReader(pool: pool).list(JobFilter(ids: [j.queued, j.retrying])).allSatisfy {
                    $0.status == .cancelled
                })
            let cancelledAudit = try await AuditReader(pool: pool).entries(job: j.queued)
            #expect(cancelledAudit.map(\.action) == ["cancel"] && cancelledAudit.first?.actor == "operator:tester")
            let finished = try await Self.run(["cancel", String(j.succeeded), "--reason", "late"], config: config)
            #expect(finished.status == 1 && finished.output.contains("already succeeded"), "\(finished.output)")
            let missing = try await Self.run(["cancel", "424242", "--reason", "x"], config: config)
            #expect(missing.status == 1 && missing.output.contains("does not exist"))

            // The running job is cancelled cooperatively: the row says so, the lease is left to its worker.
            let running = try await Self.run(["cancel", String(j.running), "--reason", "stop"], config: config)
            #expect(running.status == 0 && running.output.contains("stops before its next step"), "\(running.output)")
            #expect(try await JobReader(pool: pool).job(j.running).leaseOwner == "w1")
        }
    }

    @Test func bulkReplayNeedsYes() async throws {
        try await TestDatabase.withFreshPool { pool, url in
            try await OperationsSeed.migrate(pool)
            for i in 0..<12 {
                let id = "bulk-\(i)"
                try await pool.execute(
                    """
                    INSERT INTO events (event_id, type, employee_id, source, event_time, topic, partition, "offset", payload)
                    VALUES (\(id), 'onboarding', \("B\(i)"), 's', now(), 't', 0, \(Int64(i)), \(String(decoding: TestEvents.event(id: id, employee: "B\(i)"), as: UTF8.self))::jsonb)
                    """
                )
                try await pool.execute(
                    "INSERT INTO jobs (event_id, employee_id, type, priority, employee_order, status) VALUES (\(id), \("B\(i)"), 'onboarding', 10, 1, 'dead')"
                )
            }
            let config = try Self.config(url)
            let refused = try await Self.run(["replay", "--status", "dead", "--reason", "bulk"], config: config)
            #expect(refused.status == 1 && refused.output.contains("--yes"), "\(refused.output)")
            #expect(try await JobReader(pool: pool).list(JobFilter(statuses: [.dead])).count == 12)
            let confirmed = try await Self.run(
                ["replay", "--status", "dead", "--reason", "bulk", "--yes"], config: config)
            #expect(confirmed.status == 0, "\(confirmed.output)")
            #expect(try await JobReader(pool: pool).list(JobFilter(statuses: [.queued])).count == 12)
        }
    }
}
