import Foundation
import RosterPostgres
import RosterTesting
import Testing

/// Fault matrix rows 1 and 4 (kafka-testing.md §6): worker processes that die or stall.
/// Rows 2 and 3 are in ``IngestTests``, with the same commit monitor.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct WorkerFaultMatrixTests {
    /// **Row 1**: `kill -9` of the worker at random moments (two kills, at seeded random points of
    /// ingest progress), each followed by a restart. Invariants: 1 no loss, 2 one job per event id
    /// (redeliveries counted), 3 commit never ahead of Postgres (sampled throughout), 5 lag 0
    /// after the last restart. `ROSTER_TEST_SEED` replays a run.
    @Test func row1WorkerKilledAtRandomMomentsLosesAndDuplicatesNothing() async throws {
        let seed =
            ProcessInfo.processInfo.environment["ROSTER_TEST_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 1...999_999)
        var random = SplitMix64(seed: seed)
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url, batchSize: 50)
            let monitor = try await CommitInvariantMonitor.start(fixture)
            let total = 2000
            try await fixture.produce(IngestFixture.events(0..<total))
            var worker = try fixture.startWorker(name: "worker-0")
            var killPoints: [Int] = []
            for (index, window) in [100..<800, 900..<1800].enumerated() {
                let point = Int.random(in: window, using: &random)
                killPoints.append(point)
                try await fixture.waitUntil("\(point) events recorded", timeout: IngestFixture.livenessBound) {
                    try await fixture.count("SELECT count(*) FROM events") >= point
                }
                worker.kill(SIGKILL)
                #expect(await worker.waitForExit() != nil)
                worker = try fixture.startWorker(name: "worker-\(index + 1)")
            }
            try await fixture.waitForRecorded(events: total)
            try await fixture.expectLiveness()
            let redelivered = try await fixture.expectExactlyOnce(eventIDs: eventIDs(0..<total))
            print(
                "row 1: seed \(seed), killed after \(killPoints) events recorded, \(redelivered) redeliveries absorbed")
            await monitor.stopAndCheck()
            await IngestFixture.stopCleanly(worker)
        }
    }

    /// **Row 4**: two members of one group, one `kill -9`ed mid-stream. The survivor takes over
    /// every partition (events recorded after the kill on all 8) within the liveness bound.
    /// Invariants: 1, 2, 3 (sampled), 5, and no committed offset ever moves backwards (a stale
    /// commit of the dead member would; the coordinator fences it by generation).
    @Test func row4SurvivorTakesOverFromAKilledMember() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url, batchSize: 25)
            let monitor = try await CommitInvariantMonitor.start(fixture)
            let doomed = try fixture.startWorker(name: "worker-a")
            let survivor = try fixture.startWorker(name: "worker-b")
            try await fixture.produce(IngestFixture.events(0..<1000))
            // Both members own partitions before one dies.
            try await fixture.waitUntil("both members assigned", timeout: IngestFixture.livenessBound) {
                doomed.output().contains("partitions assigned") && survivor.output().contains("partitions assigned")
            }
            try await fixture.waitUntil("ingest under way") {
                try await fixture.count("SELECT count(*) FROM events") >= 200
            }
            doomed.kill(SIGKILL)
            #expect(await doomed.waitForExit() != nil)
            let killedAt = try await fixture.pool.query("SELECT clock_timestamp()").rows[0].decode(Date.self, at: 0)

            try await fixture.produce(IngestFixture.events(1000..<2000))
            try await fixture.waitForRecorded(events: 2000)
            try await fixture.expectLiveness()
            let redelivered = try await fixture.expectExactlyOnce(eventIDs: eventIDs(0..<2000))
            let takenOver = try await fixture.pool.query(
                "SELECT count(DISTINCT partition), count(*) FROM events WHERE received_at > \(killedAt)"
            ).rows[0]
            #expect(
                try takenOver.decode(Int64.self, at: 0) == 8, "the survivor ingested on every partition after the kill")
            #expect(try takenOver.decode(Int64.self, at: 1) >= 1000)
            let report = await monitor.stopAndCheck()
            #expect(report.regressions == 0, "no stale commit moved an offset back")
            print("row 4: \(redelivered) redeliveries absorbed after the kill")
            #expect(survivor.isRunning)
            await IngestFixture.stopCleanly(survivor)
        }
    }

    /// **Row 4, zombie**: a member is frozen (`SIGSTOP`) mid-stream, the survivor takes over its
    /// partitions, then the frozen member is thawed (`SIGCONT`) with whatever it held. Its late
    /// commit must not be taken: no offset moves backwards. Invariants: 1, 2, 3 (sampled), 5.
    ///
    /// A member frozen inside its ingest transaction keeps that transaction's row locks, and the
    /// survivor, re-inserting the same event ids, would wait on them for as long as the freeze
    /// lasts (seen: the survivor stalled). Roster sets no `idle_in_transaction_session_timeout`
    /// of its own; a deployment sets it through the database URL, as here (5 s).
    @Test func row4FrozenMembersLateCommitIsFenced() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(
                databaseURL: url + "?options=-c%20idle_in_transaction_session_timeout%3D5000", batchSize: 25
            )
            let monitor = try await CommitInvariantMonitor.start(fixture)
            let zombie = try fixture.startWorker(name: "worker-zombie")
            let survivor = try fixture.startWorker(name: "worker-survivor")
            try await fixture.produce(IngestFixture.events(0..<1000))
            try await fixture.waitUntil("both members assigned", timeout: IngestFixture.livenessBound) {
                zombie.output().contains("partitions assigned") && survivor.output().contains("partitions assigned")
            }
            try await fixture.waitUntil("ingest under way") {
                try await fixture.count("SELECT count(*) FROM events") >= 200
            }
            kill(zombie.pid, SIGSTOP)
            try await fixture.produce(IngestFixture.events(1000..<2000))
            // The survivor alone records everything: it took over the frozen member's partitions.
            try await fixture.waitForRecorded(events: 2000)
            try await fixture.expectLiveness()
            kill(zombie.pid, SIGCONT)
            // The thawed member notices it was evicted and rejoins: it assigns partitions again.
            let assignments = IngestFixture.occurrences(of: "partitions assigned", in: zombie)
            try await fixture.waitUntil("the thawed member rejoined", timeout: IngestFixture.livenessBound) {
                IngestFixture.occurrences(of: "partitions assigned", in: zombie) > assignments
            }
            try await fixture.expectLiveness()
            let redelivered = try await fixture.expectExactlyOnce(eventIDs: eventIDs(0..<2000))
            let report = await monitor.stopAndCheck()
            #expect(report.regressions == 0, "the zombie's late commit did not move an offset back")
            let fenced = IngestFixture.occurrences(of: "kafka offset commit failed", in: zombie)
            print("row 4 zombie: \(redelivered) redeliveries, \(fenced) commit(s) of the thawed member refused")
            await IngestFixture.stopCleanly(zombie)
            await IngestFixture.stopCleanly(survivor)
        }
    }
}
