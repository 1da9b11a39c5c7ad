import Foundation
import RosterKafka
import RosterPostgres
import RosterTesting
import Testing

/// Fault matrix rows 8 and 9 (kafka-testing.md §6): the group protocol answering with errors,
/// and a slow cluster, under a running `roster worker`.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct CommitFaultMatrixTests {
    /// **Row 8**: OffsetCommit answers NOT_COORDINATOR (16), REQUEST_TIMED_OUT (7),
    /// COORDINATOR_LOAD_IN_PROGRESS (14), REBALANCE_IN_PROGRESS (27) and a dropped connection
    /// (-195), three rounds, while events keep arriving in small batches. Failed commits are
    /// logged and survived (no crash), no offset is skipped (commit monitor), and once the
    /// errors are used up the group commits everything. Invariants: 1, 2, 3 (sampled), 5.
    @Test func row8CommitErrorsAreSurvivedAndSkipNoOffset() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url, batchSize: 20)
            let monitor = try await CommitInvariantMonitor.start(fixture)
            let worker = try fixture.startWorker()
            try await fixture.produce(IngestFixture.events(0..<100))
            try await fixture.waitForRecorded(events: 100)
            try await fixture.expectLiveness()

            let errors: [KafkaResponseCode] = [
                .notCoordinator, .requestTimedOut, .coordinatorLoadInProgress, .rebalanceInProgress, .transport,
            ]
            fixture.cluster.mock.pushRequestErrors(apiKey: .offsetCommit, errors: errors + errors + errors)
            // One chunk per recorded batch, so every chunk asks for at least one commit: 20 chunks
            // use up the 15 injected errors whatever librdkafka retries by itself.
            for chunk in 0..<20 {
                let start = 100 + chunk * 20
                try await fixture.produce(IngestFixture.events(start..<start + 20))
                try await fixture.waitForRecorded(events: start + 20)
            }
            #expect(worker.isRunning, "commit errors do not crash the worker")
            try await fixture.expectLiveness()
            let redelivered = try await fixture.expectExactlyOnce(eventIDs: eventIDs(0..<500))
            await monitor.stopAndCheck()
            let failures = IngestFixture.occurrences(of: "kafka offset commit failed", in: worker)
            #expect(failures > 0, "the injected commit errors reached the worker and were logged")
            print("row 8: \(failures) commit failures logged and survived, \(redelivered) redeliveries")
            await IngestFixture.stopCleanly(worker)
        }
    }

    /// **Row 9**: Fetch answers NOT_LEADER_FOR_PARTITION (6) and dropped connections (-195),
    /// Heartbeat answers ILLEGAL_GENERATION (22) and UNKNOWN_MEMBER_ID (25), forcing rebalances;
    /// then every broker answers 3 s late, so commits are slow. Both stay safe. The session
    /// timeout is 10 s here (heartbeat every 3.3 s) so a 3 s round trip slows heartbeats without
    /// piling them up and evicting the member (seen with 6 s: ingest stalled in rejoins).
    /// Invariants: 1, 2, 3 (sampled), 5; a forced rebalance really happened; a slow commit landed.
    @Test func row9FetchAndHeartbeatErrorsAndASlowClusterStaySafe() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url, batchSize: 20, sessionTimeoutMs: 10000)
            let mock = fixture.cluster.mock
            let monitor = try await CommitInvariantMonitor.start(fixture)
            let worker = try fixture.startWorker()
            try await fixture.produce(IngestFixture.events(0..<200))
            try await fixture.waitForRecorded(events: 200)
            try await fixture.expectLiveness()

            let assignedBefore = IngestFixture.occurrences(of: "partitions assigned", in: worker)
            mock.pushRequestErrors(apiKey: .heartbeat, errors: [.illegalGeneration, .unknownMemberID])
            mock.pushRequestErrors(
                apiKey: .fetch, errors: [.notLeaderForPartition, .transport, .notLeaderForPartition, .transport])
            for chunk in 0..<6 {
                let start = 200 + chunk * 50
                try await fixture.produce(IngestFixture.events(start..<start + 50))
                try await fixture.waitForRecorded(events: start + 50)
            }
            try await fixture.waitUntil("a forced rebalance", timeout: IngestFixture.livenessBound) {
                IngestFixture.occurrences(of: "partitions assigned", in: worker) > assignedBefore
            }
            try await fixture.expectLiveness()

            try mock.setRTT(broker: nil, milliseconds: 3000)
            try await fixture.produce(IngestFixture.events(500..<550))
            try await fixture.waitForRecorded(events: 550)
            // A commit taking 3 s or more lands while the cluster is slow (read through the slow cluster too).
            try await fixture.waitUntil("the slow commits landed", timeout: IngestFixture.livenessBound) {
                try await monitor.committed().values.reduce(0, +) >= 550
            }
            try mock.setRTT(broker: nil, milliseconds: 0)
            try await fixture.expectLiveness()
            let redelivered = try await fixture.expectExactlyOnce(eventIDs: eventIDs(0..<550))
            await monitor.stopAndCheck()
            let rebalances = IngestFixture.occurrences(of: "partitions assigned", in: worker) - assignedBefore
            print("row 9: \(rebalances) assignments after the injected errors, \(redelivered) redeliveries")
            #expect(worker.isRunning)
            await IngestFixture.stopCleanly(worker)
        }
    }
}
