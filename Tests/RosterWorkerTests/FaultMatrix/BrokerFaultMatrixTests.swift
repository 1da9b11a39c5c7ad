import Foundation
import RosterKafka
import RosterPostgres
import RosterTesting
import Testing

/// Fault matrix rows 5, 6 and 7 (kafka-testing.md §6): brokers, partition leaders and the group
/// coordinator going away under a running `roster worker`.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct BrokerFaultMatrixTests {
    /// **Row 5**: every broker down for longer than `session.timeout.ms`, then up. The worker
    /// survives losing its partitions, rejoins and catches up. Invariants: 1, 2, 3 (sampled),
    /// 5, and the process never exits.
    @Test func row5AllBrokersDownLongerThanTheSessionTimeout() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url, batchSize: 20)
            let monitor = try await CommitInvariantMonitor.start(fixture)
            let worker = try fixture.startWorker()
            try await fixture.produce(IngestFixture.events(0..<600))
            try await fixture.waitUntil("ingest under way") {
                try await fixture.count("SELECT count(*) FROM events") >= 100
            }

            try fixture.cluster.mock.setBrokerDown(nil)
            // Time is the behaviour here: the outage must outlast the 3 s session timeout so the
            // member's session expires. 2 × session timeout, a lower bound only.
            try await Task.sleep(for: .seconds(6))
            #expect(worker.isRunning, "the worker survives an outage of the whole cluster")
            try fixture.cluster.mock.setBrokerUp(nil)
            let healed = ContinuousClock.now

            // A fresh producer: the fixture's, idle through the outage, can keep a connection the
            // mock silently dropped and time out its next requests (seen: 60 s socket timeout).
            let producer = try fixture.cluster.makeProducer { $0.messageTimeout = .seconds(90) }
            try await fixture.produce(IngestFixture.events(600..<1000), producer: producer)
            try await fixture.waitForRecorded(events: 1000)
            try await fixture.expectLiveness()
            print("row 5: caught up \(ContinuousClock.now - healed) after the brokers came back")
            await producer.close()
            let redelivered = try await fixture.expectExactlyOnce(eventIDs: eventIDs(0..<1000))
            await monitor.stopAndCheck()
            #expect(worker.isRunning)
            print(
                "row 5: \(redelivered) redeliveries; partitions lost \(IngestFixture.occurrences(of: "partitions lost", in: worker))"
            )
            await IngestFixture.stopCleanly(worker)
        }
    }

    /// **Row 6**: the leader of half the partitions goes down; while it is down the other
    /// partitions keep flowing; then leadership fails over and the stranded partitions resume.
    /// Invariants: 1, 2, 3 (sampled), 5 (with the old leader still down).
    @Test func row6LeaderDownThenFailoverKeepsOtherPartitionsFlowing() async throws {
        try await TestDatabase.withFreshDatabase { url in
            let fixture = try IngestFixture(databaseURL: url, batchSize: 20)
            let mock = fixture.cluster.mock
            for partition in Int32(0)..<8 {
                try mock.setPartitionLeader(topic: fixture.topic, partition: partition, broker: partition < 4 ? 1 : 2)
            }
            // The coordinator stays up throughout (this row is about leaders, row 7 about coordinators).
            try mock.setCoordinator(group: fixture.group, broker: 3)
            // Messages for the stranded partitions wait in the producer until the failover: a long timeout.
            let producer = try fixture.cluster.makeProducer { $0.messageTimeout = .seconds(150) }
            let monitor = try await CommitInvariantMonitor.start(fixture)
            let worker = try fixture.startWorker()
            try await fixture.produce(IngestFixture.events(0..<200), partitions: Array(0..<8), producer: producer)
            try await fixture.waitForRecorded(events: 200)

            try mock.setBrokerDown(1)
            try await fixture.produce(IngestFixture.events(200..<400), partitions: [4, 5, 6, 7], producer: producer)
            try await fixture.waitForRecorded(events: 400)  // partitions 4–7 flow while 0–3 have no leader
            let stranded = Task {
                try await fixture.produce(
                    IngestFixture.events(400..<600), partitions: [0, 1, 2, 3], producer: producer)
            }
            for partition in Int32(0)..<4 {
                try mock.setPartitionLeader(topic: fixture.topic, partition: partition, broker: 3)
            }
            _ = try await stranded.value
            try await fixture.waitForRecorded(events: 600)
            try await fixture.expectLiveness()
            let redelivered = try await fixture.expectExactlyOnce(eventIDs: eventIDs(0..<600))
            try mock.setBrokerUp(1)
            await monitor.stopAndCheck()
            print("row 6: \(redelivered) redeliveries")
            await producer.close()
            await IngestFixture.stopCleanly(worker)
        }
    }

    /// **Row 7**: the group coordinator moves to another broker, then that broker goes down.
    /// Commits land after the move, cannot land while the coordinator is down (failed and
    /// logged, or deferred by librdkafka), and resume when it is back. Invariants: 1, 2,
    /// 3 (sampled), 5.
    @Test func row7CoordinatorMovesThenGoesDownCommitsFailThenResume() async throws {
        try await TestDatabase.withFreshDatabase { url in
            // librdkafka defers a commit while it has no coordinator for up to socket.timeout.ms
            // (60 s by default) before failing it: 10 s keeps the test short.
            let fixture = try IngestFixture(
                databaseURL: url, batchSize: 20, kafkaProperties: ["socket.timeout.ms": "10000"])
            let mock = fixture.cluster.mock
            // No partition leader on broker 3: only the coordinator is affected when it goes down.
            for partition in Int32(0)..<8 {
                try mock.setPartitionLeader(topic: fixture.topic, partition: partition, broker: partition % 2 + 1)
            }
            try mock.setCoordinator(group: fixture.group, broker: 1)
            let monitor = try await CommitInvariantMonitor.start(fixture)
            let worker = try fixture.startWorker()
            try await fixture.produce(IngestFixture.events(0..<200))
            try await fixture.waitForRecorded(events: 200)
            try await fixture.expectLiveness()

            try mock.setCoordinator(group: fixture.group, broker: 3)
            try await fixture.produce(IngestFixture.events(200..<400))
            try await fixture.waitForRecorded(events: 400)
            try await fixture.expectLiveness()  // commits found the moved coordinator

            // So that a commit is certainly attempted while the coordinator is down, the worker is
            // held inside its ingest transaction (the inbox locked against writes, not reads) with
            // a batch in hand, the coordinator goes down, and only then is the batch let through.
            let held = AsyncStream<Void>.makeStream()
            let release = AsyncStream<Void>.makeStream()
            let holder = Task {
                defer { held.continuation.finish() }
                try await fixture.pool.withTransaction { connection in
                    try await connection.execute("LOCK TABLE events IN EXCLUSIVE MODE")
                    held.continuation.yield()
                    for await _ in release.stream { break }
                }
            }
            for await _ in held.stream { break }
            try await fixture.produce(IngestFixture.events(400..<600))
            try await fixture.waitUntil(
                "the worker waits on the locked inbox with a batch", timeout: IngestFixture.livenessBound
            ) {
                try await fixture.count(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                ) > 0
            }
            let failuresBefore = IngestFixture.occurrences(of: "kafka offset commit failed", in: worker)
            try mock.setBrokerDown(3)
            release.continuation.yield()
            try await holder.value
            // The held batch is recorded with the coordinator down; its commit cannot land. Seen
            // both ways: librdkafka fails it at once (logged, survived) or defers it until the
            // coordinator is back; either way no offset moves past the database (monitor).
            try await fixture.waitUntil(
                "the held batch recorded with the coordinator down", timeout: IngestFixture.livenessBound
            ) {
                try await fixture.count("SELECT count(*) FROM events") > 400
            }
            // Time is the behaviour here: the coordinator stays away longer than the 3 s session
            // timeout, so the member's session expires and later events wait. A lower bound only.
            try await Task.sleep(for: .seconds(5))
            #expect(worker.isRunning)
            try mock.setBrokerUp(3)
            try await fixture.waitForRecorded(events: 600)
            try await fixture.expectLiveness()  // commits resumed
            let redelivered = try await fixture.expectExactlyOnce(eventIDs: eventIDs(0..<600))
            let report = await monitor.stopAndCheck()
            let failures = IngestFixture.occurrences(of: "kafka offset commit failed", in: worker) - failuresBefore
            print(
                "row 7: \(failures) failed commits logged around the coordinator outage, \(redelivered) redeliveries, \(report.failedReads) unreadable samples"
            )
            await IngestFixture.stopCleanly(worker)
        }
    }
}
