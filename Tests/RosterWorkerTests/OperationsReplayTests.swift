import Foundation
import RosterCore
import RosterPostgres
import RosterTesting
import RosterWorker
import Testing

/// Replays end to end: a job made dead by the fake OpenAI API, replayed with the real binary and
/// finished by a real worker; dead letters re-ingested after a configuration change or with a
/// corrected payload.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct OperationsReplayTests {
    @Test func aDeadJobReplayedResumesFromItsFailedStepAndSucceeds() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await ExecutionFixture(databaseURL: url)
            // The invite is refused (a permanent 400): ensure_project succeeded, ensure_access kills the
            // job. Twice: a first 400 to a create may mean the directory was wrong (an invite made
            // behind Roster's back), so the step lists again and tries once more; the second is the
            // vendor's real answer.
            f.fake.injectFaults(
                [.status(400), .status(400)],
                matching: FakeRequestMatcher(method: "POST", pathPrefix: "/v1/organization/invites"))
            try await f.ingest.produce([f.onboarding("replay-1", employee: "R1", grants: [("alpha", "member")])])
            let worker = try f.ingest.startWorker(executor: true)
            try await f.waitForJobsToFinish(1, workers: [worker])
            #expect(try await f.jobStatuses() == ["dead": 1])
            let pool = f.ingest.pool
            let id = try await pool.query("SELECT id FROM jobs").rows[0].decode(Int64.self, at: 0)
            let dead = try await JobReader(pool: pool).job(id)
            #expect(dead.steps.map(\.status) == [.succeeded, .failed])
            let environment = ["ROSTER_CONFIG": f.ingest.executorConfigURL.path, "USER": "tester"]

            // Dry run: every row as it was, and no call to the vendor.
            let before = try await OperationsSeed.dump(pool)
            let callsBefore = f.fake.calls.count
            let dry = try await RosterProcess.run(
                ["replay", String(id), "--reason", "invite fixed", "--dry-run"], environment: environment)
            #expect(dry.status == 0, "\(dry.output)")
            #expect(
                dry.output.contains("openai ensure_access") && !dry.output.contains("openai ensure_project"),
                "\(dry.output)")
            #expect(try await OperationsSeed.dump(pool) == before, "a dry run changes no row")
            #expect(f.fake.calls.count == callsBefore, "a dry run calls no vendor")

            let replay = try await RosterProcess.run(
                ["replay", String(id), "--reason", "invite fixed"], environment: environment)
            #expect(replay.status == 0, "\(replay.output)")
            try await f.waitForJobsToFinish(1, workers: [worker])
            #expect(try await f.jobStatuses() == ["succeeded": 1])
            let mutations = f.mutations.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
            #expect(
                mutations == ["POST /v1/organization/projects", "POST /v1/organization/invites"],
                "the completed step is not repeated: \(f.mutations)")
            #expect(try await f.ingest.count("SELECT count(*) FROM step_attempts WHERE position = 0") == 1)
            #expect(
                try await f.ingest.count("SELECT count(*) FROM step_attempts WHERE position = 1") == 2,
                "the failed attempt stays in the history")
            let audit = try await AuditReader(pool: pool).entries(job: id).filter(\.isOperatorAction)
            #expect(
                audit.map(\.action) == ["replay"] && audit.first?.reason == "invite fixed"
                    && audit.first?.actor == "operator:tester")
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
            await f.stop()
        }
    }

    @Test func aDeadLetterBecomesAJobAfterAConfigurationChangeOrWithACorrectedPayload() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let openaiOnly = """
                vendors:
                  openai: {kind: openai, base_url: "http://127.0.0.1:9/v1", api_key_env: ROSTER_TEST_OPENAI_KEY}
                """
            let f = try IngestFixture(databaseURL: url, partitions: 1, vendors: openaiOnly)
            let missingEmail = TestEvents.invalid(index: 2)
            try await f.produce([
                (
                    "P1",
                    TestEvents.event(id: "needs-posthog", employee: "P1", access: [("posthog", "analytics", "member")])
                ),
                (missingEmail.key, missingEmail.value),
            ])
            let worker = try f.startWorker()
            try await f.waitForCounts(events: 0, deadLetters: 2)
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
            let ids = try await f.pool.query("SELECT id FROM dead_letters ORDER BY \"offset\"").rows.map {
                try $0.decode(Int64.self, at: 0)
            }
            let environment = ["ROSTER_CONFIG": f.configURL.path, "USER": "tester"]

            // Same configuration: rejected again, and the dead letter says so.
            let again = try await RosterProcess.run(
                ["dlq", "replay", String(ids[0]), "--reason", "retry"], environment: environment)
            #expect(
                again.status == 1 && again.output.contains("rejected again") && again.output.contains("unknown_vendor"),
                "\(again.output)")
            var letter = try await DeadLetterReader(pool: f.pool).deadLetter(ids[0])
            #expect(letter.status == "new" && letter.replayOutcome == "rejected" && letter.replayAttempts == 1)

            // The vendor is added to the configuration: the same bytes become an event and a job.
            let fixed = try TestConfiguration.write(
                brokers: f.cluster.bootstrapServers, databaseURL: url, topic: f.topic, group: f.group)
            let dry = try await RosterProcess.run(
                ["dlq", "replay", String(ids[0]), "--reason", "posthog configured", "--dry-run"],
                environment: ["ROSTER_CONFIG": fixed.path, "USER": "tester"])
            #expect(dry.status == 0 && dry.output.contains("would become event needs-posthog"), "\(dry.output)")
            #expect(try await f.count("SELECT count(*) FROM jobs") == 0)
            let replay = try await RosterProcess.run(
                ["dlq", "replay", String(ids[0]), "--reason", "posthog configured"],
                environment: ["ROSTER_CONFIG": fixed.path, "USER": "tester"])
            #expect(replay.status == 0, "\(replay.output)")
            let job = try #require(try await JobReader(pool: f.pool).list(JobFilter(employee: "P1")).first)
            #expect(job.eventID == "needs-posthog" && job.status == .queued)
            letter = try await DeadLetterReader(pool: f.pool).deadLetter(ids[0])
            #expect(
                letter.status == "replayed" && letter.replayOutcome == "job_created" && letter.replayJobID == job.id)
            #expect(letter.replayOperator == "tester" && letter.replayReason == "posthog configured")
            let event = try await f.pool.query("SELECT topic, \"offset\" FROM events WHERE event_id = 'needs-posthog'")
                .rows[0]
            #expect(try event.decode(String.self, at: 0) == f.topic, "the event keeps its Kafka coordinates")
            let twice = try await RosterProcess.run(
                ["dlq", "replay", String(ids[0]), "--reason", "again"],
                environment: ["ROSTER_CONFIG": fixed.path, "USER": "tester"])
            #expect(twice.status == 1 && twice.output.contains("already replayed"), "\(twice.output)")

            // A corrected payload for the event that lacked an email.
            let corrected = TestWorkDirectory.url.appendingPathComponent(
                "corrected-\(UUID().uuidString.prefix(6)).json")
            try TestEvents.event(id: "bad-2", employee: "BAD2").write(to: corrected)
            let fix = try await RosterProcess.run(
                ["dlq", "replay", String(ids[1]), "--payload", corrected.path, "--reason", "email added"],
                environment: environment)
            #expect(fix.status == 0, "\(fix.output)")
            letter = try await DeadLetterReader(pool: f.pool).deadLetter(ids[1])
            #expect(letter.status == "replayed" && letter.replayCorrected == true && letter.replayEventID == "bad-2")
            let audit = try await f.count(
                "SELECT count(*) FROM audit_log WHERE action = 'dlq_replay' AND actor = 'operator:tester'")
            #expect(audit == 4, "every replay, rejected or not, is audited")
        }
    }
}
