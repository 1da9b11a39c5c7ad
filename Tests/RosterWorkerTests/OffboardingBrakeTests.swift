import Foundation
import RosterCore
import RosterKafka
import RosterPostgres
import RosterTesting
import Testing

@testable import RosterWorker

/// The mass-offboarding brake in the worker: ingest through Kafka, the claim order, the
/// `roster holds` commands, the audit log, restarts, and two recorders at once. Everything is
/// proved by counts, never by timing.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct OffboardingBrakeWorkerTests {
    static let limit25 = "brake: {enabled: true, offboardings: 25, window_seconds: 3600, share: 0.05}"
    /// The brake's sentence for a batch that brought the count to `total` (26 to 30 here: the
    /// burst may arrive in one poll batch or several).
    static func isExpectedReason(_ reason: String?) -> Bool {
        guard let reason,
            let match = reason.wholeMatch(
                of:
                    /mass-offboarding brake: (\d+) offboardings in 1 h exceed the limit of 25 \(the larger of 25 and 5 % of 0 known employees\); release with `roster holds release` or cancel with `roster holds cancel`/
            )
        else {
            return false
        }
        return (26...30).contains(Int(match.1) ?? 0)
    }

    static func offboarding(_ id: String, employee: String) -> (key: String, value: Data) {
        (employee, TestEvents.event(id: id, type: "hr.employee.offboarding", employee: employee, access: nil))
    }

    static func roster(
        _ arguments: [String], config: URL, user: String = "tester"
    ) async throws -> (status: Int32, output: String) {
        try await RosterProcess.run(
            arguments, environment: ["ROSTER_CONFIG": config.path, "USER": user, "NO_COLOR": ""], timeout: .seconds(60))
    }

    static func json(_ output: String) throws -> [String: Any] {
        let start = try #require(output.firstIndex(of: "{"))
        return try #require(try JSONSerialization.jsonObject(with: Data(output[start...].utf8)) as? [String: Any])
    }

    // MARK: - Through Kafka and real workers

    /// 30 offboardings of 30 employees in a burst, limit 25: 25 run, 5 are held with the reason;
    /// the held ones survive a worker restart untouched; `roster holds release` runs them.
    @Test func aBurstOf30With25Runs25HoldsFiveAndReleaseRunsThem() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let f = try await ExecutionFixture(databaseURL: url, extraConfiguration: Self.limit25)
            try await f.ingest.produce((0..<30).map { Self.offboarding("burst-\($0)", employee: "L\($0)") })
            let worker = try f.ingest.startWorker(executor: true)
            try await f.ingest.waitUntil("25 offboardings done and 5 held") {
                let s = try await f.jobStatuses()
                return s["succeeded"] == 25 && s["held"] == 5
            }
            #expect(
                try await f.jobStatuses() == ["succeeded": 25, "held": 5],
                "nothing else: no job was dropped or run past the brake")
            let reasons = try await f.ingest.pool.query("SELECT DISTINCT hold_reason FROM jobs WHERE status = 'held'")
                .rows.map { try $0.decode(String.self, at: 0) }
            #expect(!reasons.isEmpty && reasons.allSatisfy(Self.isExpectedReason), "\(reasons)")
            #expect(!reasons.joined().contains("L1"), "the reason names no employee")

            // Seen in /metrics: the shared gauge, and this worker's counters (it ingested them all).
            let port = try await opsPort(of: { worker.output() })
            try await f.ingest.waitUntil("roster_held_jobs 5 in /metrics") {
                try PrometheusText(try await httpGet("http://127.0.0.1:\(port)/metrics").body).values(
                    "roster_held_jobs") == [5]
            }
            let metrics = try PrometheusText(try await httpGet("http://127.0.0.1:\(port)/metrics").body)
            #expect(metrics.values("roster_jobs", where: ["state": "held", "type": "offboarding"]) == [5])
            #expect(metrics.values("roster_offboardings_held_total") == [5])
            #expect((metrics.values("roster_offboarding_brake_trips_total").first ?? 0) >= 1)
            #expect(worker.output().contains("mass-offboarding brake: offboardings held"), "a warning in the log")

            // A restart changes nothing: held jobs are never claimed, and never lost.
            worker.kill(SIGTERM)
            #expect(await worker.waitForExit() == 0)
            let restarted = try f.ingest.startWorker(name: "restarted", executor: true)
            try await f.ingest.waitForDrain()
            let listed = try Self.json(
                try await Self.roster(["holds", "list", "--output", "json"], config: f.ingest.configURL).output)
            #expect(listed["total"] as? Int == 5)
            let held = try #require(listed["held_jobs"] as? [[String: Any]])
            #expect(held.count == 5)
            for job in held {
                for key in ["id", "event_id", "employee_id", "event_time", "reason", "held_since"] {
                    #expect(job[key] != nil, "hold JSON has \(key)")
                }
                #expect(Self.isExpectedReason(job["reason"] as? String))
            }
            #expect(try await f.jobStatuses() == ["succeeded": 25, "held": 5])

            let released = try await Self.roster(
                ["holds", "release", "--all", "--reason", "reorganisation confirmed by HR", "--operator", "ada"],
                config: f.ingest.configURL)
            #expect(released.status == 0, "\(released.output)")
            #expect(released.output.contains("5 of 5 released"), "\(released.output)")
            try await f.waitForJobsToFinish(30, workers: [restarted])
            #expect(try await f.jobStatuses() == ["succeeded": 30])
            #expect(
                try await f.ingest.count(
                    "SELECT count(*) FROM jobs WHERE hold_decision = 'released' AND hold_reason IS NOT NULL") == 5)
            #expect(
                try await f.ingest.count(
                    "SELECT count(*) FROM audit_log WHERE action = 'holds_release' AND actor = 'operator:ada' AND reason = 'reorganisation confirmed by HR' AND outcome = 'queued'"
                ) == 5,
                "one audit row per job, with the operator and the reason"
            )
            restarted.kill(SIGTERM)
            #expect(await restarted.waitForExit() == 0)
            await f.stop()
        }
    }

    /// The same burst with ingest only: `holds list`, a cancel that records the reason and is
    /// audited, refusals of jobs that are not held, a dry run, and every one of the 30 accounted
    /// for at the end — nothing held is dropped.
    @Test func cancelRecordsTheReasonAndNothingHeldIsDroppedSilently() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url, extraConfiguration: Self.limit25)
            try await fixture.produce((0..<30).map { Self.offboarding("burst-\($0)", employee: "L\($0)") })
            let worker = try fixture.startWorker()
            try await fixture.waitForCounts(events: 30)
            #expect(try await fixture.count("SELECT count(*) FROM jobs WHERE status = 'queued'") == 25)
            #expect(try await fixture.count("SELECT count(*) FROM jobs WHERE status = 'held'") == 5)

            // A worker killed and started again: the five are still held, still listed.
            worker.kill(SIGKILL)
            _ = await worker.waitForExit()
            let restarted = try fixture.startWorker(name: "restarted")
            try await fixture.waitForDrain()
            let config = fixture.configURL
            let table = try await Self.roster(["holds", "list"], config: config)
            #expect(table.status == 0, "\(table.output)")
            #expect(table.output.contains("5 held"), "\(table.output)")
            #expect(!table.output.contains("@example.com"))
            let status = try await Self.roster(["status", "--kafka-timeout", "5"], config: config)
            #expect(status.output.contains("held by the mass-offboarding brake: 5 offboardings"), "\(status.output)")
            let statusJSON = try Self.json(
                try await Self.roster(["status", "--kafka-timeout", "5", "--output", "json"], config: config).output)
            #expect(((statusJSON["jobs"] as? [String: Any])?["by_status"] as? [String: Any])?["held"] as? Int == 5)
            let listedJobs = try Self.json(
                try await Self.roster(["jobs", "list", "--status", "held", "--output", "json"], config: config).output)
            #expect((listedJobs["jobs"] as? [[String: Any]])?.count == 5)
            #expect(
                (listedJobs["jobs"] as? [[String: Any]])?.allSatisfy {
                    Self.isExpectedReason($0["hold_reason"] as? String)
                } == true)
            let heldIDs = try await fixture.pool.query("SELECT id FROM jobs WHERE status = 'held' ORDER BY id").rows.map
            { try $0.decode(Int64.self, at: 0) }
            let queuedID = try await fixture.pool.query(
                "SELECT id FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1"
            ).rows[0].decode(Int64.self, at: 0)
            #expect(heldIDs.count == 5)

            // Usage: a reason is required; ids or --all, not neither.
            #expect(try await Self.roster(["holds", "cancel", String(heldIDs[0])], config: config).status == 2)
            #expect(try await Self.roster(["holds", "release", "--reason", "x"], config: config).status == 2)
            #expect(try await Self.roster(["holds", "cancel", "424242", "--reason", "x"], config: config).status == 1)

            let cancel = try await Self.roster(
                [
                    "holds", "cancel", String(heldIDs[0]), String(heldIDs[1]), "--reason", "HR export bug HR-124",
                    "--output", "json",
                ], config: config)
            #expect(cancel.status == 0, "\(cancel.output)")
            let outcomes = try #require(try Self.json(cancel.output)["jobs"] as? [[String: Any]])
            #expect(outcomes.map { $0["result"] as? String } == ["cancelled", "cancelled"])
            let cancelled = try await JobReader(pool: fixture.pool).list(JobFilter(ids: Array(heldIDs.prefix(2))))
            #expect(cancelled.allSatisfy { $0.status == .cancelled && $0.holdDecision == .cancelled })
            #expect(cancelled.allSatisfy { $0.cancelReason == "cancelled while held by tester: HR export bug HR-124" })
            #expect(
                cancelled.allSatisfy { Self.isExpectedReason($0.holdReason) }, "the hold's reason stays, as history")
            let audit = try await AuditReader(pool: fixture.pool).entries(job: heldIDs[0])
            #expect(audit.map(\.action) == ["holds_cancel"])
            #expect(
                audit.first?.actor == "operator:tester" && audit.first?.reason == "HR export bug HR-124"
                    && audit.first?.outcome == "cancelled")

            // Refused, clearly, and audited: a job that is not held.
            let refused = try await Self.roster(
                ["holds", "release", String(heldIDs[0]), String(queuedID), "--reason", "oops"], config: config)
            #expect(refused.status == 1, "\(refused.output)")
            #expect(
                refused.output.contains("job \(heldIDs[0]) is cancelled, not held by the mass-offboarding brake"),
                "\(refused.output)")
            #expect(refused.output.contains("job \(queuedID) is queued, not held"), "\(refused.output)")
            #expect(
                try await AuditReader(pool: fixture.pool).entries(job: queuedID).map(\.outcome).allSatisfy {
                    $0.hasPrefix("refused: ")
                })
            // `roster cancel` and `roster replay` send the operator to `roster holds`.
            let plainCancel = try await Self.roster(
                ["cancel", String(heldIDs[2]), "--reason", "x", "--yes"], config: config)
            #expect(
                plainCancel.status == 1 && plainCancel.output.contains("roster holds cancel"), "\(plainCancel.output)")
            let replay = try await Self.roster(["replay", String(heldIDs[2]), "--reason", "x"], config: config)
            #expect(
                replay.status == 1 && replay.output.contains("held by the mass-offboarding brake"), "\(replay.output)")

            // A dry run changes nothing.
            let dry = try await Self.roster(
                ["holds", "release", "--all", "--reason", "check", "--dry-run"], config: config)
            #expect(dry.status == 0 && dry.output.contains("dry run: 3 of 3 would be released"), "\(dry.output)")
            #expect(try await fixture.count("SELECT count(*) FROM jobs WHERE status = 'held'") == 3)

            let release = try await Self.roster(["holds", "release", "--all", "--reason", "confirmed"], config: config)
            #expect(release.status == 0, "\(release.output)")
            // Every one of the 30 is accounted for: 28 queued to run, 2 cancelled with a reason.
            #expect(try await fixture.count("SELECT count(*) FROM jobs") == 30)
            #expect(try await fixture.count("SELECT count(*) FROM jobs WHERE status = 'queued'") == 28)
            #expect(
                try await fixture.count(
                    "SELECT count(*) FROM jobs WHERE status = 'cancelled' AND cancel_reason LIKE '%HR export bug%'")
                    == 2)
            #expect(try await fixture.count("SELECT count(*) FROM jobs WHERE status = 'held'") == 0)
            #expect(
                try await fixture.count(
                    "SELECT count(*) FROM audit_log WHERE action LIKE 'holds_%' AND outcome IN ('queued', 'cancelled')")
                    == 5)
            restarted.kill(SIGTERM)
            #expect(await restarted.waitForExit() == 0)
        }
    }

    // MARK: - Claim order and the leaver rule

    func record(
        _ events: [(key: String, value: Data)], store: IngestStore, startingAt offset: Int64
    ) async throws -> IngestStore.Outcome {
        let messages = events.enumerated().map { index, event in
            KafkaMessage(
                topic: "hr.events", partition: 0, offset: offset + Int64(index), key: Data(event.key.utf8),
                value: event.value)
        }
        return try await store.record(IngestBatch(messages: messages, decoder: HREventDecoder()))
    }

    func status(of eventID: String, _ pool: PostgresPool) async throws -> String {
        try await pool.query("SELECT status FROM jobs WHERE event_id = \(eventID)").rows[0].decode(String.self, at: 0)
    }

    func jobID(of eventID: String, _ pool: PostgresPool) async throws -> Int64 {
        try await pool.query("SELECT id FROM jobs WHERE event_id = \(eventID)").rows[0].decode(Int64.self, at: 0)
    }

    /// A held offboarding is never claimed and blocks the same employee's later onboarding (a
    /// rehire must not run before the offboarding is decided); other employees' jobs still run.
    @Test func aHeldOffboardingBlocksTheSameEmployeesLaterJobs() async throws {
        try await TestDatabase.withFreshPool { pool, _ in
            try await RosterSchema.migrate(pool, logger: TestDatabase.logger)
            let store = IngestStore(pool: pool, failpoints: .disabled, brake: .init(offboardings: 1))
            let first = try await record([Self.offboarding("off-x1", employee: "X1")], store: store, startingAt: 0)
            #expect(first.jobsQueued == 1 && first.jobsHeld == 0)
            try await pool.execute(
                "UPDATE jobs SET status = 'succeeded', finished_at = now() WHERE event_id = 'off-x1'")
            let second = try await record(
                [
                    Self.offboarding("off-x2", employee: "X2"),
                    ("X2", TestEvents.event(id: "rehire-x2", employee: "X2")),
                    ("Y1", TestEvents.event(id: "join-y1", employee: "Y1")),
                ],
                store: store, startingAt: 1
            )
            #expect(second.jobsHeld == 1 && second.jobsQueued == 2)
            #expect(try await status(of: "off-x2", pool) == "held")
            #expect(
                try await status(of: "rehire-x2", pool) == "queued", "a rehire after the offboarding is a real job …")

            let jobs = JobStore(pool: pool, workerID: "w1", lease: .seconds(30))
            let claimed = try await jobs.claim(limit: 10)
            #expect(claimed.map(\.job.eventID) == ["join-y1"], "… but it waits behind the held offboarding; others run")
            #expect(try await jobs.claim(limit: 10).isEmpty, "nothing else is claimable while the offboarding is held")

            let release = try await JobHolds(pool: pool).decide(
                .released, .ids([try await jobID(of: "off-x2", pool)]), dryRun: false,
                by: try OperatorAction(name: "ops", reason: "real"))
            #expect(release.map(\.result) == [.decided])
            #expect(try await jobs.claim(limit: 10).map(\.job.eventID) == ["off-x2"], "released: the leaver goes first")
            #expect(try await jobs.claim(limit: 10).isEmpty, "the rehire still waits for the running offboarding")
            try await pool.execute(
                "UPDATE jobs SET status = 'succeeded', finished_at = now(), lease_owner = NULL, lease_expires_at = NULL WHERE event_id = 'off-x2'"
            )
            #expect(try await jobs.claim(limit: 10).map(\.job.eventID) == ["rehire-x2"])
        }
    }

    /// A held offboarding supersedes the employee's pending grants at once (Roster errs toward
    /// removing access); cancelling the hold makes it void: the superseded jobs are listed and may
    /// be replayed, and the employee's later changes grant again.
    @Test func cancellingAHoldMakesTheOffboardingVoid() async throws {
        try await TestDatabase.withFreshPool { pool, url in
            try await RosterSchema.migrate(pool, logger: TestDatabase.logger)
            let store = IngestStore(pool: pool, failpoints: .disabled, brake: .init(offboardings: 1))
            _ = try await record([Self.offboarding("off-a", employee: "A")], store: store, startingAt: 0)
            _ = try await record([("B", TestEvents.event(id: "join-b", employee: "B"))], store: store, startingAt: 1)
            _ = try await record([Self.offboarding("off-b", employee: "B")], store: store, startingAt: 2)
            #expect(try await status(of: "off-b", pool) == "held")
            #expect(
                try await status(of: "join-b", pool) == "cancelled",
                "the held offboarding superseded the pending onboarding")
            let changeWhileHeld = try await record(
                [("B", TestEvents.event(id: "change-b1", type: "hr.employee.changed", employee: "B"))], store: store,
                startingAt: 3)
            #expect(changeWhileHeld.jobsCancelledAtBirth == 1, "while held it counts as a leave")

            let offB = try await jobID(of: "off-b", pool)
            let joinB = try await jobID(of: "join-b", pool)
            let config = try TestConfiguration.write(
                brokers: "127.0.0.1:1", databaseURL: url, topic: "hr.events", group: "roster")
            let cancel = try await Self.roster(
                ["holds", "cancel", String(offB), "--reason", "HR export bug"], config: config)
            #expect(cancel.status == 0, "\(cancel.output)")
            #expect(cancel.output.contains("it had ended jobs \(joinB)"), "\(cancel.output)")
            #expect(cancel.output.contains("roster replay"), "\(cancel.output)")

            let later = try await record(
                [("B", TestEvents.event(id: "change-b2", type: "hr.employee.changed", employee: "B"))], store: store,
                startingAt: 4)
            #expect(later.jobsQueued == 1 && later.jobsCancelledAtBirth == 0, "void: the change grants again")
            let replay = try await Self.roster(
                ["replay", String(joinB), "--reason", "the offboarding was void"], config: config)
            #expect(replay.status == 0, "the leaver rule no longer refuses it: \(replay.output)")
            #expect(try await status(of: "join-b", pool) == "queued")
        }
    }

    // MARK: - Reconciliation

    /// A drift fix decided from an onboarding is never created once an offboarding of the
    /// employee was recorded after the pass read them (even an offboarding already finished):
    /// reconciliation must not re-grant a leaver in that window.
    @Test func aDriftFixIsNotCreatedWhenAnOffboardingArrivedSinceThePassRead() async throws {
        try await TestDatabase.withFreshPool { pool, _ in
            try await RosterSchema.migrate(pool, logger: TestDatabase.logger)
            let gate = OffboardingBrakeGate(configuration: .init())
            let store = IngestStore(pool: pool, failpoints: .disabled, brake: gate.brake.configuration)
            _ = try await record(
                [("RF1", TestEvents.event(id: "on-rf1", employee: "RF1"))], store: store, startingAt: 0)
            let fix = ReactionRequest(
                employeeID: "RF1", vendor: "openai", kind: .changed,
                grants: [AccessGrant(vendor: "openai", project: "p", role: "member")], decidedBy: "on-rf1")
            // The offboarding arrives (and finishes) after the pass read the onboarding.
            _ = try await record([Self.offboarding("off-rf1", employee: "RF1")], store: store, startingAt: 1)
            try await pool.execute("UPDATE jobs SET status = 'succeeded', finished_at = now()")

            let result = try await ReactionJobWriter(pool: pool, brake: gate).create(fix, runID: 1)
            #expect(result.jobID == nil && result.skipped?.contains("arrived since") == true, "\(result)")
            #expect(
                try await pool.query("SELECT count(*) FROM jobs WHERE origin = 'reconcile'").rows[0].decode(
                    Int64.self, at: 0) == 0)
        }
    }

    /// Reconciliation's automatic revocation obeys the same brake (its job writer asks the gate
    /// inside its own transaction, after the employee's lock): with a limit of 1 and the leaver's
    /// own offboarding in the window, the revocation a pass asks for is created held, is blocked
    /// like any held job, and runs once released.
    @Test func reconciliationsRevocationObeysTheBrake() async throws {
        try await TestDatabase.withFreshPool { pool, _ in
            try await RosterSchema.migrate(pool, logger: TestDatabase.logger)
            let gate = OffboardingBrakeGate(configuration: .init(offboardings: 1))
            let store = IngestStore(pool: pool, failpoints: .disabled, brake: gate.brake.configuration)
            _ = try await record(
                [
                    ("RB1", TestEvents.event(id: "on-rb1", employee: "RB1")),
                    Self.offboarding("off-rb1", employee: "RB1"),
                ], store: store, startingAt: 0)
            try await pool.execute("UPDATE jobs SET status = 'succeeded', finished_at = now()")

            let writer = ReactionJobWriter(pool: pool, brake: gate)
            let result = try await writer.create(
                ReactionRequest(employeeID: "RB1", vendor: "openai", kind: .offboarding, grants: []), runID: 1)
            #expect(result.status == .held)
            let job = try await JobReader(pool: pool).job(try #require(result.jobID))
            #expect(job.status == .held && job.kind == .offboarding)
            #expect(
                job.holdReason?.hasPrefix("mass-offboarding brake: 2 offboardings in 1 h exceed the limit of 1")
                    == true, "\(job.holdReason ?? "")")
            #expect(
                try await JobStore(pool: pool, workerID: "w1", lease: .seconds(30)).claim(limit: 10).isEmpty,
                "held: never claimed")

            let released = try await JobHolds(pool: pool).decide(
                .released, .all, dryRun: false, by: try OperatorAction(name: "ops", reason: "a real leaver"))
            #expect(released.map(\.jobID) == [job.id])
            #expect(
                try await JobStore(pool: pool, workerID: "w1", lease: .seconds(30)).claim(limit: 10).map(\.job.id) == [
                    job.id
                ])
        }
    }

    // MARK: - Two recorders at once

    /// Two recording transactions cannot both admit up to the limit: while one holds the brake's
    /// lock (it has decided and inserted, not yet committed), the other waits for it, then counts
    /// its jobs. Proved by watching the second wait in `pg_locks`, not by timing.
    @Test func twoConcurrentRecordersCannotExceedTheLimit() async throws {
        try await TestDatabase.withFreshPool(size: 4) { pool, _ in
            try await RosterSchema.migrate(pool, logger: TestDatabase.logger)
            let gate = OffboardingBrakeGate(configuration: .init(offboardings: 25))
            @Sendable func insert(
                _ verdicts: [OffboardingBrake.Verdict], prefix: String, on connection: PostgresConnection
            ) async throws {
                for (index, verdict) in verdicts.enumerated() {
                    try await connection.execute(
                        """
                        INSERT INTO jobs (event_id, employee_id, type, priority, employee_order, status, hold_reason)
                        VALUES (\("\(prefix)-\(index)"), \("\(prefix)\(index)"), 'offboarding', 100, 1, \(verdict.status.rawValue), \(verdict.holdReason))
                        """
                    )
                }
            }
            @Sendable func waiting() -> PostgresQuery {
                """
                SELECT count(*)::int8 FROM pg_locks
                WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND classid::int8 = \(OffboardingBrakeGate.lockKey >> 32) AND objid::int8 = \(OffboardingBrakeGate.lockKey & 0xFFFF_FFFF)
                """
            }
            let (locked, lockedSignal) = AsyncStream<Void>.makeStream()
            let first = Task {
                try await pool.withTransaction { connection in
                    let decision = try await gate.statuses(forNewOffboardings: 20, on: connection)
                    try await insert(decision.verdicts, prefix: "a", on: connection)
                    lockedSignal.yield()
                    // Commit only once the other recorder is queued behind the lock (the bound only
                    // ends a failing run: without the lock nobody ever waits).
                    for _ in 0..<1_500 {
                        if try await connection.query(waiting()).rows[0].decode(Int64.self, at: 0) > 0 {
                            return (decision, true)
                        }
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    return (decision, false)
                }
            }
            for await _ in locked { break }
            let second = try await pool.withTransaction { connection in
                let decision = try await gate.statuses(forNewOffboardings: 20, on: connection)
                try await insert(decision.verdicts, prefix: "b", on: connection)
                return decision
            }
            let (a, sawTheOtherWait) = try await first.value
            #expect(sawTheOtherWait, "the second recorder waited for the first's lock")
            #expect(a.admitted == 20 && a.held == 0)
            #expect(second.recorded == 20, "the second counted the first's jobs")
            #expect(second.admitted == 5 && second.held == 15)
            #expect(
                try await pool.query("SELECT count(*)::int8 FROM jobs WHERE status = 'queued'").rows[0].decode(
                    Int64.self, at: 0) == 25)

            // The same through the ingest path: two batches recorded at once never pass the limit.
            let store = IngestStore(pool: pool, failpoints: .disabled, brake: .init(offboardings: 50))
            async let x = record(
                (0..<20).map { Self.offboarding("x-\($0)", employee: "X\($0)") }, store: store, startingAt: 0)
            async let y = record(
                (0..<20).map { Self.offboarding("y-\($0)", employee: "Y\($0)") }, store: store, startingAt: 100)
            let (ox, oy) = try await (x, y)
            #expect(ox.jobsQueued + oy.jobsQueued == 10, "40 were recorded before: 10 more fit under 50")
            #expect(ox.jobsHeld + oy.jobsHeld == 30)
        }
    }

    /// The gate refuses to decide outside a transaction, where its lock would protect nothing.
    @Test func theGateNeedsATransaction() async throws {
        try await TestDatabase.withFreshPool { pool, _ in
            try await RosterSchema.migrate(pool, logger: TestDatabase.logger)
            let gate = OffboardingBrakeGate(configuration: .init())
            await #expect(throws: OffboardingBrakeGateError.self) {
                try await pool.withConnection { try await gate.statuses(forNewOffboardings: 1, on: $0) }
            }
            let off = OffboardingBrakeGate(configuration: .init(enabled: false))
            let decision = try await pool.withConnection { try await off.statuses(forNewOffboardings: 3, on: $0) }
            #expect(decision.admitted == 3, "a disabled brake asks nothing")
        }
    }
}
