import Foundation
import RosterPostgres
import RosterTesting
import Testing

@testable import RosterWorker

/// Issue 12: no event, replay or race re-grants a leaver's access. Real `roster worker`
/// processes, the mock Kafka cluster, a real Postgres and the vendor fakes over HTTP.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct LeaverGuaranteeTests {
    typealias F = VendorFixture

    /// Granting calls (invitations, memberships) a fake admitted for `email` among `calls`.
    static func grants(_ calls: [FakeCall], email: String) -> [String] {
        calls.filter {
            $0.wasAdmitted && $0.method == "POST" && ($0.body ?? "").lowercased().contains(email.lowercased())
        }
        .map { "\($0.method) \($0.path)" }
    }

    /// Hole 1, seen end to end: onboarding (1), offboarding (2), changed (3) for one employee; the
    /// offboarding succeeded, then the change's reconcile invited the person again everywhere.
    @Test func aChangeAfterAnOffboardingGrantsNothingUntilARehire() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            f.openai.addProject(name: "lv-ai")
            f.posthog.addProject(name: "lv-ph")
            let grants = [("openai", "lv-ai", "member"), ("posthog", "lv-ph", "member")]
            let email = F.email("L1")
            try await f.ingest.produce([f.event("l1-on", employee: "L1", grants: grants, sequence: 1)])
            try await f.run(until: 1)
            #expect(f.openai.invites.contains { $0.email == email && $0.status == .pending })
            #expect(!f.posthog.invites(email: email).isEmpty)

            let openaiMark = f.openai.calls.calls.count
            let posthogMark = f.posthog.calls.calls.count
            try await f.ingest.produce([
                f.event("l1-off", "hr.employee.offboarding", employee: "L1", grants: nil, sequence: 2),
                f.event(
                    "l1-ch", "hr.employee.changed", employee: "L1",
                    grants: [("openai", "lv-ai", "owner"), ("posthog", "lv-ph", "admin")], sequence: 3),
            ])
            try await f.run(until: 3)
            #expect(try await f.statuses() == ["succeeded": 2, "cancelled": 1])
            let reason = try await f.strings("SELECT cancel_reason FROM jobs WHERE event_id = 'l1-ch'").first
            #expect(
                reason?.contains("offboarded by event l1-off") == true && reason?.contains("needed to rehire") == true,
                "\(reason ?? "none")")
            #expect(
                Self.grants(Array(f.openai.calls.calls.dropFirst(openaiMark)), email: email).isEmpty,
                "no granting call at OpenAI after the offboarding")
            #expect(
                Self.grants(Array(f.posthog.calls.calls.dropFirst(posthogMark)), email: email).isEmpty,
                "no granting call at PostHog after the offboarding")
            #expect(!f.openai.invites.contains { $0.email == email && $0.status == .pending })
            #expect(f.posthog.invites(email: email).filter { !$0.isExpired }.isEmpty)

            // A rehire (an onboarding after the offboarding) grants again.
            try await f.ingest.produce([f.event("l1-rehire", employee: "L1", grants: grants, sequence: 4)])
            try await f.run(until: 4)
            #expect(try await f.statuses() == ["succeeded": 3, "cancelled": 1])
            #expect(f.openai.invites.contains { $0.email == email && $0.status == .pending })
            #expect(!f.posthog.invites(email: email).filter { !$0.isExpired }.isEmpty)
            await f.stop()
        }
    }

    /// Hole 2: a dead-lettered onboarding replayed after the employee's offboarding was
    /// re-ingested as a new arrival, so it ran after the offboarding and re-granted access.
    @Test func aDeadLetteredOnboardingIsRefusedAfterTheOffboardingAndAcceptedAfterARehire() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let openaiOnly = """
                vendors:
                  openai: {kind: openai, base_url: "http://127.0.0.1:9/v1", api_key_env: ROSTER_TEST_OPENAI_KEY}
                """
            let f = try IngestFixture(databaseURL: url, partitions: 1, vendors: openaiOnly)
            // Needs posthog, which this configuration lacks: dead-lettered; then the offboarding.
            try await f.produce([
                ("D1", TestEvents.event(id: "d1-on", employee: "D1", access: [("posthog", "analytics", "member")])),
                ("D1", TestEvents.event(id: "d1-off", type: "hr.employee.offboarding", employee: "D1", access: nil)),
            ])
            let worker = try f.startWorker()
            try await f.waitForCounts(events: 1, deadLetters: 1)
            let fixed = try TestConfiguration.write(
                brokers: f.cluster.bootstrapServers, databaseURL: url, topic: f.topic, group: f.group)
            let environment = ["ROSTER_CONFIG": fixed.path, "USER": "tester"]
            let first = try await f.pool.query("SELECT id FROM dead_letters WHERE event_id = 'd1-on'").rows[0].decode(
                Int64.self, at: 0)

            let dry = try await RosterProcess.run(
                ["dlq", "replay", String(first), "--reason", "posthog configured", "--dry-run"],
                environment: environment)
            #expect(dry.status == 1 && dry.output.contains("re-grant a leaver's access"), "\(dry.output)")
            let refused = try await RosterProcess.run(
                ["dlq", "replay", String(first), "--reason", "posthog configured"], environment: environment)
            #expect(
                refused.status == 1 && refused.output.contains("offboarded (event d1-off) after this onboarding"),
                "\(refused.output)")
            #expect(try await f.count("SELECT count(*) FROM jobs WHERE event_id = 'd1-on'") == 0)
            #expect(
                try await f.count(
                    "SELECT count(*) FROM audit_log WHERE action = 'dlq_replay' AND outcome LIKE 'refused: %offboarded%'"
                ) == 1, "the refusal is audited with its reason")

            // A rehire, then another onboarding needing posthog: dead-lettered after the rehire.
            try await f.produce([
                (
                    "D1",
                    TestEvents.event(id: "d1-rehire", employee: "D1", access: [("openai", "research-ai", "member")])
                ),
                ("D1", TestEvents.event(id: "d1-on2", employee: "D1", access: [("posthog", "analytics", "member")])),
            ])
            try await f.waitForCounts(events: 2, deadLetters: 2)
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
            let second = try await f.pool.query("SELECT id FROM dead_letters WHERE event_id = 'd1-on2'").rows[0].decode(
                Int64.self, at: 0)
            let accepted = try await RosterProcess.run(
                ["dlq", "replay", String(second), "--reason", "posthog configured"], environment: environment)
            #expect(accepted.status == 0, "\(accepted.output)")
            #expect(try await f.count("SELECT count(*) FROM jobs WHERE event_id = 'd1-on2' AND status = 'queued'") == 1)
        }
    }

    /// Hole 4: fencing by claim. A worker whose heartbeat stopped (failpoint) keeps running its job
    /// past the lease while a vendor call hangs; a second worker reclaims and finishes the job.
    /// The first worker then makes no further vendor call and none of its writes lands.
    @Test func aWorkerThatLostItsLeaseMakesNoFurtherCallAndWritesNothing() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url, leaseSeconds: 5)
            f.openai.addProject(name: "fence-ai")
            let email = F.email("FZ")
            // The first worker's first call hangs 40 s: eight times its lease, so that even on a
            // loaded machine the second worker has reclaimed the job before it returns.
            let stalled = try f.ingest.startWorker(failpoint: "stop_heartbeat", name: "stalled", executor: true)
            // The worker's start-up vendor check reads once; the hang is for the job's first call.
            try await f.ingest.waitUntil("the start-up vendor check") { f.openai.calls.calls.count >= 1 }
            let probes = f.openai.calls.calls.count
            f.openai.injectFaults([.delay(.seconds(40))], matching: .init(method: "GET"))
            try await f.ingest.produce([f.event("fz-on", employee: "FZ", grants: [("openai", "fence-ai", "member")])])
            try await f.ingest.waitUntil("the stalled worker's call reached the fake") {
                f.openai.calls.calls.count > probes
            }
            let rescuer = try f.ingest.startWorker(name: "rescuer", executor: true)
            try await f.execution.waitForJobsToFinish(1, timeout: .seconds(90), workers: [stalled, rescuer])
            #expect(try await f.statuses() == ["succeeded": 1])
            // The stalled worker's call comes back, and its runner meets the fence before its next write or call.
            try await f.ingest.waitUntil("the stalled worker let go", timeout: .seconds(120)) {
                stalled.output().contains("letting go")
            }

            let invites = f.openai.calls.calls.filter {
                $0.wasAdmitted && $0.method == "POST" && ($0.body ?? "").contains(email)
            }
            #expect(invites.count == 1, "one invitation, by the rescuer: \(invites.map(\.path))")
            let workers = try await f.strings("SELECT DISTINCT worker FROM step_attempts")
            #expect(workers.count == 1, "attempt rows from one worker only: \(workers)")
            let actors = try await f.strings("SELECT DISTINCT actor FROM audit_log WHERE job_id IS NOT NULL")
            #expect(actors.count <= 1, "audit rows from one worker only: \(actors)")
            #expect(
                stalled.output().contains("claim_lost") || stalled.output().contains("cancelled"),
                "\(stalled.output().suffix(2000))")
            for worker in [stalled, rescuer] { worker.kill(SIGTERM) }
            for worker in [stalled, rescuer] { _ = await worker.waitForExit() }
            await f.stop()
        }
    }

    /// Hole 13: two workers with a rate-limited backlog ignored SIGTERM for more than 15 s. Now a
    /// worker abandons its waits for rate-limit slots at once: 200 offboardings queue behind a
    /// budget of 1 call a second (revocations wait in-process for their slot), SIGTERM arrives,
    /// and the process exits promptly with every lease released and no attempt spent.
    ///
    /// The target is 5 s with no call in flight; the bound is 60 s so that a loaded 2-core machine
    /// does not fail it (20 s was too tight once), while a worker that waited for its slots would
    /// need over 3 minutes here (200 slots at 1 a second). The figure is printed.
    @Test func sigtermWithAThrottledBacklogExitsPromptlyReleasingEveryLease() async throws {
        try await TestDatabase.withFreshDatabase { url in
            // 200 leavers at once would trip the mass-offboarding brake (all but 25 held): off here.
            let f = try await VendorFixture(
                databaseURL: url, rate: (1, 1), extraConfiguration: "brake: {enabled: false}")
            try await f.ingest.produce(
                (0..<200).map { f.event("st-\($0)", "hr.employee.offboarding", employee: "ST\($0)", grants: nil) })
            let worker = try f.ingest.startWorker(executor: true)
            try await f.ingest.waitUntil("jobs waiting for slots", timeout: .seconds(60)) {
                try await f.ingest.count("SELECT count(*) FROM jobs WHERE status = 'running'") >= 20
            }
            let signalled = ContinuousClock.now
            worker.kill(SIGTERM)
            let status = await worker.waitForExit(timeout: .seconds(120))
            let took = ContinuousClock.now - signalled
            print("SIGTERM with a throttled backlog: exited \(status) after \(took)")
            #expect(status == 0)
            #expect(took < .seconds(60), "exited after \(took)")
            #expect(
                try await f.ingest.count(
                    "SELECT count(*) FROM jobs WHERE status = 'running' OR lease_owner IS NOT NULL") == 0,
                "every lease released")
            #expect(
                try await f.ingest.count(
                    "SELECT count(*) FROM job_steps WHERE status IN ('pending', 'running') AND attempts > 0") == 0,
                "no attempt spent by the interruption")
            await f.stop()
        }
    }

    /// Hole 3: a cancelled job still in flight stopped blocking its employee one lease later (the
    /// heartbeat renewed only running leases), so the offboarding ran while the onboarding was
    /// still inside a vendor call, and the invite created afterwards survived the offboarding.
    /// Here the onboarding's first call hangs 30 s (six times the 5 s lease, so that ingest records
    /// the offboarding well before it returns, however busy the machine); its offboarding arrives
    /// meanwhile. The onboarding must let go before the offboarding runs, and must make no
    /// granting call after it was cancelled.
    @Test func aSupersededOnboardingInFlightKeepsBlockingAndGrantsNothing() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url, leaseSeconds: 5)
            f.openai.addProject(name: "sw-ai")
            let email = F.email("SW")
            let worker = try f.ingest.startWorker(executor: true)
            // The worker's start-up vendor check reads once; the hang is for the job's first call.
            try await f.ingest.waitUntil("the start-up vendor check") { f.openai.calls.calls.count >= 1 }
            let probes = f.openai.calls.calls.count
            f.openai.injectFaults([.delay(.seconds(30))], matching: .init(method: "GET"))
            try await f.ingest.produce([f.event("sw-on", employee: "SW", grants: [("openai", "sw-ai", "member")])])
            try await f.ingest.waitUntil("the onboarding's call reached the fake") {
                f.openai.calls.calls.count > probes
            }
            try await f.ingest.produce([f.event("sw-off", "hr.employee.offboarding", employee: "SW", grants: nil)])
            try await f.execution.waitForJobsToFinish(2, timeout: .seconds(90), workers: [worker])
            #expect(try await f.statuses() == ["succeeded": 1, "cancelled": 1])

            #expect(Self.grants(f.openai.calls.calls, email: email).isEmpty, "no granting call for the leaver")
            #expect(
                !f.openai.invites.contains { $0.email == email && $0.status == .pending },
                "no invite survives the offboarding")
            // The offboarding ran only after the onboarding's worker let go of it.
            let released = try await f.ingest.count(
                "SELECT count(*) FROM jobs WHERE event_id = 'sw-on' AND lease_owner IS NULL")
            let output = worker.output()
            try? output.write(toFile: "/tmp/superseded-worker.log", atomically: true, encoding: .utf8)
            #expect(released == 1)
            #expect(output.contains("letting go") || output.contains("stopping it"), "\(output.suffix(2000))")
            let offboardingStarted = try await f.strings(
                "SELECT coalesce((min(s.started_at) > max(a.started_at))::text, 'no attempt') FROM job_steps s, step_attempts a, jobs o, jobs n WHERE s.job_id = o.id AND o.event_id = 'sw-off' AND a.job_id = n.id AND n.event_id = 'sw-on'"
            )
            #expect(
                offboardingStarted.first != "false",
                "the offboarding's steps started after the onboarding's last attempt")
            worker.kill(SIGTERM)
            _ = await worker.waitForExit()
            await f.stop()
        }
    }

    /// Hole 5: one vendor stranded the others. An offboarding across all four vendors where OpenAI
    /// refuses permanently (403) and PostHog fails twice (503) before it answers: every other
    /// vendor's access is gone, the job is dead naming each vendor's outcome, and a replay after
    /// the refusal is fixed finishes only OpenAI.
    @Test func oneVendorsRefusalStrandsNoOtherVendorAndAReplayFinishesOnlyIt() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            let email = F.email("VC")
            let user = f.openai.addUser(email: email)
            f.posthog.addMember(email: email)
            f.openai.injectFaults([.status(403)], matching: .init(method: "DELETE"))
            f.posthog.injectFaults([.status(503), .status(503)], matching: .init(method: "DELETE"))
            try await f.ingest.produce([f.event("vc-off", "hr.employee.offboarding", employee: "VC", grants: nil)])
            try await f.run(until: 1)
            #expect(try await f.statuses() == ["dead": 1])
            let error = try #require(try await f.strings("SELECT last_error FROM jobs").first)
            #expect(error.contains("openai: failed") && error.contains("HTTP 403"), "\(error)")
            for vendor in ["posthog", "confident", "relevance"] {
                #expect(error.contains("\(vendor): done"), "\(error)")
            }
            #expect(f.posthog.member(email: email) == nil, "PostHog access is gone although OpenAI refused")
            #expect(f.openai.users.contains { $0.id == user.id }, "OpenAI refused: the user is still there")

            let marks = (f.posthog.calls.calls.count, f.confident.calls.calls.count, f.relevance.calls.calls.count)
            let replay = try await RosterProcess.run(
                ["replay", try await f.strings("SELECT id::text FROM jobs")[0], "--reason", "openai fixed"],
                environment: ["ROSTER_CONFIG": f.ingest.executorConfigURL.path, "USER": "tester"]
            )
            #expect(replay.status == 0, "\(replay.output)")
            try await f.run(until: 1)
            #expect(try await f.statuses() == ["succeeded": 1])
            #expect(!f.openai.users.contains { $0.id == user.id })
            #expect(
                F.mutations(FakeCallLog(Array(f.posthog.calls.calls.dropFirst(marks.0)))).isEmpty,
                "the replay calls only the unfinished vendor")
            #expect(F.mutations(FakeCallLog(Array(f.confident.calls.calls.dropFirst(marks.1)))).isEmpty)
            #expect(F.mutations(FakeCallLog(Array(f.relevance.calls.calls.dropFirst(marks.2)))).isEmpty)
            await f.stop()
        }
    }

    /// Hole 14: offboarding looked people up by the offboarding event's address only; someone
    /// whose address changed since they were provisioned kept the old account.
    @Test func anOffboardingRemovesTheAccountsOfEveryRecordedAddress() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await VendorFixture(databaseURL: url)
            f.openai.addProject(name: "addr-ai")
            let old = "ada.old@example.com"
            let new = "ada.new@example.com"
            let oldUser = f.openai.addUser(email: old)
            f.posthog.addMember(email: old)
            try await f.ingest.produce([
                (
                    "AD",
                    TestEvents.event(id: "ad-on", employee: "AD", email: old, access: [("openai", "addr-ai", "member")])
                )
            ])
            try await f.run(until: 1)
            let newUser = f.openai.addUser(email: new)
            try await f.ingest.produce([
                (
                    "AD",
                    TestEvents.event(
                        id: "ad-off", type: "hr.employee.offboarding", employee: "AD", email: new, access: nil)
                )
            ])
            try await f.run(until: 2)
            #expect(try await f.statuses() == ["succeeded": 2])
            #expect(!f.openai.users.contains { $0.id == oldUser.id }, "the account under the old address is gone")
            #expect(!f.openai.users.contains { $0.id == newUser.id }, "and the one under the event's address")
            #expect(f.posthog.member(email: old) == nil)
            let params = try await f.strings(
                "SELECT params::text FROM job_steps s JOIN jobs j ON j.id = s.job_id WHERE j.event_id = 'ad-off'")
            #expect(
                params.contains { $0.replacingOccurrences(of: " ", with: "").contains("\"address\":0") },
                "steps for the earlier address, by index")
            #expect(!params.contains { $0.contains("@") }, "plans hold no addresses")
            await f.stop()
        }
    }

    /// Hole 8: configuration skew. A job naming a vendor that the executing worker's configuration
    /// lacks (a rolling deploy) was made dead; now it is released for a worker that has the
    /// vendor, with no attempt spent, and `roster status` shows it waiting.
    @Test func aJobNamingAVendorThisWorkerLacksWaitsForOneThatHasIt() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let both = """
                vendors:
                  openai: {kind: openai, base_url: "http://127.0.0.1:9/v1", api_key_env: ROSTER_TEST_OPENAI_KEY}
                  posthog: {kind: posthog, base_url: "http://127.0.0.1:9", organization_id: "org", api_key_env: ROSTER_TEST_POSTHOG_KEY}
                """
            let openaiOnly = """
                vendors:
                  openai: {kind: openai, base_url: "http://127.0.0.1:9/v1", api_key_env: ROSTER_TEST_OPENAI_KEY}
                """
            let f = try IngestFixture(databaseURL: url, partitions: 1, vendors: both)
            try await f.produce([
                ("K1", TestEvents.event(id: "k1-on", employee: "K1", access: [("posthog", "analytics", "member")]))
            ])
            let ingest = try f.startWorker()
            try await f.waitForCounts(events: 1)
            let older = try TestConfiguration.write(
                brokers: f.cluster.bootstrapServers, databaseURL: url, topic: f.topic, group: f.group + "-older",
                vendors: openaiOnly, executorEnabled: true
            )
            let executor = try RosterProcess(
                ["worker"], environment: ["ROSTER_CONFIG": older.path, "ROSTER_TEST_OPENAI_KEY": "sk-test"],
                name: "older")
            try await f.waitUntil("the job released for a configured worker") {
                try await f.count(
                    "SELECT count(*) FROM jobs WHERE status = 'retrying' AND last_error LIKE 'waiting for a worker configured with vendor%'"
                ) == 1
            }
            #expect(try await f.count("SELECT count(*) FROM jobs WHERE status = 'dead'") == 0)
            #expect(try await f.count("SELECT coalesce(sum(attempts), 0) FROM job_steps") == 0, "no step attempt spent")
            let status = try await RosterProcess.run(
                ["status", "--output", "json"], environment: ["ROSTER_CONFIG": f.configURL.path], timeout: .seconds(60))
            #expect(
                status.output.contains("\"jobs_waiting_for_a_configured_worker\": 1"), "\(status.output.suffix(1500))")
            for worker in [ingest, executor] { worker.kill(SIGTERM) }
            for worker in [ingest, executor] { _ = await worker.waitForExit() }
        }
    }
}
