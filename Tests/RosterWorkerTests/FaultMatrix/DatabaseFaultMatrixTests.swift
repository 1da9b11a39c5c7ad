import Foundation
import RosterKafka
import RosterPostgres
import RosterTesting
import Testing

/// Fault matrix row 11 (kafka-testing.md §6): Postgres down for longer than the consumer's
/// `max.poll.interval.ms`. Row 10 (a shorter crash) is ``IngestOutageTests``. Holds the
/// database lock exclusively: every other database test waits while the server is down.
@Suite(.serialized, .timeLimit(.minutes(10)), .requiresPostgres)
struct DatabaseFaultMatrixTests {
    /// The worker's `max.poll.interval.ms` in this test (librdkafka's default is 300 s; the
    /// worker's configuration passes `kafka.properties` through). It must be at least the 3 s
    /// session timeout.
    static let maxPollInterval: Duration = .seconds(6)

    /// **Row 11**: Postgres stops (immediate, as a crash) for twice `max.poll.interval.ms`.
    /// The worker, retrying the batch in hand, stops polling, so librdkafka leaves the group;
    /// when Postgres is back the batch is recorded, its commit is refused or superseded, the
    /// worker rejoins and the redelivery is absorbed. Invariants: 1, 2 (exactly one effect),
    /// 3 (sampled, and no offset moves during the outage), 5; the process never exits or
    /// restarts (no crash loop).
    @Test func row11PostgresDownLongerThanMaxPollIntervalKeepsExactlyOneEffect() async throws {
        try await TestDatabase.withFreshDatabase(exclusive: true) { url in
            let fixture = try IngestFixture(
                databaseURL: url, batchSize: 50,
                kafkaProperties: ["max.poll.interval.ms": String(Self.maxPollInterval.components.seconds * 1000)]
            )
            let monitor = try await CommitInvariantMonitor.start(fixture)
            try await fixture.produce(IngestFixture.events(0..<1000))
            let worker = try fixture.startWorker()
            try await fixture.waitUntil("ingest under way") {
                try await fixture.count("SELECT count(*) FROM events") >= 100
            }

            try await TestDatabase.crashServer()
            let outageStarted = ContinuousClock.now
            try await fixture.produce(IngestFixture.events(1000..<1400))
            // A batch recorded just before the crash may still commit its offsets; after that, nothing may.
            let duringOutage = try await settled { try await monitor.committed() }
            // Time is the behaviour here: the outage must outlast max.poll.interval.ms so the
            // consumer leaves the group. Twice the interval, a lower bound only.
            try await Task.sleep(until: outageStarted + Self.maxPollInterval * 2)
            #expect(try await monitor.committed() == duringOutage, "no offset moves while nothing can be recorded")
            #expect(worker.isRunning, "the worker survives the outage")
            try await TestDatabase.startServer()

            try await fixture.waitForRecorded(events: 1400)
            try await fixture.expectLiveness()
            let redelivered = try await fixture.expectExactlyOnce(eventIDs: eventIDs(0..<1400))
            await monitor.stopAndCheck()
            #expect(worker.isRunning, "no crash")
            #expect(
                IngestFixture.occurrences(of: "ingest started", in: worker) == 1, "no restart loop inside the process")
            let output = worker.output()
            #expect(output.contains("could not record batch; will retry"))
            let leftGroup = output.contains("maximum poll interval") || output.contains("MAX_POLL")
            #expect(leftGroup, "the consumer exceeded max.poll.interval.ms: \(output.suffix(3000))")
            // The batch in hand during the outage was recorded afterwards, but its commit could not
            // land (the member had left the group): it came again after the rejoin.
            #expect(redelivered > 0, "redelivery after the rejoin really happened")
            print("row 11: \(redelivered) redeliveries absorbed after the rejoin")
            await IngestFixture.stopCleanly(worker)
        }
    }
}
