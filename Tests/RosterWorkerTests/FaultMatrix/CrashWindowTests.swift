import Foundation
import RosterPostgres
import RosterTesting
import Testing

/// Issue 16, the executor's crash windows: a `roster worker` SIGKILLed right after a vendor call
/// succeeded and before its checkpoint (`ROSTER_FAILPOINT=after_vendor_call@N`, which fires at
/// every checkpoint a step writes), for every N over the job's checkpoints, for every
/// ``CrashScenario`` of every connector. A second worker resumes the job once its lease is gone.
///
/// Each vendor is one test case with its own database and fakes (the cases run in parallel);
/// its scenarios' jobs are ingested up front and held back (`run_after = 'infinity'`), then run
/// one at a time: an uninterrupted baseline, then crash point 1, 2, … each on a fresh employee,
/// until a worker armed with point N finishes its job without reaching it.
@Suite(.timeLimit(.minutes(10)), .requiresPostgres)
struct CrashWindowTests {
    typealias F = VendorFixture

    /// At most this many crash points per scenario (each has a seeded employee and event).
    static let maximumPoints = 14

    /// **Fault:** SIGKILL after each successful mutating vendor call, before its checkpoint, in
    /// every step kind of the connector (onboarding a newcomer, an existing member, offboarding).
    ///
    /// **Invariants**, for every crash point: the killed worker died of the signal; the resumed
    /// job succeeds; no mutating call is repeated (no identical method, path and body twice for
    /// the employee); the job makes exactly the mutating calls of an uninterrupted run, kind by
    /// kind (nothing granted twice, no second invite); the vendor's final state is exactly what
    /// the event asks for.
    @Test(arguments: ["openai", "posthog", "confident", "relevance"])
    func aWorkerKilledInEveryCrashWindowResumesWithoutRepeatingAMutation(vendor: String) async throws {
        try await TestDatabase.withFreshDatabase { url in
            // Offboardings queued together must not trip the mass-offboarding brake.
            let f = try await VendorFixture(databaseURL: url, extraConfiguration: "brake: {enabled: false}")
            try CrashScenario.seedSharedProjects(f, vendor: vendor)
            let scenarios = CrashScenario.all(vendor: vendor)
            var seeded: [String: String?] = [:]
            var events: [(key: String, value: Data)] = []
            for scenario in scenarios {
                for point in 0...Self.maximumPoints {
                    let employee = "\(scenario.name)\(point)".uppercased()
                    seeded[employee] = try scenario.seed(f, employee, F.email(employee))
                    events.append(
                        f.event(
                            Self.eventID(scenario, point), scenario.type, employee: employee,
                            grants: scenario.grants(employee)))
                }
            }
            try await f.ingest.produce(events)
            let ingest = try f.ingest.startWorker(name: "ingest-\(vendor)")
            try await f.ingest.waitForCounts(events: events.count, timeout: .seconds(120))
            ingest.kill(SIGTERM)
            #expect(await ingest.waitForExit() == 0)
            _ = try await f.ingest.pool.execute("UPDATE jobs SET run_after = 'infinity'")

            for scenario in scenarios {
                let points = try await crashEveryWindow(scenario, f: f, seeded: seeded)
                print("crash windows \(scenario.name) (\(vendor)): \(points) crash point(s), each resumed")
                #expect(points >= 1, "\(scenario.name): the job checkpoints at least once")
            }
            await f.stop()
        }
    }

    static func eventID(_ scenario: CrashScenario, _ point: Int) -> String { "cw-\(scenario.name)-\(point)" }

    /// Runs the scenario's baseline, then crash point 1, 2, … until one is past the job's last
    /// checkpoint; returns how many crash points there were.
    func crashEveryWindow(_ scenario: CrashScenario, f: VendorFixture, seeded: [String: String?]) async throws -> Int {
        let calls = { Self.calls(f, scenario.vendor) }
        func employee(_ point: Int) -> String { "\(scenario.name)\(point)".uppercased() }

        // The uninterrupted run: the mutating calls every resumed run must match.
        var mark = calls().count
        try await release(scenario, 0, f: f)
        let worker = try f.ingest.startWorker(name: "baseline-\(scenario.name)", executor: true)
        try await waitForJob(scenario, 0, f: f, workers: [worker])
        try await stop(worker, f: f)
        let baseline = Self.mutationKinds(Array(calls().dropFirst(mark)))
        #expect(!baseline.isEmpty, "\(scenario.name): the uninterrupted job mutates")
        try await expectSucceeded(scenario, 0, f: f)
        scenario.verify(f, employee(0), F.email(employee(0)), seeded[employee(0)] ?? nil)

        for point in 1...Self.maximumPoints {
            let name = employee(point)
            mark = calls().count
            try await release(scenario, point, f: f)
            let doomed = try f.ingest.startWorker(
                failpoint: "after_vendor_call@\(point)", name: "doomed-\(scenario.name)-\(point)", executor: true)
            try await f.ingest.waitUntil(
                "\(scenario.name) point \(point): the worker killed or the job finished", timeout: .seconds(150)
            ) {
                if !doomed.isRunning { return true }
                return try await self.isFinished(scenario, point, f: f)
            }
            var resumed = false
            if doomed.isRunning {
                // Past the job's last checkpoint: it ran through, and every window is covered.
                try await stop(doomed, f: f)
            } else {
                #expect(doomed.wasSignalled, "\(scenario.name) point \(point): \(doomed.output().suffix(1500))")
                #expect(doomed.output().contains("failpoint after_vendor_call reached"))
                // Its lease (30 s) would run out and the next heartbeat's reaper hand the job over:
                // do now what they would (the reaper's own update), and let its resource locks,
                // which live as long as its lease, expire too.
                _ = try await f.ingest.pool.execute(
                    PostgresQuery(
                        unsafeSQL: """
                            UPDATE jobs SET status = 'retrying', lease_owner = NULL, lease_expires_at = NULL, run_after = now(), updated_at = now(),
                                   last_error = coalesce(last_error, 'worker lost its lease; resumed by another worker')
                            WHERE event_id = '\(Self.eventID(scenario, point))' AND status = 'running'
                            """))
                _ = try await f.ingest.pool.execute(
                    "UPDATE resource_locks SET expires_at = now() WHERE expires_at > now()")
                let rescuer = try f.ingest.startWorker(name: "rescuer-\(scenario.name)-\(point)", executor: true)
                try await waitForJob(scenario, point, f: f, workers: [rescuer])
                try await stop(rescuer, f: f)
                resumed = true
            }
            try await expectSucceeded(scenario, point, f: f)
            let slice = Array(calls().dropFirst(mark))
            let repeated = Self.repeatedMutations(slice, vendor: scenario.vendor)
            #expect(repeated.isEmpty, "\(scenario.name) point \(point): mutating calls repeated: \(repeated)")
            let kinds = Self.mutationKinds(slice)
            #expect(
                kinds == baseline, "\(scenario.name) point \(point): mutating calls \(kinds), uninterrupted \(baseline)"
            )
            scenario.verify(f, name, F.email(name), seeded[name] ?? nil)
            if !resumed { return point - 1 }
        }
        Issue.record("\(scenario.name): more than \(Self.maximumPoints) checkpoints; seed more employees")
        return Self.maximumPoints
    }

    // MARK: - Helpers

    /// Stops a worker with SIGTERM once its services run (a worker signalled before it handles
    /// signals dies of the signal, which is no graceful exit); expects a clean exit.
    ///
    /// A worker stopped while the consumer group is still rebalancing away the member a SIGKILL
    /// left behind once aborted inside librdkafka 2.0.2 (exit 134, `assignor_state`,
    /// librdkafka#4312); the Kafka wrapper now keeps such a consumer's handle instead of destroying it.
    func stop(_ worker: RosterProcess, f: VendorFixture) async throws {
        try await f.ingest.waitUntil("the worker's services running", timeout: .seconds(90)) {
            worker.output().contains("executor started")
        }
        worker.kill(SIGTERM)
        let status = await worker.waitForExit(timeout: .seconds(120))
        guard status != 0 else { return }
        let output = worker.output()
        let why = output.split(separator: "\n").filter {
            $0.contains("ssert") || $0.contains("rdkafka") || $0.contains("Fatal")
        }.prefix(5)
        Issue.record("worker exited \(String(describing: status)): \(why) \(output.suffix(600))")
    }

    func release(_ scenario: CrashScenario, _ point: Int, f: VendorFixture) async throws {
        let updated = try await f.ingest.pool.execute(
            PostgresQuery(
                unsafeSQL: "UPDATE jobs SET run_after = now() WHERE event_id = '\(Self.eventID(scenario, point))'")
        )
        #expect(updated == 1)
    }

    func isFinished(_ scenario: CrashScenario, _ point: Int, f: VendorFixture) async throws -> Bool {
        try await f.ingest.count(
            "SELECT count(*) FROM jobs WHERE event_id = '\(Self.eventID(scenario, point))' AND status IN ('succeeded', 'dead', 'cancelled')"
        ) == 1
    }

    func waitForJob(_ scenario: CrashScenario, _ point: Int, f: VendorFixture, workers: [RosterProcess]) async throws {
        do {
            try await f.ingest.waitUntil("\(Self.eventID(scenario, point)) finished", timeout: .seconds(150)) {
                try await self.isFinished(scenario, point, f: f)
            }
        } catch {
            Issue.record("workers: \(workers.map { $0.output().suffix(3000) })")
            throw error
        }
    }

    func expectSucceeded(_ scenario: CrashScenario, _ point: Int, f: VendorFixture) async throws {
        let rows = try await f.strings(
            "SELECT status || ' ' || coalesce(last_error, '') FROM jobs WHERE event_id = '\(Self.eventID(scenario, point))'"
        )
        #expect(rows.count == 1 && rows[0].hasPrefix("succeeded"), "\(Self.eventID(scenario, point)): \(rows)")
    }

    static func calls(_ f: VendorFixture, _ vendor: String) -> [FakeCall] {
        switch vendor {
        case "openai": f.openai.calls.calls
        case "posthog": f.posthog.calls.calls
        case "confident": f.confident.calls.calls
        default: f.relevance.calls.calls
        }
    }

    /// Admitted mutating calls (Relevance AI's `POST …/list` lookups are reads).
    static func mutations(_ calls: [FakeCall]) -> [FakeCall] {
        calls.filter { $0.isMutation && $0.wasAdmitted && !$0.path.hasSuffix("/list") }
    }

    /// Mutating calls sent twice with the same method, path and body. Relevance AI names the
    /// project of a membership removal in a header only (`POST /auth/users/{id}/delete` with `{}`
    /// is the same call for every project), so body-less calls are left to ``mutationKinds(_:)``.
    static func repeatedMutations(_ calls: [FakeCall], vendor: String) -> [String] {
        let keys = mutations(calls).filter { !(vendor == "relevance" && ($0.body ?? "{}") == "{}") }
            .map { "\($0.method) \($0.path) \($0.body ?? "")" }
        return Dictionary(grouping: keys, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
    }

    /// The mutating calls as `METHOD path` with every path segment holding an id (a digit)
    /// replaced by `:id`, sorted: what an employee's job did, comparable between employees.
    static func mutationKinds(_ calls: [FakeCall]) -> [String] {
        mutations(calls).map { call in
            let path = call.path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
                segment.contains(where: \.isNumber) ? ":id" : String(segment)
            }.joined(separator: "/")
            return "\(call.method) \(path)"
        }.sorted()
    }
}
